"""The API's routes, read from template.yaml (the function's ``Api`` events), for the access log.

The local server logs what the deployed stage's access log records: the route template that matched
(``$context.resourcePath``), never the raw path or query, which can carry tokens and client secrets
(``/applications/{client_id}/tokens/{access_token}``, ``?client_secret=``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..table_schema import TEMPLATE, load_template

FUNCTION_RESOURCE = "AuthorizeFunction"
PROXY = "/{proxy+}"


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for segment in template.strip("/").split("/"):
        if segment.endswith("+}"):
            parts.append(".+")
        elif segment.startswith("{"):
            parts.append("[^/]+")
        else:
            parts.append(re.escape(segment))
    return re.compile("/" + "/".join(parts) + "/?" if parts != [""] else "/")


@lru_cache(maxsize=2)
def routes(template: Path = TEMPLATE) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(method, template, pattern), most specific first: more literal segments, then a named method."""
    events = load_template(template)["Resources"][FUNCTION_RESOURCE]["Properties"]["Events"]
    found = []
    for event in events.values():
        if event.get("Type") != "Api":
            continue
        path, method = event["Properties"]["Path"], event["Properties"]["Method"].upper()
        literal = sum(1 for s in path.strip("/").split("/") if s and not s.startswith("{"))
        found.append((-literal, method == "ANY", path.endswith("+}"), method, path))
    found.sort()
    return tuple((method, path, _pattern(path)) for *_, method, path in found)


def resource_path(method: str, path: str) -> str:
    """The route template API Gateway would match for ``method`` and the (percent-encoded) ``path``."""
    for route_method, template, pattern in routes():
        if route_method in (method, "ANY") and pattern.fullmatch(path):
            return template
    return "/" if path == "/" else PROXY
