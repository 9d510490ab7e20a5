"""``authorize-serve``: the API on http://127.0.0.1:$PORT with an embedded DynamoDB and demo data.

Environment:
  PORT                       HTTP port (default 3000)
  DYNAMODB                   auto | moto | local: which embedded DynamoDB to start (default auto)
  DYNAMODB_PORT              its port (default 8000; a free one is taken if 8000 is busy and unset)
  PERSIST                    1 (default): DynamoDB Local keeps its data in .local/dynamodb across runs;
                             0: in memory, gone when the server stops (moto is always in memory)
  AWS_ENDPOINT_URL_DYNAMODB  use this DynamoDB instead and start none
  TABLE_NAME                 table name (default "authorize")
  LAMBDA_WORKERS             N (default 4): N worker processes, i.e. N concurrent warm "containers",
                             each running one invocation at a time as Lambda does; 0: run the function
                             in this process, one invocation at a time (Powertools' resolver keeps the
                             current request in shared state, so one process cannot run two at once)

The demo users and app are created when they are missing, so with kept data they, their secrets and
anything created with ``authorize-admin`` survive a restart. The TOTP key that seals 2FA seeds is kept
in .local/totp.key (never printed); ``make reset`` removes both.

Requests go through the real Lambda handler (functions/authorize/app.py) with API Gateway-shaped
events; see ``apigw``.
"""

from __future__ import annotations

import logging
import os
import shlex
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from authorize.settings import DEFAULT_TABLE_NAME, BadSetting, int_env
from botocore.exceptions import BotoCoreError, ClientError

from .apigw import InProcessInvoker, Invoker, LocalApiServer, ProcessPoolInvoker, quiet_local_warnings
from .embedded_db import EmbeddedDBError, EmbeddedDynamoDB, free_port, port_is_free, resolve_backend
from .local_env import apply_local_env, is_local_endpoint, state_dir

DEFAULT_PORT = 3000
DEFAULT_DYNAMODB_PORT = 8000
DEFAULT_WORKERS = 4

DEMO_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - published demo credentials
DEMO_USER = "monalisa"
DEMO_2FA_USER = "hubot"
DEMO_APP_NAME = "my github app"
DEMO_APP_URL = "http://my-github-app.com"
DEMO_CLIENT_ID = "abcde12345fghij67890"
DEMO_CLIENT_SECRET = "abcd" * 10


class _Stop(Exception):
    """SIGTERM arrived."""


def _int_env(name: str, default: int) -> int:
    try:
        return int_env(os.environ, name, default, strict=True)
    except BadSetting as exc:
        raise SystemExit(f"error: {exc}") from None


def seed_demo(store: Any) -> dict[str, Any]:
    """Create the demo users and app unless they exist; return what to show. Idempotent."""
    from authorize.composition import sealer_for
    from authorize.ports import AlreadyExists
    from authorize.settings import Settings
    from authorize.usecases import admin

    sealer = sealer_for(Settings.from_env())

    created: list[str] = []
    try:
        admin.create_user(store, DEMO_USER, DEMO_PASSWORD)
        created.append(DEMO_USER)
    except AlreadyExists:
        pass
    totp_secret: str | None
    try:
        totp_secret = admin.create_user(store, DEMO_2FA_USER, DEMO_PASSWORD, with_totp=True, sealer=sealer)[
            "totp_secret"
        ]
        created.append(DEMO_2FA_USER)
    except AlreadyExists:
        # Seeded by an earlier run against the same table: open its sealed seed with the local key.
        user = store.load_login_context(DEMO_2FA_USER, None, 0).user
        try:
            totp_secret = sealer.unseal(user.totp_secret, user.id) if user and user.totp_secret else None
        except Exception:  # sealed under another key, or not a 2FA user any more
            totp_secret = None
    try:
        admin.create_app(store, DEMO_APP_NAME, DEMO_APP_URL, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET)
        created.append("app")
    except AlreadyExists:
        pass
    return {"totp_secret": totp_secret, "created": created}


def _python_command() -> str:
    """The interpreter to print in copy-paste commands: relative to the cwd when inside it."""
    exe = Path(sys.executable)
    if exe.name.startswith("python3") and exe.with_name("python").exists():
        exe = exe.with_name("python")
    try:
        return str(exe.relative_to(Path.cwd()))
    except ValueError:
        return str(exe)


def persist_requested() -> bool:
    return os.environ.get("PERSIST", "1").strip().lower() not in ("0", "false", "no", "off")


