"""``authorize-admin``: an operator's whole day with users, OAuth apps and tokens, and the table.

  authorize-admin user create LOGIN --password-stdin [--totp [--qr]] [--site-admin] [--email E] [--name N] ...
  authorize-admin user list | show LOGIN | update LOGIN [--email E] [--name N] ... | delete LOGIN
  authorize-admin user rename OLD NEW
  authorize-admin user set-password LOGIN --password-stdin
  authorize-admin user 2fa enable LOGIN [--qr] | user 2fa disable LOGIN
  authorize-admin user unlock LOGIN
  authorize-admin user suspend|unsuspend|promote|demote LOGIN
  authorize-admin app create NAME --url URL [--token-lifetime SECONDS]
  authorize-admin app list | show CLIENT_ID | delete CLIENT_ID | rotate-secret CLIENT_ID
  authorize-admin app update CLIENT_ID [--name N] [--url U] [--token-lifetime SECONDS]
  authorize-admin token list LOGIN | revoke AUTHORIZATION_ID
  authorize-admin table create
  authorize-admin demo seed        (the demo users and app of make serve, unless they exist)

Every verb runs the same use case as the site-administrator API (``authorize.composition``), so a rule
holds whichever door is used; the CLI acts as the operator, who may also demote the last site
administrator (and promote one again). It talks to the table ``$TABLE_NAME`` (default ``authorize``) at
``$AWS_ENDPOINT_URL_DYNAMODB`` when set, else in AWS with the usual credential chain. Against a DynamoDB
on this machine it uses placeholder credentials when none are set and the local TOTP key
(``.local/totp.key``, shared with ``authorize-serve``); in AWS, sealing a TOTP seed needs
``TOTP_ENCRYPTION_KEY`` or ``TOTP_KEY_SECRET_ARN``.

Output is JSON on stdout (a QR code, with ``--qr``, goes to stderr). Failures print ``{"error": "..."}``
on stderr and exit 1; usage errors exit 2. Passwords are read from stdin and never echoed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from authorize.settings import DEFAULT_TABLE_NAME

from .local_env import apply_local_env, is_local_endpoint

WHAT = {"user": "user", "app": "app", "token": "authorization"}  # what a NotFound was about, by group


class CliError(Exception):
    """An expected failure; the message is safe to print."""


def _profile_flags(parser: argparse.ArgumentParser) -> None:
    for flag, what in [
        ("--name", "full name"),
        ("--email", "email address (unique regardless of case)"),
        ("--company", "company"),
        ("--blog", "blog or website"),
        ("--location", "location"),
        ("--bio", "short biography (160 characters)"),
        ("--twitter-username", "Twitter username"),
    ]:
        parser.add_argument(flag, metavar=flag.strip("-").split("-")[0].upper(), help=what)
    hireable = parser.add_mutually_exclusive_group()
    hireable.add_argument("--hireable", dest="hireable", action="store_true", default=None, help="available for hire")
    hireable.add_argument("--no-hireable", dest="hireable", action="store_false", help="not available for hire")


def _verbs(group: argparse.ArgumentParser, dest: str = "action") -> Any:
    return group.add_subparsers(dest=dest, required=True, metavar="VERB")


def _verb(verbs: Any, name: str, text: str) -> argparse.ArgumentParser:
    """A verb, with its text both in the group's list and in its own ``--help``."""
    parser: argparse.ArgumentParser = verbs.add_parser(name, help=text, description=text)
    return parser


def _user_parser(groups: Any) -> None:
    user = _verbs(_verb(groups, "user", "users: create, inspect, change, delete"))
    create = _verb(user, "create", "create a user; prints it (and a TOTP secret with --totp)")
    create.add_argument("login", help="letters, digits and single hyphens (other characters become hyphens)")
    create.add_argument("--password-stdin", action="store_true", required=True, help="read the password from stdin")
    create.add_argument("--totp", action="store_true", help="enable TOTP 2FA; prints the secret once")
    create.add_argument("--qr", action="store_true", help="with --totp: also show the secret as a QR code")
    create.add_argument("--site-admin", action="store_true", help="make the user a site administrator")
    _profile_flags(create)
    _verb(user, "list", "every user")
    for verb, text in [
        ("show", "one user"),
        ("delete", "delete a user and every token of theirs; the login is free afterwards"),
        ("unlock", "clear the failed-login counter: the lockout ends at once"),
        ("suspend", "refuse the user's password and tokens (kept) until unsuspended"),
        ("unsuspend", "let the user's password and existing tokens work again"),
        ("promote", "make the user a site administrator"),
        ("demote", "make a site administrator an ordinary user"),
    ]:
        _verb(user, verb, text).add_argument("login")
    update = _verb(user, "update", "change profile fields (an empty value clears one)")
    update.add_argument("login")
    _profile_flags(update)
    rename = _verb(user, "rename", "rename a user: same id, authorizations and tokens; old login freed")
    rename.add_argument("login", metavar="OLD")
    rename.add_argument("new_login", metavar="NEW")
    password = _verb(user, "set-password", "set a new password (at least 8 characters)")
    password.add_argument("login")
    password.add_argument("--password-stdin", action="store_true", required=True, help="read the password from stdin")
    two_factor = _verbs(_verb(user, "2fa", "two-factor authentication (TOTP)"), "two_factor")
    enable = _verb(two_factor, "enable", "new TOTP secret (re-enrols); prints totp_secret and otpauth_uri")
    enable.add_argument("login")
    enable.add_argument("--qr", action="store_true", help="also show the otpauth URI as a QR code (on stderr)")
    _verb(two_factor, "disable", "turn TOTP off").add_argument("login")


