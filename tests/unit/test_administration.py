"""The administration use cases (site-administrator API and admin CLI) over the in-memory store: the
rules of each operation, whichever door calls it."""

from __future__ import annotations

import base64

import pyotp
import pytest
from authorize.composition import UseCases
from authorize.domain import tokens, totp
from authorize.domain.admin_inputs import ImpersonationScopes, NewUser, Profile, validated
from authorize.domain.credentials import Basic, Bearer
from authorize.domain.exceptions import (
    AccountSuspended,
    BadCredentials,
    LockedOut,
    NotFound,
    OwnAccount,
    SiteAdminRequired,
    ValidationFailed,
)
from authorize.domain.inputs import GetOrCreateBody
from authorize.domain.records import IMPERSONATION_APP_NAME, IMPERSONATION_CLIENT_ID, iso
from authorize.settings import Settings
from authorize.usecases import admin

from tests.fakes import InMemoryStore

CLIENT_ID = "abcde12345fghij67890"
SECRET = "abcd" * 10
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def uc() -> UseCases:
    store = InMemoryStore()
    settings = Settings(lockout_max_failures=3, totp_key_b64=base64.b64encode(b"k" * 32).decode())
    use_cases = UseCases.build(store, settings)
    admin.create_user(store, "boss", PASSWORD, site_admin=True)
    admin.create_user(store, "monalisa", PASSWORD, email="mona@example.com")
    admin.create_app(store, "app", "https://app.example", client_id=CLIENT_ID, client_secret=SECRET)
    return use_cases


def login(uc: UseCases, user: str, password: str = PASSWORD):
    return uc.login.authenticate(Basic(user, password), None)


def app_token(uc: UseCases, user: str = "monalisa") -> str:
    caller = uc.login.authenticate(Basic(user, PASSWORD), None, client_id=CLIENT_ID)
    return uc.authorizations.get_or_create(caller, GetOrCreateBody(client_secret=SECRET)).token


def boss(uc: UseCases):
    return uc.admin.users.find("boss")


def fields_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str, str | None]]:
    return [(f.field, f.code, f.resource) for f in exc.value.fields]


# --- who may ----------------------------------------------------------------------------------------


def test_only_site_admins_pass(uc):
    assert uc.admin.site_admins.authenticate(Basic("boss", PASSWORD), None).login == "boss"
    with pytest.raises(SiteAdminRequired):
        uc.admin.site_admins.authenticate(Basic("monalisa", PASSWORD), None)
    with pytest.raises(BadCredentials):
        uc.admin.site_admins.authenticate(Basic("boss", "wrong password"), None)


def test_a_token_needs_the_site_admin_scope_and_a_site_admin(uc):
    plain = app_token(uc, "boss")
    with pytest.raises(SiteAdminRequired):
        uc.admin.site_admins.authenticate(Bearer(plain), None)
    scoped = uc.admin.impersonation.get_or_create("boss", ImpersonationScopes(scopes=["site_admin"])).token
    assert uc.admin.site_admins.authenticate(Bearer(scoped), None).login == "boss"
    uc.admin.users.set_site_admin(None, "boss", False)  # the scope alone is not enough
    with pytest.raises(SiteAdminRequired):
        uc.admin.site_admins.authenticate(Bearer(scoped), None)


def test_site_admin_scope_only_for_a_site_admins_own_token(uc):
    with pytest.raises(ValidationFailed) as exc:
        uc.admin.impersonation.get_or_create("monalisa", ImpersonationScopes(scopes=["site_admin"]))
    assert fields_of(exc) == [("scopes", "invalid", "User")]
    with pytest.raises(ValidationFailed):
        validated(ImpersonationScopes, {"scopes": ["nope"]})


# --- create -----------------------------------------------------------------------------------------


