"""A local stand-in for API Gateway (REST API, Lambda proxy integration) in front of the real handler.

Each HTTP request becomes the v1 proxy event API Gateway would send for the ``/{proxy+}`` resource;
the handler in ``functions/authorize/app.py`` answers it; its result becomes the HTTP response.

- ``server``: the HTTP server (waitress) and ``LocalApiServer``;
- ``wsgi``: the WSGI application: local paths, the event, the invocation, the access log;
- ``events``: the proxy event and API Gateway's reading of the function's result;
- ``invokers``: how the handler runs (in this process, or in worker processes);
- ``routes``: the route templates of template.yaml, which the access log records.
"""

from .events import MAX_BODY_BYTES
from .invokers import InProcessInvoker, InvocationError, Invoker, ProcessPoolInvoker, quiet_local_warnings
from .server import LocalApiServer

__all__ = [
    "MAX_BODY_BYTES",
    "InProcessInvoker",
    "InvocationError",
    "Invoker",
    "LocalApiServer",
    "ProcessPoolInvoker",
    "quiet_local_warnings",
]
