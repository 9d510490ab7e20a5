"""The function's logger, metrics and tracer, shared by the handler and its routes.

Tracing costs only where it is on. Powertools' ``Tracer`` imports the X-Ray SDK even when disabled
(to switch it off), and its handler decorator opens a (dummy) subsegment per request; so where tracing
is off by Powertools' own rule -- ``POWERTOOLS_TRACE_DISABLED``, or not in Lambda, or in SAM local or
Chalice local (``Tracer._is_tracer_disabled``) -- no ``Tracer`` is made and the handler is not wrapped.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

F = TypeVar("F", bound=Callable[..., Any])

# Powertools' own debug output (POWERTOOLS_DEBUG=true) prints route arguments and unmatched paths; the
# legacy routes carry a token in the path, so its event handler never logs below INFO.
logging.getLogger("aws_lambda_powertools.event_handler").setLevel(logging.INFO)

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "authorize"))
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Authorize"))


TRUE = frozenset({"1", "y", "yes", "t", "true", "on"})  # Powertools' reading of a boolean variable


def tracing_enabled(env: Mapping[str, str] = os.environ) -> bool:
    """Whether Powertools' Tracer would trace here (the same environment variables, the same rule)."""
    if env.get("POWERTOOLS_TRACE_DISABLED", "false").lower() in TRUE:
        return False
    in_lambda = bool(env.get("LAMBDA_TASK_ROOT"))
    emulated = bool(env.get("AWS_SAM_LOCAL") or env.get("AWS_CHALICE_CLI_MODE"))
    return in_lambda and not emulated


if tracing_enabled():
    from aws_lambda_powertools import Tracer

    tracer: Any = Tracer(patch_modules=["botocore"])  # only DynamoDB calls are worth a subsegment
else:
    tracer = None


def traced(handler: F) -> F:
    """``Tracer.capture_lambda_handler`` where tracing is on; the handler itself where it is off."""
    if tracer is None:
        return handler
    wrapped: F = tracer.capture_lambda_handler(handler)
    return wrapped


def count(name: str) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