def test_create_normalizes_the_login_and_keeps_logins_and_emails_unique(uc):
    user = uc.admin.users.create_for_api(validated(NewUser, {"login": "octo_cat", "email": "o@example.com"}))
    assert user.login == "octo-cat" and user.password_hash is None and not user.site_admin
    with pytest.raises(ValidationFailed) as exc:
        uc.admin.users.create_for_api(validated(NewUser, {"login": "OCTO-CAT"}))
    assert fields_of(exc) == [("login", "already_exists", "User")]
    with pytest.raises(ValidationFailed) as exc:
        uc.admin.users.create_for_api(validated(NewUser, {"login": "other", "email": "MONA@example.com"}))
    assert fields_of(exc) == [("email", "already_exists", "User")]
    with pytest.raises(BadCredentials):  # no password until one is set
        login(uc, "octo-cat", "")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"login": "---"}, "login"),
        ({"login": "a" * 40}, "login"),
        ({"login": 5}, "login"),
        ({}, "login"),
        ({"login": "ok", "email": "not an email"}, "email"),
        ({"login": "ok", "twitter_username": "has space"}, "twitter_username"),
        ({"login": "ok", "bio": "b" * 161}, "bio"),
        ({"login": "ok", "name": "bad\x00name"}, "name"),
        ({"login": "ok", "hireable": "yes"}, "hireable"),
        ({"login": "ok", "suspended": 1}, "suspended"),
    ],
)
def test_bad_new_users_are_refused_per_field(payload, field):
    with pytest.raises(ValidationFailed) as exc:
        validated(NewUser, payload)
    assert [f.field for f in exc.value.fields] == [field]


def test_passwords_shorter_than_8_are_refused(uc):
    with pytest.raises(ValidationFailed) as exc:
        admin.create_user(uc.store, "shorty", "1234567")
    assert fields_of(exc) == [("password", "invalid", "User")]
    assert uc.store.get_user("shorty") is None
    with pytest.raises(ValidationFailed):
        uc.admin.credentials.set_password("monalisa", "short")


def test_created_suspended_and_with_profile(uc):
    user = uc.admin.users.create_for_api(
        validated(NewUser, {"login": "quiet", "suspended": True, "name": "Q", "hireable": False})
    )
    assert user.suspended_at == user.created_at and user.name == "Q" and user.hireable is False


# --- rename -----------------------------------------------------------------------------------------


def test_rename_keeps_id_and_tokens_and_frees_the_old_login(uc):
    token = app_token(uc)
    before = uc.admin.users.find("monalisa")
    renamed = uc.admin.users.rename(boss(uc), "monalisa", "mona")
    assert (renamed.id, renamed.login, renamed.revision) == (before.id, "mona", before.revision + 1)
    with pytest.raises(NotFound):
        uc.admin.users.find("monalisa")
    assert login(uc, "mona").user.id == before.id
    with pytest.raises(BadCredentials):
        login(uc, "monalisa")
    assert uc.users.me(Bearer(token), None).user.login == "mona"  # views show the current login
    uc.admin.users.create(validated(NewUser, {"login": "monalisa"}), password=PASSWORD)  # free again


def test_rename_onto_a_taken_login_changes_nothing(uc):
    before = uc.admin.users.find("monalisa")
    with pytest.raises(ValidationFailed) as exc:
        uc.admin.users.rename(boss(uc), "monalisa", "BOSS")
    assert fields_of(exc) == [("login", "already_exists", "User")]
    assert uc.admin.users.find("monalisa") == before


def test_rename_of_an_unknown_user_is_not_found(uc):
    with pytest.raises(NotFound):
        uc.admin.users.rename(boss(uc), "nobody", "someone")
    with pytest.raises(NotFound):
        uc.admin.users.rename(boss(uc), "not a login!", "someone")


# --- promote, demote, suspend -----------------------------------------------------------------------


def test_no_site_admin_can_demote_suspend_or_delete_themselves(uc):
    actor = boss(uc)
    for act in (
        lambda: uc.admin.users.set_site_admin(actor, "boss", False),
        lambda: uc.admin.users.set_suspended(actor, "boss", True),
        lambda: uc.admin.users.delete(actor, "boss"),
    ):
        with pytest.raises(OwnAccount):
            act()
    assert boss(uc) == actor
    assert uc.admin.users.set_site_admin(None, "boss", False).site_admin is False  # the operator may


