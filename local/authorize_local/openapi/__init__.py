"""The OpenAPI document of the API (``docs/openapi.json``): how it is built is in ``document.py``.

Nothing here is on the Lambda's import path: the route documentation and its response models live in
this package only, and are applied when the document is built.
"""
