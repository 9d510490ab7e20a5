"""``authorize-admin``: create users and OAuth apps (the API has no endpoint for either).

  authorize-admin user create LOGIN --password-stdin [--totp]
  authorize-admin app create NAME --url URL [--token-lifetime SECONDS]
  authorize-admin table create
  authorize-admin demo seed        (the demo users and app of make serve, unless they exist)

Talks to the table ``$TABLE_NAME`` (default ``authorize``) at ``$AWS_ENDPOINT_URL_DYNAMODB`` when set,
else in AWS with the usual credential chain. Against a DynamoDB on this machine it uses placeholder
credentials when none are set and the local TOTP key (``.local/totp.key``, shared with
``authorize-serve``); in AWS, sealing a TOTP seed needs ``TOTP_ENCRYPTION_KEY`` or
``TOTP_KEY_SECRET_ARN``.

Output is one JSON object on stdout. Failures print ``{"error": "..."}`` on stderr and exit 1; usage
errors exit 2. Secrets given on stdin are never echoed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from authorize.settings import DEFAULT_TABLE_NAME

from .local_env import apply_local_env, is_local_endpoint


class CliError(Exception):
    """An expected failure; the message is safe to print."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="authorize-admin",
        description="Create users and OAuth apps in the authorize table.",
        epilog="Environment: TABLE_NAME (default authorize), AWS_ENDPOINT_URL_DYNAMODB (local DynamoDB).",
    )
    groups = parser.add_subparsers(dest="group", required=True, metavar="{user,app,table,demo}")

    user = groups.add_parser("user", help="users").add_subparsers(dest="action", required=True)
    user_create = user.add_parser("create", help="create a user; prints its id (and TOTP secret)")
    user_create.add_argument("login")
    user_create.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password from stdin"
    )
    user_create.add_argument("--totp", action="store_true", help="enable TOTP 2FA; prints the secret once")

    app = groups.add_parser("app", help="OAuth apps").add_subparsers(dest="action", required=True)
    app_create = app.add_parser("create", help="register an app; prints client_id and client_secret")
    app_create.add_argument("name")
    app_create.add_argument("--url", required=True, help="the app's homepage, http(s)://...")
    app_create.add_argument(
        "--token-lifetime",
        type=int,
        default=None,
        metavar="SECONDS",
        help="tokens issued for this app expire after this many seconds (default: never)",
    )

    table = groups.add_parser("table", help="the DynamoDB table").add_subparsers(dest="action", required=True)
    table.add_parser("create", help="create the table from template.yaml unless it exists")

    demo = groups.add_parser("demo", help="the demo data of make serve").add_subparsers(dest="action", required=True)
    demo.add_parser("seed", help="create the demo users and app unless they exist; prints the 2FA user's TOTP secret")
    return parser


def _read_password() -> str:
    data = sys.stdin.buffer.read()
    try:
        password = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError("the password on stdin is not valid UTF-8") from None
    if password.endswith("\r\n"):
        password = password[:-2]
    elif password.endswith("\n"):
        password = password[:-1]
    return password


def _client(endpoint: str | None) -> Any:
    import boto3

    return boto3.client("dynamodb", endpoint_url=endpoint) if endpoint else boto3.client("dynamodb")


def _run(args: argparse.Namespace) -> dict[str, Any]:
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None
    table = os.environ.get("TABLE_NAME") or DEFAULT_TABLE_NAME
    if is_local_endpoint(endpoint):
        apply_local_env()  # placeholder credentials if none, and the TOTP key make serve uses
    elif getattr(args, "totp", False) and not (
        os.environ.get("TOTP_ENCRYPTION_KEY") or os.environ.get("TOTP_KEY_SECRET_ARN")
    ):
        raise CliError("--totp needs TOTP_ENCRYPTION_KEY or TOTP_KEY_SECRET_ARN (the function's key)")

    from authorize.adapters.dynamodb.store import DynamoDBStore
    from authorize.composition import sealer_for
    from authorize.ports import AlreadyExists
    from authorize.settings import Settings
    from authorize.usecases import admin

    # Read stdin before touching the network: a failure later must not leave the password unread.
    password = _read_password() if args.group == "user" else None
    client = _client(endpoint)

    if args.group == "table":
        from .table_schema import ensure_table

        return {"table": table, "created": ensure_table(client, table)}

    store = DynamoDBStore(client, table)
    if args.group == "demo":
        from .serve import seed_demo

        return seed_demo(store)
    try:
        if args.group == "user":
            assert password is not None
            return admin.create_user(
                store, args.login, password, with_totp=args.totp, sealer=sealer_for(Settings.from_env())
            )
        return admin.create_app(store, args.name, args.url, token_lifetime=args.token_lifetime)
    except AlreadyExists:
        raise CliError("login already exists" if args.group == "user" else "client_id already exists") from None


def _describe(exc: BaseException, endpoint: str | None, table: str) -> str | None:
    """The message for an expected failure, or None for a bug (which keeps its traceback)."""
    from authorize.adapters.secrets import TotpKeyError
    from authorize.domain.exceptions import Unavailable
    from authorize.usecases.admin import AdminError
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
    )

    where = endpoint or "AWS"
    if isinstance(exc, (CliError, AdminError)):
        return str(exc)
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            return f"table {table!r} not found at {where}: create it with `authorize-admin table create`"
        message = exc.response.get("Error", {}).get("Message", "")
        return f"DynamoDB refused the request: {code}: {message}".rstrip(": ")
    if isinstance(exc, EndpointConnectionError):
        return f"cannot reach DynamoDB at {where}"
    if isinstance(exc, NoCredentialsError):
        return "no AWS credentials: configure them, or set AWS_ENDPOINT_URL_DYNAMODB for a local DynamoDB"
    if isinstance(exc, NoRegionError):
        return "no AWS region: set AWS_REGION"
    if isinstance(exc, BotoCoreError):
        return f"DynamoDB call failed: {exc}"
    if isinstance(exc, Unavailable):  # the store's: the database did not answer
        return f"DynamoDB at {where} is unavailable: Service Unavailable. Please try again later."
    if isinstance(exc, TotpKeyError):  # no TOTP key configured, or a malformed one
        return str(exc)
    return None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # exits 2 on usage errors
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None
    table = os.environ.get("TABLE_NAME") or DEFAULT_TABLE_NAME
    try:
        result = _run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        message = _describe(exc, endpoint, table)
        if message is None:
            raise
        print(json.dumps({"error": message}), file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
