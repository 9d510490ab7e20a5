"""What each ``authorize-admin`` verb does: one use case of ``authorize.composition.UseCases`` (the same code
the site-administrator API runs), and the JSON it prints. No secret is printed except the ones an
operator must see once: a new TOTP seed, a new client secret.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from authorize.composition import UseCases
from authorize.domain.admin_inputs import NewUser, Profile, validated
from authorize.domain.records import PROFILE_FIELDS, AppRecord, AuthorizationRecord, UserRecord
from authorize.github.views import authorization_view
from authorize.usecases import admin

Result = dict[str, Any] | list[dict[str, Any]]
TOTP_ISSUER = "authorize"


# --- what is printed ---------------------------------------------------------------------------------


def user_summary(user: UserRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": user.id,
        "login": user.login,
        "site_admin": user.site_admin,
        "suspended_at": user.suspended_at,
        "two_factor": user.totp_secret is not None,
        "password_set": user.password_hash is not None,
        **{name: getattr(user, name) for name in PROFILE_FIELDS},
        "created_at": user.created_at,
        "updated_at": user.updated_at or user.created_at,
    }
    if user.deleted_at is not None:  # a deletion that did not finish: `user delete` again finishes it
        out["deleting_since"] = user.deleted_at
    return out


def app_summary(app: AppRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "client_id": app.client_id,
        "name": app.name,
        "url": app.url,
        "token_lifetime": app.token_lifetime,
        "created_at": app.created_at,
        "updated_at": app.updated_at or app.created_at,
    }
    if app.deleted_at is not None:
        out["deleting_since"] = app.deleted_at
    return out


def token_summary(record: AuthorizationRecord) -> dict[str, Any]:
    """The authorization as the API shows it, without the API's URL and the (always empty) token."""
    view = authorization_view(record, "")
    return {k: v for k, v in view.items() if k not in ("url", "token")}


def otpauth_uri(login: str, secret: str) -> str:
    import pyotp

    return str(pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=TOTP_ISSUER))


def print_qr(uri: str) -> None:
    """The provisioning URI as a QR code on the terminal (stderr: stdout stays JSON)."""
    import segno

    segno.make(uri, error="m").terminal(out=sys.stderr, compact=True)


def profile_of(args: argparse.Namespace) -> dict[str, Any]:
    """The profile flags given; an empty value clears the field (``--hireable``/``--no-hireable``)."""
    given = {name: getattr(args, name, None) for name in PROFILE_FIELDS}
    return {name: (None if value == "" else value) for name, value in given.items() if value is not None}


# --- the verbs ---------------------------------------------------------------------------------------


def user_create(uc: UseCases, args: argparse.Namespace, password: str | None) -> Result:
    fields = validated(NewUser, {"login": args.login, **profile_of(args)})
    created = uc.admin.users.create(fields, password=password, two_factor=args.totp, site_admin=args.site_admin)
    out = user_summary(created.user)
    if created.totp_secret:
        out["totp_secret"] = created.totp_secret
        out["otpauth_uri"] = otpauth_uri(created.user.login, created.totp_secret)
        if args.qr:
            print_qr(out["otpauth_uri"])
    return out


def user_update(uc: UseCases, args: argparse.Namespace, _: str | None) -> Result:
    return user_summary(uc.admin.users.update_profile(args.login, validated(Profile, profile_of(args))))


def user_delete(uc: UseCases, args: argparse.Namespace, _: str | None) -> Result:
    revoked = uc.admin.users.delete(None, args.login)
    return {"login": args.login, "deleted": True, "authorizations_deleted": revoked}


def two_factor_enable(uc: UseCases, args: argparse.Namespace, _: str | None) -> Result:
    enrolled = uc.admin.credentials.enable_2fa(args.login)
    out = {"totp_secret": enrolled.totp_secret, "otpauth_uri": otpauth_uri(enrolled.user.login, enrolled.totp_secret)}
    if args.qr:
        print_qr(out["otpauth_uri"])
    return out


def app_create(uc: UseCases, args: argparse.Namespace, _: str | None) -> Result:
    return admin.create_app(uc.store, args.name, args.url, token_lifetime=args.token_lifetime)


def app_update(uc: UseCases, args: argparse.Namespace, _: str | None) -> Result:
    never = args.token_lifetime == 0  # tokens issued from now on do not expire
    fields = admin.check_app_fields(args.name, args.url, None if never else args.token_lifetime)
    if never:
        fields["token_lifetime"] = None
    app, refreshed = uc.admin.apps.update(args.client_id, **fields)
    return {**app_summary(app), "authorizations_updated": refreshed}


def app_delete(uc: UseCases, args: argparse.Namespace, _: str | None) -> Result:
    revoked = uc.admin.apps.delete(args.client_id)
    return {"client_id": args.client_id, "deleted": True, "authorizations_deleted": revoked}


def app_rotate(uc: UseCases, args: argparse.Namespace, _: str | None) -> Result:
    rotated = uc.admin.apps.rotate_secret(args.client_id)
    return {"client_id": rotated.app.client_id, "client_secret": rotated.client_secret}


def token_revoke(uc: UseCases, args: argparse.Namespace, _: str | None) -> Result:
    record = uc.admin.tokens.revoke(args.authorization_id)
    return {"id": record.id, "revoked": True}


def _user(
    change: Callable[[UseCases, str], UserRecord],
) -> Callable[[UseCases, argparse.Namespace, str | None], Result]:
    return lambda uc, args, _: user_summary(change(uc, args.login))


# (group, verb) -> what it does; ``password`` is what --password-stdin read (None without it).
COMMANDS: dict[tuple[str, str], Callable[[UseCases, argparse.Namespace, str | None], Result]] = {
    ("user", "create"): user_create,
    ("user", "list"): lambda uc, args, _: [user_summary(u) for u in uc.admin.users.list()],
    ("user", "show"): _user(lambda uc, login: uc.admin.users.find(login, deleting=True)),
    ("user", "update"): user_update,
    ("user", "delete"): user_delete,
    ("user", "rename"): lambda uc, args, _: user_summary(uc.admin.users.rename(None, args.login, args.new_login)),
    ("user", "set-password"): lambda uc, args, pw: user_summary(
        uc.admin.credentials.set_password(args.login, pw or "")
    ),
    ("user", "2fa enable"): two_factor_enable,
    ("user", "2fa disable"): _user(lambda uc, login: uc.admin.credentials.disable_2fa(login)),
    ("user", "unlock"): lambda uc, args, _: {
        "login": args.login,
        "failed_login_windows_cleared": uc.admin.credentials.unlock(args.login),
    },
    ("user", "suspend"): _user(lambda uc, login: uc.admin.users.set_suspended(None, login, True)),
    ("user", "unsuspend"): _user(lambda uc, login: uc.admin.users.set_suspended(None, login, False)),
    ("user", "promote"): _user(lambda uc, login: uc.admin.users.set_site_admin(None, login, True)),
    ("user", "demote"): _user(lambda uc, login: uc.admin.users.set_site_admin(None, login, False)),
    ("app", "create"): app_create,
    ("app", "list"): lambda uc, args, _: [app_summary(a) for a in uc.admin.apps.list()],
    ("app", "show"): lambda uc, args, _: app_summary(uc.admin.apps.find(args.client_id)),
    ("app", "update"): app_update,
    ("app", "delete"): app_delete,
    ("app", "rotate-secret"): app_rotate,
    ("token", "list"): lambda uc, args, _: [token_summary(r) for r in uc.admin.tokens.list(args.login)],
    ("token", "revoke"): token_revoke,
}
