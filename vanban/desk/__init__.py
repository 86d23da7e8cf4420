"""The clerk's desk (``vanban ui``): a local web application over the library's run, review,
forms and audit functions, for people who do not use a terminal."""
