"""The domain against the in-memory store: authentication order, lockout, 2FA, get-or-create."""

from __future__ import annotations

import base64
import json

import pyotp
import pytest
from authorize.composition import UseCases
from authorize.domain import tokens
from authorize.domain.exceptions import Unavailable as ServiceUnavailable
from authorize.github.views import authorization_view
from authorize.settings import Settings
from authorize.usecases import admin

from tests.edge import Answered as ApiError
from tests.edge import Api
from tests.fakes import InMemoryStore
from tests.support import SEALER

CLIENT_ID = "abcde12345fghij67890"
SECRET = "abcd" * 10
PASSWORD = "correct-horse-battery-staple"


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world():
    store = InMemoryStore()
    clock = Clock()
    svc = UseCases.build(
        store,
        Settings(
            lockout_max_failures=3, lockout_window_seconds=3600, totp_key_b64=base64.b64encode(b"k" * 32).decode()
        ),
        clock=clock,
    )
    admin.create_user(store, "monalisa", PASSWORD)
    hubot = admin.create_user(store, "hubot", PASSWORD, with_totp=True, sealer=SEALER)
    admin.create_app(store, "my github app", "http://my-github-app.com", client_id=CLIENT_ID, client_secret=SECRET)
    return store, Api(svc), clock, hubot["totp_secret"]


def put(svc, auth, body=None, otp=None, client_id=CLIENT_ID, fingerprint=None):
    raw = json.dumps({"client_secret": SECRET} if body is None else body)
    return svc.get_or_create(auth, otp, client_id, fingerprint, raw)


def status_of(fn) -> tuple[int, str]:
    with pytest.raises(ApiError) as exc:
        fn()
    return exc.value.status, exc.value.message


def test_create_then_get(world):
    _, svc, _, _ = world
    first = put(svc, basic("monalisa", PASSWORD), {"client_secret": SECRET, "scopes": ["public_repo"], "note": "n"})
    assert first.created and first.token.startswith("gho_") and len(first.token) == 40
    rec = first.authorization
    assert rec.hashed_token == tokens.hash_token(first.token)
    assert rec.token_last_eight == first.token[-8:]
    assert rec.scopes == ["public_repo"] and rec.note == "n" and rec.fingerprint is None
    assert rec.created_at == rec.updated_at and rec.created_at.endswith("Z")

    again = put(svc, basic("MonaLisa", PASSWORD), {"client_secret": SECRET, "scopes": ["repo"], "note": "other"})
    assert not again.created and again.token == ""
    assert again.authorization == rec  # unchanged: request scopes/note ignored


def test_fingerprints_are_separate_keys(world):
    _, svc, _, _ = world
    auth = basic("monalisa", PASSWORD)
    plain = put(svc, auth)
    fp1 = put(svc, auth, fingerprint="device-1")
    fp1_body = put(svc, auth, {"client_secret": SECRET, "fingerprint": "device-1"})
    empty = put(svc, auth, {"client_secret": SECRET, "fingerprint": ""})
    assert fp1.created and not fp1_body.created
    assert fp1_body.authorization.id == fp1.authorization.id != plain.authorization.id
    assert empty.authorization.id == plain.authorization.id
    assert fp1.authorization.fingerprint == "device-1"


def test_view_has_every_seed_field_in_wire_order(world):
    _, svc, _, _ = world
    result = put(svc, basic("monalisa", PASSWORD))
    view = authorization_view(result.authorization, "https://api.example.com", result.token)
    assert list(view) == [
        "id", "url", "app", "token", "hashed_token", "token_last_eight",
        "note", "note_url", "created_at", "updated_at", "scopes", "fingerprint",
    ]  # fmt: skip
    assert view["url"] == f"https://api.example.com/authorizations/{view['id']}"
    assert view["app"] == {"name": "my github app", "url": "http://my-github-app.com", "client_id": CLIENT_ID}
    assert view["note"] is None and view["note_url"] is None and view["fingerprint"] is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, (401, "Requires authentication")),
        ("", (401, "Requires authentication")),
        ("Digest abc", (401, "Requires authentication")),
        ("token gho_x", (403, "This API can only be accessed with username and password Basic Auth")),
        ("Bearer gho_x", (403, "This API can only be accessed with username and password Basic Auth")),
        ("Basic !!!", (401, "Bad credentials")),
        ("Basic " + base64.b64encode(b"nocolon").decode(), (401, "Bad credentials")),
    ],
)
def test_authentication_failures(world, header, expected):
    _, svc, _, _ = world
    assert status_of(lambda: put(svc, header)) == expected


