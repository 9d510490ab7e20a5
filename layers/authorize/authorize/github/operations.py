"""Each operation's documentation page, keyed by (method, path) as API Gateway and OpenAPI write them.

Error answers that point at "the operation's page" (``errors.ANSWERS``) look it up here; an operation
missing from this table points at ``DOCS_V3``. A contract test keeps these keys equal to the routes.
"""

from __future__ import annotations

from .docs import (
    DOCS_AUTHORIZATIONS,
    DOCS_CHECK,
    DOCS_CREATE,
    DOCS_CREATE_IMPERSONATION_TOKEN,
    DOCS_CREATE_USER,
    DOCS_DELETE_IMPERSONATION_TOKEN,
    DOCS_DELETE_USER,
    DOCS_DEMOTE,
    DOCS_GET_OR_CREATE,
    DOCS_GET_OR_CREATE_FINGERPRINT,
    DOCS_PROMOTE,
    DOCS_RENAME_USER,
    DOCS_RESET,
    DOCS_REVOKE,
    DOCS_REVOKE_CREDENTIALS,
    DOCS_REVOKE_GRANT,
    DOCS_SUSPEND,
    DOCS_UNSUSPEND,
    DOCS_UPDATE,
    DOCS_V3,
)
from .errors import OperationDocs

OPERATION_DOCS: dict[tuple[str, str], OperationDocs] = {
    ("PUT", "/authorizations/clients/{client_id}"): OperationDocs(DOCS_GET_OR_CREATE),
    ("PUT", "/authorizations/clients/{client_id}/{fingerprint}"): OperationDocs(DOCS_GET_OR_CREATE_FINGERPRINT),
    ("GET", "/authorizations"): OperationDocs(DOCS_AUTHORIZATIONS),
    ("POST", "/authorizations"): OperationDocs(DOCS_CREATE),
    ("GET", "/authorizations/{authorization_id}"): OperationDocs(DOCS_AUTHORIZATIONS),
    ("PATCH", "/authorizations/{authorization_id}"): OperationDocs(DOCS_UPDATE, not_found=DOCS_AUTHORIZATIONS),
    ("DELETE", "/authorizations/{authorization_id}"): OperationDocs(DOCS_AUTHORIZATIONS),
    ("GET", "/applications/grants"): OperationDocs(DOCS_AUTHORIZATIONS),
    ("GET", "/applications/grants/{grant}"): OperationDocs(DOCS_AUTHORIZATIONS),
    ("DELETE", "/applications/grants/{grant}"): OperationDocs(DOCS_AUTHORIZATIONS),
    ("POST", "/applications/{client_id}/token"): OperationDocs(DOCS_CHECK),
    ("PATCH", "/applications/{client_id}/token"): OperationDocs(DOCS_RESET),
    ("DELETE", "/applications/{client_id}/token"): OperationDocs(DOCS_REVOKE),
    ("DELETE", "/applications/{client_id}/grant"): OperationDocs(DOCS_REVOKE_GRANT),
    ("GET", "/applications/{client_id}/tokens/{access_token}"): OperationDocs(DOCS_CHECK),
    ("POST", "/applications/{client_id}/tokens/{access_token}"): OperationDocs(DOCS_RESET),
    ("DELETE", "/applications/{client_id}/tokens/{access_token}"): OperationDocs(DOCS_REVOKE),
    ("DELETE", "/applications/{client_id}/grants/{access_token}"): OperationDocs(DOCS_REVOKE_GRANT),
    ("GET", "/user"): OperationDocs(DOCS_V3),
    ("POST", "/credentials/revoke"): OperationDocs(DOCS_REVOKE_CREDENTIALS),
    ("POST", "/admin/users"): OperationDocs(DOCS_CREATE_USER),
    ("PATCH", "/admin/users/{username}"): OperationDocs(DOCS_RENAME_USER),
    ("DELETE", "/admin/users/{username}"): OperationDocs(DOCS_DELETE_USER),
    ("POST", "/admin/users/{username}/authorizations"): OperationDocs(DOCS_CREATE_IMPERSONATION_TOKEN),
    ("DELETE", "/admin/users/{username}/authorizations"): OperationDocs(DOCS_DELETE_IMPERSONATION_TOKEN),
    ("PUT", "/users/{username}/site_admin"): OperationDocs(DOCS_PROMOTE),
    ("DELETE", "/users/{username}/site_admin"): OperationDocs(DOCS_DEMOTE),
    ("PUT", "/users/{username}/suspended"): OperationDocs(DOCS_SUSPEND),
    ("DELETE", "/users/{username}/suspended"): OperationDocs(DOCS_UNSUSPEND),
}


def docs_for(method: str, path: str) -> OperationDocs:
    return OPERATION_DOCS.get((method.upper(), path), OperationDocs())
