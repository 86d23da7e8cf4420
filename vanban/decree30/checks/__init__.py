"""The checker's rules, one module per part of a document (page, header, body, closing)."""