def test_promote_and_demote_are_idempotent_and_need_an_active_site_admin(uc):
    promoted = uc.admin.users.set_site_admin(boss(uc), "monalisa", True)
    assert promoted.site_admin and uc.admin.users.set_site_admin(boss(uc), "monalisa", True) == promoted
    stale = boss(uc)
    uc.admin.users.set_site_admin(uc.admin.users.find("monalisa"), "boss", False)
    with pytest.raises(SiteAdminRequired):  # demoted meanwhile: the write is refused
        uc.admin.users.set_site_admin(stale, "monalisa", False)
    assert uc.admin.users.find("monalisa").site_admin


def test_suspension_stops_password_and_tokens_and_unsuspension_restores_them(uc):
    token = app_token(uc)
    uc.admin.users.set_suspended(boss(uc), "monalisa", True)
    with pytest.raises(AccountSuspended):
        login(uc, "monalisa")
    with pytest.raises(BadCredentials):  # a wrong password learns nothing
        login(uc, "monalisa", "wrong password")
    with pytest.raises(AccountSuspended):
        uc.users.me(Bearer(token), None)
    from authorize.domain.credentials import AppCredentials

    with pytest.raises(NotFound):
        uc.app_tokens.check(CLIENT_ID, AppCredentials(CLIENT_ID, SECRET), token)
    uc.admin.users.set_suspended(boss(uc), "monalisa", False)
    assert uc.users.me(Bearer(token), None).user.login == "monalisa"
    assert uc.app_tokens.check(CLIENT_ID, AppCredentials(CLIENT_ID, SECRET), token).user.login == "monalisa"


# --- delete -----------------------------------------------------------------------------------------


def test_delete_revokes_everything_and_frees_login_and_email(uc):
    token = app_token(uc)
    impersonation = uc.admin.impersonation.get_or_create("monalisa", ImpersonationScopes()).token
    old = uc.admin.users.find("monalisa")
    assert uc.admin.users.delete(boss(uc), "monalisa") == 2
    for t in (token, impersonation):
        with pytest.raises(BadCredentials):
            uc.users.me(Bearer(t), None)
    assert uc.store.list_authorizations(old.id) == []
    again = uc.admin.users.create(validated(NewUser, {"login": "monalisa", "email": "mona@example.com"}))
    assert again.user.id != old.id
    with pytest.raises(NotFound):
        uc.admin.users.delete(boss(uc), "nobody")


def test_a_deletion_cut_short_is_finished_by_deleting_again(uc, monkeypatch):
    token = app_token(uc)
    from authorize.domain.exceptions import Unavailable

    def fail(_):
        raise Unavailable("cut")

    with monkeypatch.context() as patch:
        patch.setattr(uc.admin.users.authorizations, "delete_records", fail)
        with pytest.raises(Unavailable):
            uc.admin.users.delete(boss(uc), "monalisa")
    marked = uc.store.get_user("monalisa")
    assert marked is not None and marked.deleted_at is not None  # refused everywhere already
    with pytest.raises(BadCredentials):
        login(uc, "monalisa")
    with pytest.raises(BadCredentials):  # its token is still stored, and dead
        uc.users.me(Bearer(token), None)
    with pytest.raises(NotFound):
        uc.admin.users.find("monalisa")
    assert uc.admin.users.delete(boss(uc), "monalisa") == 1
    assert uc.store.get_user("monalisa") is None


# --- impersonation ----------------------------------------------------------------------------------


def test_impersonation_is_get_or_create_and_delete_stops_it(uc):
    first = uc.admin.impersonation.get_or_create("monalisa", ImpersonationScopes(scopes=["repo", "repo:status"]))
    assert first.created and first.token.startswith("gho_") and tokens.has_valid_checksum(first.token)
    record = first.authorization
    assert (record.client_id, record.app_name, record.scopes) == (
        IMPERSONATION_CLIENT_ID,
        IMPERSONATION_APP_NAME,
        ["repo"],
    )
    again = uc.admin.impersonation.get_or_create("monalisa", ImpersonationScopes(scopes=["gist"]))
    assert not again.created and again.token == "" and again.authorization == record
    assert uc.users.me(Bearer(first.token), None).user.login == "monalisa"
    assert uc.admin.impersonation.delete("monalisa") == 1
    with pytest.raises(BadCredentials):
        uc.users.me(Bearer(first.token), None)
    assert uc.admin.impersonation.delete("monalisa") == 0


