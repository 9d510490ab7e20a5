"""What the API does, one module per part of it, over the store port (``authorize.ports``).

Use cases take typed inputs (parsed credentials, validated bodies, ids, page requests) and raise the
domain's exceptions; turning requests into inputs and exceptions into GitHub's answers is the job of
``authorize.github``. ``retry`` holds the one write-retry protocol every writer uses.
"""
