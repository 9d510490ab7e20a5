"""What the document says about one route: the ``Operation`` each entry of the table holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authorize.github.errors import OperationDocs

from .responses import Refusal


@dataclass(frozen=True)
class RequestBody:
    """A JSON request body: a schema of ``body_schemas.body_schemas()``, by name."""

    schema: str
    description: str
    required: bool = True
    example: dict[str, Any] | None = None


@dataclass(frozen=True)
class Operation:
    """One route's documentation. Powertools gets all but ``body`` and ``query`` as route decorator
    keywords (``route_keywords``); the document builder adds those two, which Powertools cannot see
    because the handler reads them itself."""

    summary: str
    operation_id: str
    tag: str
    security: list[dict[str, list[str]]]
    responses: dict[int, dict[str, Any] | Refusal]
    description: str | None = None
    deprecated: bool = False
    body: RequestBody | None = None
    query: tuple[str, ...] = ()  # names under components/parameters

    def route_keywords(self, docs: OperationDocs) -> dict[str, Any]:
        """The keywords of ``resolver.route(rule, method, ...)`` that document the route, whose error
        answers point at ``docs``."""
        return {
            "summary": self.summary,
            "description": self.description,
            "operation_id": self.operation_id,
            "tags": [self.tag],
            "security": self.security,
            "responses": {
                status: response.response(docs) if isinstance(response, Refusal) else response
                for status, response in self.responses.items()
            },
            "deprecated": self.deprecated,
        }