def _app_parser(groups: Any) -> None:
    app = _verbs(_verb(groups, "app", "OAuth apps: register, inspect, change, delete"))
    create = _verb(app, "create", "register an app; prints client_id and client_secret")
    create.add_argument("name")
    create.add_argument("--url", required=True, help="the app's homepage, http(s)://...")
    update = _verb(app, "update", "change name, URL or token lifetime (existing tokens show the new name)")
    update.add_argument("client_id")
    update.add_argument("--name")
    update.add_argument("--url", help="http(s)://...")
    for parser, never in ((create, "default: never"), (update, "0: never; applies to tokens issued from now on")):
        parser.add_argument(
            "--token-lifetime",
            type=int,
            default=None,
            metavar="SECONDS",
            help=f"tokens issued for this app expire after this many seconds ({never})",
        )
    _verb(app, "list", "every app")
    _verb(app, "show", "one app").add_argument("client_id")
    _verb(app, "delete", "delete an app and revoke every token of it").add_argument("client_id")
    _verb(app, "rotate-secret", "new client secret; the old one stops working at once").add_argument("client_id")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="authorize-admin",
        description="Administer the authorize table: users, OAuth apps, tokens. Prints JSON.",
        epilog="Environment: TABLE_NAME (default authorize), AWS_ENDPOINT_URL_DYNAMODB (local DynamoDB).",
    )
    groups = parser.add_subparsers(dest="group", required=True, metavar="{user,app,token,table,demo}")
    _user_parser(groups)
    _app_parser(groups)
    token = _verbs(_verb(groups, "token", "a user's tokens (authorizations)"))
    _verb(token, "list", "a user's live authorizations, newest first (never the token)").add_argument("login")
    revoke = _verb(token, "revoke", "delete one authorization: its token stops working")
    revoke.add_argument("authorization_id", type=int)
    table = _verbs(_verb(groups, "table", "the DynamoDB table"))
    _verb(table, "create", "create the table from template.yaml unless it exists")
    demo = _verbs(_verb(groups, "demo", "the demo data of make serve"))
    _verb(demo, "seed", "create the demo users and app unless they exist; prints the 2FA user's TOTP secret")
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


def _needs_totp_key(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "totp", False)) or getattr(args, "two_factor", None) == "enable"


def _run(args: argparse.Namespace) -> Any:
    from .admin_commands import COMMANDS

    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None
    table = os.environ.get("TABLE_NAME") or DEFAULT_TABLE_NAME
    if is_local_endpoint(endpoint):
        apply_local_env()  # placeholder credentials if none, and the TOTP key make serve uses
    elif _needs_totp_key(args) and not (os.environ.get("TOTP_ENCRYPTION_KEY") or os.environ.get("TOTP_KEY_SECRET_ARN")):
        raise CliError("2FA needs TOTP_ENCRYPTION_KEY or TOTP_KEY_SECRET_ARN (the function's key)")

    # Read stdin before touching the network: a failure later must not leave the password unread.
    password = _read_password() if getattr(args, "password_stdin", False) else None
    client = _client(endpoint)
    if args.group == "table":
        from .table_schema import ensure_table

        return {"table": table, "created": ensure_table(client, table)}

    import dataclasses

    from authorize.adapters.dynamodb.store import DynamoDBStore
    from authorize.composition import UseCases
    from authorize.settings import Settings

    store = DynamoDBStore(client, table)
    if args.group == "demo":
        from .serve import seed_demo

        return seed_demo(store)
    settings = dataclasses.replace(Settings.from_env(), table_name=table)
    use_cases = UseCases.build(store, settings)
    verb = args.action if args.action != "2fa" else f"2fa {args.two_factor}"
    return COMMANDS[(args.group, verb)](use_cases, args, password)


def _describe(exc: BaseException, args: argparse.Namespace, endpoint: str | None, table: str) -> str | None:
    """The message for an expected failure, or None for a bug (which keeps its traceback)."""
    from authorize.adapters.secrets import TotpKeyError
    from authorize.domain.admin_inputs import RULES
    from authorize.domain.exceptions import NotFound, Unavailable, ValidationFailed
    from authorize.ports import AlreadyExists
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
    if isinstance(exc, NotFound):
        return f"no such {WHAT.get(args.group, args.group)}"
    if isinstance(exc, AlreadyExists):
        return f"{exc.what or ('login' if args.group == 'user' else 'client_id')} already exists"
    if isinstance(exc, ValidationFailed):
        return "; ".join(
            f"{f.field} already exists"
            if f.code == "already_exists"
            else f"{f.field} must be {RULES.get(f.field, 'valid')}"
            for f in exc.fields
        )
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
        message = _describe(exc, args, endpoint, table)
        if message is None:
            raise
        print(json.dumps({"error": message}), file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
