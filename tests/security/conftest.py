"""Security tests: the handler wired as in Lambda over moto, with every log line captured."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from moto import mock_aws

from tests.faults.conftest import KEEP_BOTO3_SESSION, FaultWorld, no_retry_sleeps, production_world


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultWorld]:
    """Real argon2 costs, real retry configuration (no sleeps), fault injection available."""
    backoffs = no_retry_sleeps(monkeypatch)
    with mock_aws(config=KEEP_BOTO3_SESSION), production_world(backoffs) as w:
        yield w


_TEST_HANDLERS = ("LogCaptureHandler", "_LiveLoggingNullHandler", "_FileHandler", "NullHandler")


def emitted_in_lambda(record: logging.LogRecord) -> bool:
    """Whether the record would reach an output in Lambda, where the root logger has the runtime's
    handler. pytest's own capture handlers do not count: pytest attaches them to non-propagating
    loggers too (Powertools' package logger, silent unless POWERTOOLS_DEBUG is set)."""
    logger: logging.Logger | None = logging.getLogger(record.name)
    while logger is not None and logger is not logging.root:
        if any(type(h).__name__ not in _TEST_HANDLERS for h in logger.handlers):
            return True
        if not logger.propagate:
            return False
        logger = logger.parent
    return True


@dataclass
class LogCapture:
    """All output a Lambda invocation would leave in CloudWatch: stdout/stderr at the file-descriptor
    level (Powertools JSON lines, EMF metrics), the function logger's stream, and every ``logging``
    record at DEBUG that would reach the root logger's handler, with its arguments and extras."""

    capfd: pytest.CaptureFixture[str]
    caplog: pytest.LogCaptureFixture
    powertools_stream: io.StringIO
    _out: list[str] = field(default_factory=list)

    def records(self) -> list[logging.LogRecord]:
        every = [*self.caplog.get_records("setup"), *self.caplog.records]
        return [r for r in every if emitted_in_lambda(r)]

    def text(self) -> str:
        out, err = self.capfd.readouterr()
        self._out += [out, err]
        parts = [*self._out, self.powertools_stream.getvalue()]
        for record in self.records():
            parts.append(record.getMessage())
            parts.append(json.dumps(record.__dict__, default=repr))  # args, extras, exc_info
            if record.exc_info:
                parts.append(logging.Formatter().formatException(record.exc_info))
        return "\n".join(parts)


@pytest.fixture
def logs(capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Iterator[LogCapture]:
    """Capture everything (see ``LogCapture``); the root logger at DEBUG, as with Lambda's
    ApplicationLogLevel=DEBUG, so botocore's request logs are searched as well."""
    import app as app_module

    caplog.set_level(logging.DEBUG)
    stream = io.StringIO()
    handler = app_module.logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    # Swapped by hand: setStream() flushes the old stream, which may be a capture file of an earlier
    # test, closed since (the handler took whatever sys.stdout was when app.py was first imported).
    with _locked(handler):
        old_stream, handler.stream = handler.stream, stream
    try:
        yield LogCapture(capfd, caplog, stream)
    finally:
        with _locked(handler):
            handler.stream = old_stream


@contextlib.contextmanager
def _locked(handler: logging.Handler) -> Iterator[None]:
    handler.acquire()
    try:
        yield
    finally:
        handler.release()


@pytest.fixture
def debug_logging() -> Iterator[Any]:
    """The function's logger at DEBUG, as with POWERTOOLS_LOG_LEVEL=DEBUG / LOG_LEVEL=DEBUG."""
    import app as app_module

    level = app_module.logger.log_level
    app_module.logger.setLevel("DEBUG")
    try:
        yield app_module.logger
    finally:
        app_module.logger.setLevel(level)
