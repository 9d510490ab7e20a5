"""Lambda entry point: composition and the exception mapping. Routes live in ``routes/``.

The handler only translates: API Gateway event -> route -> use case -> GitHub-shaped response. All
rules live in the ``authorize`` package (the layer), shared with the local server and the admin CLI.
"""

from __future__ import annotations

import random
from typing import Any

import snapstart
from authorize import deadline
from authorize.composition import UseCases, dynamodb_use_cases
from authorize.domain.exceptions import (
    AccountSuspended,
    BadCredentials,
    Contention,
    LockedOut,
    NotFound,
    OtpRequired,
    SiteAdminRequired,
    Unavailable,
)
from authorize.github.errors import ANSWERED, OperationDocs, server_error, to_github
from authorize.github.operations import docs_for
from authorize.settings import Settings
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext
from github_http import error_response
from observability import count, logger, metrics, traced
from routes import admin, applications, authorizations, credentials, user
from routes.edge import USE_CASES

# debug=False always: Powertools' debug mode (also switched on by POWERTOOLS_DEV, as the local server
# sets it) prints every event, credentials and token-bearing paths included.
app = APIGatewayRestResolver(debug=False)
# Grants (/applications/grants...) before the app routes' /applications/<client_id>/...
for routes in (authorizations, applications, user, credentials, admin):
    app.include_router(routes.router)

# Each of these refusals is worth a metric of its own (dashboards, lockout alarms).
METRICS: dict[type[Exception], str] = {
    OtpRequired: "TwoFactorChallenges",
    BadCredentials: "FailedLogins",
    LockedOut: "Lockouts",
    Unavailable: "DatabaseUnavailable",
    Contention: "WriteContention",
    AccountSuspended: "SuspendedAccountRefusals",
    SiteAdminRequired: "SiteAdminRefusals",
}

_use_cases: UseCases | None = None


def use_cases() -> UseCases:
    """One store and client per container, created on first use."""
    global _use_cases
    if _use_cases is None:
        _use_cases = dynamodb_use_cases(Settings.from_env())
    return _use_cases


def set_use_cases(new: UseCases | None) -> None:
    """Tests and the local server inject their own wiring."""
    global _use_cases
    _use_cases = new


def after_restore() -> None:
    """A clone of a SnapStart snapshot: its own random state and its own key for remembered secrets."""
    random.seed()  # retry jitter and Powertools' log sampling; tokens and ids use os.urandom (secrets)
    if _use_cases is not None:
        _use_cases.deps.passwords.cache.rekey()
        _use_cases.login.codes.rekey()


snapstart.install(use_cases, after_restore)


# --- errors -------------------------------------------------------------------------------------


@app.not_found
def not_found(_: Exception) -> Response:
    return error_response(to_github(NotFound()), app.current_event)


def _operation_docs() -> OperationDocs:
    """The documentation of the route that raised (Powertools' public view of the matched route)."""
    try:
        request = app.request
    except RuntimeError:  # raised before a route matched
        return OperationDocs()
    return docs_for(request.method, request.route)


@app.exception_handler(list(ANSWERED))
def github_error(error: Exception) -> Response:
    metric = next((METRICS[cls] for cls in type(error).__mro__ if cls in METRICS), None)
    if metric is not None:
        count(metric)
    if isinstance(error, Unavailable):  # the reason names the fault, never request data
        logger.warning("database unavailable", extra={"reason": str(error)})
    elif isinstance(error, Contention):
        logger.warning("write contention", extra={"reason": str(error)})
    return error_response(to_github(error, _operation_docs()), app.current_event)


@app.exception_handler(Exception)
def unexpected(error: Exception) -> Response:
    # Only the type and a trace go to the log: exception text could quote request data.
    logger.error("unhandled error", extra={"error_type": type(error).__name__}, exc_info=True)
    return error_response(server_error(), app.current_event)


@logger.inject_lambda_context
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # What correlation_paths.API_GATEWAY_REST would select, read without a JMESPath search per request.
    logger.set_correlation_id((event.get("requestContext") or {}).get("requestId"))
    wiring = use_cases()
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    with deadline.scope(wiring.settings.request_budget(remaining() if remaining else None)):
        app.append_context(**{USE_CASES: wiring})
        return app.resolve(event, context)