def data_line(backend: str | None, db_path: Path | None, persist: bool) -> str:
    """Where the data lives, for the banner."""
    if backend is None:
        return "in the DynamoDB above (not started here)"
    if db_path is not None:
        return f"kept in {_relative(db_path)} across restarts (make reset wipes it; PERSIST=0: in memory)"
    if backend == "moto":
        why = "moto cannot keep data" if persist else "PERSIST=0"
        return f"in memory, gone when the server stops ({why}; DYNAMODB=local keeps it)"
    return "in memory, gone when the server stops (PERSIST=0)"


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def banner(
    base: str,
    db_line: str,
    table: str,
    function_line: str,
    totp_secret: str | None,
    data: str = "",
    created: list[str] | None = None,
) -> str:
    auth = f"{DEMO_USER}:{DEMO_PASSWORD}"
    put = f"{base}/authorizations/clients/{DEMO_CLIENT_ID}"
    create_body = shlex.quote(
        f'{{"client_secret":"{DEMO_CLIENT_SECRET}","scopes":["public_repo"],"note":"admin script"}}'
    )
    short_body = shlex.quote(f'{{"client_secret":"{DEMO_CLIENT_SECRET}"}}')
    lines = [
        "",
        f"authorize API     {base}   (health: {base}/_health)",
        f"DynamoDB          {db_line}",
        f"table             {table}",
        f"function          {function_line}",
        f"data              {data}",
        "",
        "Demo data" + (" (created now)" if created else " (kept from an earlier run)" if created is not None else ""),
        f"  user            {DEMO_USER} / {DEMO_PASSWORD}",
        f"  2FA user        {DEMO_2FA_USER} / {DEMO_PASSWORD}"
        + (f"   TOTP secret {totp_secret}" if totp_secret else "   (TOTP secret unknown: sealed by another key)"),
        f"  OAuth app       {DEMO_APP_NAME!r}  client_id {DEMO_CLIENT_ID}",
        f"                  client_secret {DEMO_CLIENT_SECRET}",
        "",
        "Try it",
        "  # create (201, the token is shown once):",
        f"  curl -i -u {auth} -X PUT {put} -d {create_body}",
        '  # the same again (200, token ""):',
        f"  curl -i -u {auth} -X PUT {put} -d {create_body}",
        "  # one per fingerprint:",
        f"  curl -i -u {auth} -X PUT {put}/my-laptop -d {short_body}",
    ]
    if totp_secret:
        # The secret is base32 ([A-Z2-7]), so it needs no quoting inside the double quotes.
        code = f"{_python_command()} -c \"import pyotp; print(pyotp.TOTP('{totp_secret}').now())\""
        lines += [
            "  # 2FA: without a code (401, X-GitHub-OTP: required; app), then with the current code:",
            f"  curl -i -u {DEMO_2FA_USER}:{DEMO_PASSWORD} -X PUT {put} -d {short_body}",
            f'  curl -i -u {DEMO_2FA_USER}:{DEMO_PASSWORD} -H "X-GitHub-OTP: $({code})" -X PUT {put} -d {short_body}',
            f"  # the current code alone: {code}",
        ]
    lines += ["", "Ctrl-C stops the server.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv:
        print(__doc__)
        return 0 if argv[0] in ("-h", "--help") else 2
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("botocore").setLevel(logging.WARNING)
    quiet_local_warnings()
    port = _int_env("PORT", DEFAULT_PORT)
    table = os.environ.get("TABLE_NAME") or DEFAULT_TABLE_NAME
    os.environ["TABLE_NAME"] = table
    workers = _int_env("LAMBDA_WORKERS", DEFAULT_WORKERS)
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None
    # Placeholder credentials only for a DynamoDB on this machine; a remote endpoint keeps the real ones.
    apply_local_env(credentials=endpoint is None or is_local_endpoint(endpoint))
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "authorize")
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "1")
    # Readable (indented) logs, and no EMF metric documents flooding the terminal.
    os.environ.setdefault("POWERTOOLS_DEV", "true")
    persist = persist_requested()
    backend: str | None = None
    db_path: Path | None = None

    db: EmbeddedDynamoDB | None = None
    server: LocalApiServer | None = None
    invoker: Invoker | None = None
    stopping = False

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        if not stopping:
            raise _Stop()

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        if endpoint is None:
            backend = resolve_backend(os.environ.get("DYNAMODB") or "auto")
            db_port = _int_env("DYNAMODB_PORT", DEFAULT_DYNAMODB_PORT)
            if not os.environ.get("DYNAMODB_PORT") and not port_is_free(db_port):
                db_port = free_port()
            db_path = state_dir() / "dynamodb" if persist and backend == "local" else None
            print(f"starting DynamoDB ({backend}) on port {db_port} ...", flush=True)
            from . import embedded_db

            db = embedded_db.start(backend, db_port, db_path=db_path)
            endpoint = db.endpoint_url
            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
            db_line = db.describe()
        else:
            db_line = f"{endpoint} (AWS_ENDPOINT_URL_DYNAMODB; not started here)"

        import boto3
        from authorize.adapters.dynamodb.store import DynamoDBStore

        from .table_schema import ensure_table

        client = boto3.client("dynamodb", endpoint_url=endpoint)
        ensure_table(client, table)
        demo = seed_demo(DynamoDBStore(client, table))

        if workers > 0:
            invoker = ProcessPoolInvoker(workers, env={"AWS_ENDPOINT_URL_DYNAMODB": endpoint, "TABLE_NAME": table})
        else:
            invoker = InProcessInvoker()  # the handler wires itself from the environment, as in Lambda
        try:
            server = LocalApiServer(invoker, "127.0.0.1", port)
        except OSError as exc:
            print(f"error: cannot listen on 127.0.0.1:{port} ({exc.strerror or exc}); set PORT", file=sys.stderr)
            return 1
        data = data_line(backend, db_path, persist)
        text = banner(server.base_url, db_line, table, invoker.description, demo["totp_secret"], data, demo["created"])
        print(text, flush=True)
        server.serve_forever()
    except (KeyboardInterrupt, _Stop):
        print("\nstopping ...", flush=True)
    except EmbeddedDBError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (BotoCoreError, ClientError) as exc:
        print(f"error: DynamoDB at {endpoint}: {exc}", file=sys.stderr)
        return 1
    finally:
        stopping = True
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the cleanup
        if server is not None:
            server.stop()
        if invoker is not None:
            invoker.close()
        if db is not None:
            db.stop()
    print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