# --- the CLI's credentials help ---------------------------------------------------------------------


def test_set_password_replaces_the_old_one(uc):
    uc.admin.credentials.set_password("monalisa", "a brand new password")
    with pytest.raises(BadCredentials):
        login(uc, "monalisa")
    assert login(uc, "monalisa", "a brand new password").user.login == "monalisa"


def test_two_factor_enable_re_enrol_and_disable(uc):
    first = uc.admin.credentials.enable_2fa("monalisa")
    assert first.user.totp_secret and first.totp_secret not in first.user.totp_secret  # sealed
    code = pyotp.TOTP(first.totp_secret).now()
    assert uc.login.authenticate(Basic("monalisa", PASSWORD), code).user.login == "monalisa"
    second = uc.admin.credentials.enable_2fa("monalisa")
    assert totp.verify(second.totp_secret, pyotp.TOTP(second.totp_secret).now())
    if not totp.verify(second.totp_secret, code):  # the old seed's code no longer passes
        from authorize.domain.exceptions import OtpRequired

        with pytest.raises(OtpRequired):
            uc.login.authenticate(Basic("monalisa", PASSWORD), code)
    uc.admin.credentials.disable_2fa("monalisa")
    assert login(uc, "monalisa").user.totp_secret is None


def test_unlock_ends_a_lockout_at_once(uc):
    for _ in range(3):
        with pytest.raises(BadCredentials):
            login(uc, "monalisa", "wrong password")
    with pytest.raises(LockedOut):
        login(uc, "monalisa")
    assert uc.admin.credentials.unlock("monalisa") == 1
    assert login(uc, "monalisa").user.login == "monalisa"


def test_profile_update_sets_and_clears(uc):
    user = uc.admin.users.update_profile("monalisa", validated(Profile, {"company": "GitHub", "email": None}))
    assert user.company == "GitHub" and user.email is None
    assert uc.admin.users.update_profile("monalisa", validated(Profile, {})) == user  # nothing: no write


# --- apps and tokens --------------------------------------------------------------------------------


def test_rotate_secret_stops_the_old_one_at_once(uc):
    rotated = uc.admin.apps.rotate_secret(CLIENT_ID)
    caller = uc.login.authenticate(Basic("monalisa", PASSWORD), None, client_id=CLIENT_ID)
    from authorize.domain.exceptions import InvalidApplication

    with pytest.raises(InvalidApplication):
        uc.authorizations.get_or_create(caller, GetOrCreateBody(client_secret=SECRET))
    assert uc.authorizations.get_or_create(caller, GetOrCreateBody(client_secret=rotated.client_secret)).created


def test_app_update_refreshes_what_existing_authorizations_show(uc):
    token = app_token(uc)
    fields = admin.check_app_fields("Renamed", "https://renamed.example", 3600)
    app, refreshed = uc.admin.apps.update(CLIENT_ID, **fields)
    assert (app.name, app.token_lifetime, refreshed) == ("Renamed", 3600, 1)
    record = uc.store.find_token(tokens.hash_token(token))
    assert record is not None and (record.app_name, record.app_url) == ("Renamed", "https://renamed.example")
    assert record.expires_at is None  # a new lifetime is for new tokens
    assert uc.admin.apps.update(CLIENT_ID)[1] == 0


def test_app_delete_revokes_its_tokens(uc):
    token = app_token(uc)
    assert uc.admin.apps.delete(CLIENT_ID) == 1
    with pytest.raises(BadCredentials):
        uc.users.me(Bearer(token), None)
    with pytest.raises(NotFound):
        uc.admin.apps.find(CLIENT_ID)