def test_wrong_password_and_unknown_user_are_bad_credentials(world):
    _, svc, _, _ = world
    assert status_of(lambda: put(svc, basic("monalisa", "nope"))) == (401, "Bad credentials")
    assert status_of(lambda: put(svc, basic("nobody", PASSWORD))) == (401, "Bad credentials")


def test_authentication_precedes_body_validation(world):
    _, svc, _, _ = world
    assert status_of(lambda: put(svc, None, body="{not json"))[0] == 401
    assert status_of(lambda: put(svc, basic("monalisa", PASSWORD), body=[]))[0] == 400


def test_lockout_after_max_failures_even_with_right_password(world):
    _, svc, clock, _ = world
    for _ in range(3):
        assert status_of(lambda: put(svc, basic("monalisa", "wrong")))[0] == 401
    locked = (403, "Maximum number of login attempts exceeded. Please try again later.")
    assert status_of(lambda: put(svc, basic("monalisa", PASSWORD))) == locked
    assert status_of(lambda: put(svc, basic("MONALISA", "wrong"))) == locked
    clock.now += 3600  # the window passes
    assert put(svc, basic("monalisa", PASSWORD)).created


def test_two_factor_flow(world):
    _, svc, _, totp_secret = world
    auth = basic("hubot", PASSWORD)
    with pytest.raises(ApiError) as exc:
        put(svc, auth)
    err = exc.value
    assert (err.status, err.message) == (401, "Must specify two-factor authentication OTP code.")
    assert err.headers == {"X-GitHub-OTP": "required; app"}
    assert status_of(lambda: put(svc, auth, otp="000000"))[0] == 401
    assert status_of(lambda: put(svc, auth, otp="not-a-code"))[0] == 401
    code = pyotp.TOTP(totp_secret).now()
    assert put(svc, auth, otp=code).created
    # Clients re-send the last accepted code: still good within its window.
    assert not put(svc, auth, otp=code).created
    # A wrong password never reaches the OTP challenge.
    assert status_of(lambda: put(svc, basic("hubot", "wrong"), otp=code)) == (401, "Bad credentials")


def test_wrong_otps_count_toward_lockout(world):
    _, svc, _, totp_secret = world
    auth = basic("hubot", PASSWORD)
    for _ in range(3):
        status_of(lambda: put(svc, auth, otp="123456"))
    assert status_of(lambda: put(svc, auth, otp=pyotp.TOTP(totp_secret).now()))[0] == 403


def test_missing_otp_does_not_count(world):
    _, svc, _, totp_secret = world
    auth = basic("hubot", PASSWORD)
    for _ in range(5):
        status_of(lambda: put(svc, auth))
    assert put(svc, auth, otp=pyotp.TOTP(totp_secret).now()).created


def test_bad_client(world):
    _, svc, _, _ = world
    auth = basic("monalisa", PASSWORD)
    bad = (422, "Invalid Application client_id or secret.")
    assert status_of(lambda: put(svc, auth, {"client_secret": "0" * 40})) == bad
    assert status_of(lambda: put(svc, auth, client_id="unknownunknown000000")) == bad
    assert status_of(lambda: put(svc, auth, client_id="x" * 5000)) == bad


def test_long_path_fingerprint_is_invalid(world):
    _, svc, _, _ = world
    with pytest.raises(ApiError) as exc:
        put(svc, basic("monalisa", PASSWORD), fingerprint="f" * 256)
    assert exc.value.status == 422 and exc.value.errors[0]["field"] == "fingerprint"


