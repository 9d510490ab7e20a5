"""The function's logger, metrics and tracer, shared by the handler and its routes."""

from __future__ import annotations

import logging
import os

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

# Powertools' own debug output (POWERTOOLS_DEBUG=true) prints route arguments and unmatched paths; the
# legacy routes carry a token in the path, so its event handler never logs below INFO.
logging.getLogger("aws_lambda_powertools.event_handler").setLevel(logging.INFO)

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "authorize"))
tracer = Tracer(patch_modules=["botocore"])  # only DynamoDB calls are worth a subsegment
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Authorize"))


def count(name: str) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