def test_token_list_and_revoke(uc):
    token = app_token(uc)
    [listed] = uc.admin.tokens.list("monalisa")
    assert listed.hashed_token == tokens.hash_token(token)
    uc.admin.tokens.revoke(listed.id)
    assert uc.admin.tokens.list("monalisa") == []
    with pytest.raises(NotFound):
        uc.admin.tokens.revoke(listed.id)


# --- what each creation makes -----------------------------------------------------------------------


def test_the_clis_create_sets_password_two_factor_and_site_admin_as_asked(uc):
    made = uc.admin.users.create(
        validated(NewUser, {"login": "warden"}), password=PASSWORD, two_factor=True, site_admin=True
    )
    assert made.totp_secret and made.user.totp_secret and made.user.site_admin
    from authorize.domain.exceptions import OtpRequired

    with pytest.raises(OtpRequired):
        uc.admin.site_admins.authenticate(Basic("warden", PASSWORD), None)
    code = pyotp.TOTP(made.totp_secret).now()
    assert uc.admin.site_admins.authenticate(Basic("warden", PASSWORD), code).login == "warden"


def test_a_user_is_made_plain_unless_asked(uc):
    from authorize.domain.users import new_user
    from authorize.usecases.users_admin import create_user

    assert not new_user(99, validated(NewUser, {"login": "record"}), uc.deps.now(), password_hash=None).site_admin
    made = create_user(uc.store, validated(NewUser, {"login": "plain"}), uc.deps.now())
    assert made.totp_secret is None and made.user.totp_secret is None
    assert made.user.password_hash is None and not made.user.site_admin
    over_api = uc.admin.users.create_for_api(validated(NewUser, {"login": "viaapi"}))
    assert over_api.totp_secret is None and not over_api.site_admin
    uc.admin.credentials.set_password("viaapi", PASSWORD)
    assert login(uc, "viaapi").user.login == "viaapi"  # no second factor asked for


def test_records_are_stamped_when_made_and_when_changed(uc):
    user = uc.admin.users.create_for_api(validated(NewUser, {"login": "stamped"}))
    assert user.created_at is not None and user.updated_at == user.created_at
    app = uc.admin.apps.find(CLIENT_ID)
    assert app.created_at is not None and app.updated_at == app.created_at
    later = uc.deps.clock() + 3600
    uc.deps.clock = lambda: later
    changed = uc.admin.users.update_profile("stamped", validated(Profile, {"bio": "new"}))
    assert changed.created_at == user.created_at and changed.updated_at == iso(uc.deps.now())
    assert changed.updated_at > user.updated_at


# --- tokens an app resets ---------------------------------------------------------------------------


def test_a_reset_answers_the_user_as_stored_now_and_refuses_a_suspended_one(uc):
    from authorize.domain.credentials import AppCredentials

    token = app_token(uc)
    uc.admin.users.rename(boss(uc), "monalisa", "mona")
    reset = uc.app_tokens.reset(CLIENT_ID, AppCredentials(CLIENT_ID, SECRET), token)
    assert reset.user == uc.admin.users.find("mona")
    uc.admin.users.set_suspended(boss(uc), "mona", True)
    with pytest.raises(NotFound):
        uc.app_tokens.reset(CLIENT_ID, AppCredentials(CLIENT_ID, SECRET), reset.token)
    uc.admin.users.set_suspended(boss(uc), "mona", False)
    assert uc.users.me(Bearer(reset.token), None).user.login == "mona"  # the refused reset changed nothing


def test_a_users_tokens_are_listed_newest_first(uc):
    caller = uc.login.authenticate(Basic("monalisa", PASSWORD), None)
    from authorize.domain.inputs import CreateBody

    made = [uc.authorizations.create(caller, CreateBody(note=f"n{i}"), None).authorization.id for i in range(3)]
    made.append(uc.admin.impersonation.get_or_create("monalisa", ImpersonationScopes()).authorization.id)
    assert [r.id for r in uc.admin.tokens.list("monalisa")] == sorted(made, reverse=True)