def test_id_collision_is_retried(world, monkeypatch):
    _, svc, _, _ = world
    first = put(svc, basic("monalisa", PASSWORD))
    ids = iter([first.authorization.id, first.authorization.id + 1])
    monkeypatch.setattr(tokens, "new_authorization_id", lambda: next(ids))
    second = put(svc, basic("monalisa", PASSWORD), fingerprint="other")
    assert second.created and second.authorization.id == first.authorization.id + 1


def test_round_trips_on_the_happy_paths(world):
    store, svc, _, _ = world
    store.calls.clear()
    put(svc, basic("monalisa", PASSWORD))
    # A password this container has not verified yet is evaluated inside a reserved attempt.
    assert store.calls == ["load_login_context", "reserve_attempt", "release_attempt", "get_or_create_authorization"]
    store.calls.clear()
    put(svc, basic("monalisa", PASSWORD))
    # Verified before, with the user id known: one read, which also brings the existing authorization.
    assert store.calls == ["load_login_context"]
    store.calls.clear()
    put(svc, basic("monalisa", PASSWORD), fingerprint="new-device")
    assert store.calls == ["load_login_context", "get_or_create_authorization"]


def test_token_lifetime_sets_expiry_and_expired_tokens_give_way(world):
    store, svc, clock, _ = world
    admin.create_app(
        store, "short lived", "https://short.example", client_id="s" * 20, client_secret=SECRET, token_lifetime=3600
    )
    auth = basic("monalisa", PASSWORD)
    first = put(svc, auth, client_id="s" * 20)
    rec = first.authorization
    assert rec.expires_at is not None and rec.expires_epoch() == int(clock.now) + 3600
    assert authorization_view(first.authorization, "https://x")["expires_at"] == rec.expires_at
    assert "expires_at" not in authorization_view(put(svc, auth).authorization, "https://x")  # apps without a lifetime
    assert not put(svc, auth, client_id="s" * 20).created  # still valid: the same authorization
    clock.now += 3600
    renewed = put(svc, auth, client_id="s" * 20)
    assert renewed.created and renewed.authorization.id != rec.id  # expired: the key is free again
    records = svc.list_authorizations(auth, None).items
    assert rec.id not in [r.id for r in records]
    with pytest.raises(ApiError) as exc:
        svc.get(auth, None, str(rec.id))
    assert exc.value.status == 404


class AnswerLostStore(InMemoryStore):
    """Commits the write, then fails as if the response never arrived (timeouts after the commit)."""

    def get_or_create_authorization(self, new, now=None):
        super().get_or_create_authorization(new, now)
        raise ServiceUnavailable()

    def create_authorization(self, new):
        super().create_authorization(new)
        raise ServiceUnavailable()


def test_a_committed_write_whose_answer_was_lost_still_returns_the_token():
    store = AnswerLostStore()
    svc = Api(UseCases.build(store, Settings(totp_key_b64=base64.b64encode(b"k" * 32).decode())))
    admin.create_user(store, "monalisa", PASSWORD)
    admin.create_app(store, "app", "http://app.example", client_id=CLIENT_ID, client_secret=SECRET)
    issued = put(svc, basic("monalisa", PASSWORD))
    assert issued.created and tokens.hash_token(issued.token) == issued.authorization.hashed_token
    assert len(store.by_key) == 1
    made = svc.create(basic("monalisa", PASSWORD), None, '{"note": "script"}')
    assert made.created and made.token.startswith("ghp_")


def test_an_unanswered_write_that_did_not_commit_is_503():
    class DownStore(InMemoryStore):
        def get_or_create_authorization(self, new, now=None):
            raise ServiceUnavailable()

    store = DownStore()
    svc = Api(UseCases.build(store, Settings(totp_key_b64=base64.b64encode(b"k" * 32).decode())))
    admin.create_user(store, "monalisa", PASSWORD)
    admin.create_app(store, "app", "http://app.example", client_id=CLIENT_ID, client_secret=SECRET)
    assert status_of(lambda: put(svc, basic("monalisa", PASSWORD)))[0] == 503
