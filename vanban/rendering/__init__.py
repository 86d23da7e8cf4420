"""The rendering engine: a Word template and a context in, a .docx out, sandboxed and compiled.

It knows nothing of plans, units or kinds of document (``vanban.documents`` holds those): it
renders whatever context it is given, in Jinja's sandbox, and checks the result is well formed.
"""
