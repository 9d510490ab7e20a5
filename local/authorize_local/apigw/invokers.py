"""Invokers: how the local API Gateway stand-in runs the Lambda handler.

``InProcessInvoker``
    Calls ``app.lambda_handler`` in this process, one invocation at a time, like one warm Lambda
    container. Serialised on purpose: Powertools' ``APIGatewayRestResolver`` keeps the current event
    in class-level state (``BaseRouter.current_event``) and route data in the resolver instance, so
    two concurrent invocations in one interpreter would read each other's requests.

``ProcessPoolInvoker``
    N worker processes, each importing the handler once and running one invocation at a time: N
    concurrent "containers", so concurrent requests really race in the database.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
import threading
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from ..lambda_context import LocalLambdaContext
from ..local_env import FUNCTION_DIR

HANDLER_MODULE = "app"


class Invoker(Protocol):
    description: str

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]: ...

    def close(self) -> None: ...


class InvocationError(Exception):
    """The function failed (raised, or returned something API Gateway could not use)."""


def quiet_local_warnings() -> None:
    """Powertools warns on every invocation that emits no metric (404s, 401s): noise locally."""
    import warnings

    warnings.filterwarnings("ignore", message="No application metrics to publish")


def load_handler(function_dir: Path = FUNCTION_DIR) -> ModuleType:
    """Import the Lambda function's module the way the Lambda runtime does (its dir on sys.path)."""
    path = str(function_dir)
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module(HANDLER_MODULE)


class InProcessInvoker:
    """One warm container in this process; invocations are serialised (see the module docstring)."""

    def __init__(self, use_cases: Any = None, *, timeout: float = 10.0, function_dir: Path = FUNCTION_DIR) -> None:
        self.module = load_handler(function_dir)
        if use_cases is not None:
            self.module.set_use_cases(use_cases)
        self.timeout = timeout
        self.concurrency = 1
        self._lock = threading.Lock()
        self.description = "in this process (one invocation at a time)"

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            context = LocalLambdaContext(timeout_seconds=self.timeout)
            try:
                result = self.module.lambda_handler(event, context)
            except Exception as exc:
                traceback.print_exc(file=sys.stderr)  # the function's log, as CloudWatch would have it
                raise InvocationError(type(exc).__name__) from exc
        if not isinstance(result, dict):
            raise InvocationError(f"handler returned {type(result).__name__}, not a dict")
        return result

    def close(self) -> None:
        pass


_worker_module: ModuleType | None = None
_worker_timeout = 10.0


def _worker_init(env: dict[str, str], function_dir: str, timeout: float) -> None:
    global _worker_module, _worker_timeout
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and shuts us down
    os.environ.update(env)
    quiet_local_warnings()
    _worker_timeout = timeout
    _worker_module = load_handler(Path(function_dir))


def _worker_ping() -> int:
    return os.getpid()


def _worker_invoke(event: dict[str, Any]) -> dict[str, Any]:
    assert _worker_module is not None
    context = LocalLambdaContext(timeout_seconds=_worker_timeout)
    try:
        result = _worker_module.lambda_handler(event, context)
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return {"__invocation_error__": type(exc).__name__}
    if not isinstance(result, dict):
        return {"__invocation_error__": f"handler returned {type(result).__name__}, not a dict"}
    return result


class ProcessPoolInvoker:
    """``workers`` processes, each one container: one invocation at a time, own module state.

    Workers are spawned (not forked: this process has threads) and configured from the current
    environment plus ``env``, the way a Lambda function is from its configuration.
    """

    def __init__(
        self,
        workers: int,
        *,
        env: dict[str, str] | None = None,
        timeout: float = 10.0,
        function_dir: Path = FUNCTION_DIR,
    ) -> None:
        import multiprocessing

        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.concurrency = workers
        self._initargs = (dict(env or {}), str(function_dir), timeout)
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._pool = self._new_pool()
        # Start every worker now, so the first requests do not pay for imports.
        for future in [self._pool.submit(_worker_ping) for _ in range(workers)]:
            future.result(timeout=120)
        self.description = f"in {workers} worker processes (one invocation at a time each)"

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=self._context, initializer=_worker_init, initargs=self._initargs
        )

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        pool = self._pool
        try:
            result = pool.submit(_worker_invoke, event).result()
        except BrokenProcessPool as exc:
            with self._lock:  # a worker died (killed, crashed): start a fresh pool for later requests
                if self._pool is pool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = self._new_pool()
            raise InvocationError("worker process died") from exc
        if "__invocation_error__" in result:
            raise InvocationError(str(result["__invocation_error__"]))
        return result

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
