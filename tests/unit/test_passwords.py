from types import SimpleNamespace

from authorize.domain import passwords, verified
from authorize.domain.passwords import PasswordVerifier

from tests.support import CHEAP_HASHER


class CountingHasher:
    def __init__(self, calls, real=None):
        self.real = real or passwords.HASHER
        self.calls = calls

    def hash(self, password):
        return self.real.hash(password)

    def verify(self, stored, password):
        self.calls.append(1)
        return self.real.verify(stored, password)


def test_hash_and_verify():
    verifier = PasswordVerifier()
    stored = passwords.hash_password("s3cret pass")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verifier.verify(stored, "s3cret pass")
    assert not verifier.verify(stored, "s3cret pasS")
    assert not verifier.verify(None, "anything")  # unknown user: dummy hash, always false
    assert not verifier.verify("not a hash", "anything")


def test_cache_skips_argon2_for_repeat_successes_only():
    calls = []
    verifier = PasswordVerifier(300, CountingHasher(calls))
    stored = passwords.hash_password("pw")
    assert verifier.verify(stored, "pw") and verifier.verify(stored, "pw")
    assert len(calls) == 1
    assert not verifier.verify(stored, "wrong") and not verifier.verify(stored, "wrong")
    assert len(calls) == 3  # failures are never cached
    # A new stored hash (password changed) misses the cache.
    other = passwords.hash_password("pw")
    assert verifier.verify(other, "pw") and len(calls) == 4


def test_cache_can_be_turned_off():
    calls = []
    verifier = PasswordVerifier(0, CountingHasher(calls))
    stored = passwords.hash_password("pw")
    verifier.verify(stored, "pw")
    verifier.verify(stored, "pw")
    assert len(calls) == 2


def test_cache_lifetime_comes_from_the_settings():
    from authorize.settings import Settings

    assert Settings.from_env({"PASSWORD_CACHE_SECONDS": "0"}).password_cache_seconds == 0
    assert Settings.from_env({}).password_cache_seconds == 300


def test_cache_holds_no_password():
    verifier = PasswordVerifier()
    stored = passwords.hash_password("hunter2-very-secret")
    verifier.verify(stored, "hunter2-very-secret")
    blob = verifier.cached_entries()
    assert b"hunter2" not in blob and len(blob) == 32


def test_the_cache_is_bounded_and_forgets_the_oldest_first():
    calls = []
    verifier = PasswordVerifier(300, CountingHasher(calls, CHEAP_HASHER))
    stored = [CHEAP_HASHER.hash(f"pw-{i}") for i in range(verified.CACHE_MAX + 2)]
    for i, h in enumerate(stored):
        assert verifier.verify(h, f"pw-{i}")
    assert len(verifier.cached_entries()) == 32 * verified.CACHE_MAX  # one 32-byte MAC per entry, no more
    calls.clear()
    assert verifier.verify(stored[-1], f"pw-{len(stored) - 1}") and calls == []  # the newest: cached
    assert verifier.verify(stored[2], "pw-2") and calls == []
    assert verifier.verify(stored[0], "pw-0") and calls == [1]  # the oldest was let go


class AcceptsAnything:
    """A hasher that says yes to every check."""

    def hash(self, password):
        return CHEAP_HASHER.hash(password)

    def verify(self, stored, password):
        return True


def test_an_unknown_user_never_verifies_whatever_the_hasher_says():
    assert not PasswordVerifier(300, AcceptsAnything()).verify(None, "anything")


def test_a_password_that_is_not_text_fails_without_raising():
    stored = CHEAP_HASHER.hash("pw")
    assert not PasswordVerifier(300, CHEAP_HASHER).verify(stored, "pw\ud800")
    assert not PasswordVerifier(0, CHEAP_HASHER).verify(stored, "\udfff")


def test_a_cache_turned_off_keeps_nothing_and_a_short_one_still_caches():
    stored = CHEAP_HASHER.hash("pw")
    off = PasswordVerifier(0, CHEAP_HASHER)
    assert off.verify(stored, "pw") and off.cached_entries() == b""
    calls = []
    short = PasswordVerifier(1, CountingHasher(calls, CHEAP_HASHER))
    assert short.verify(stored, "pw") and short.verify(stored, "pw") and len(calls) == 1


class Monotonic:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_cached_success_lasts_exactly_its_lifetime(monkeypatch):
    clock = Monotonic()
    monkeypatch.setattr(verified, "time", SimpleNamespace(monotonic=clock))  # the cache's clock only
    stored = CHEAP_HASHER.hash("pw")
    for verifier, lifetime in ((PasswordVerifier(hasher=CHEAP_HASHER), 300), (PasswordVerifier(60, CHEAP_HASHER), 60)):
        calls = []
        verifier.hasher = CountingHasher(calls, CHEAP_HASHER)
        assert verifier.verify(stored, "pw") and len(calls) == 1
        clock.now += lifetime - 0.5
        assert verifier.verify(stored, "pw") and len(calls) == 1  # still cached
        clock.now += 0.5
        assert verifier.verify(stored, "pw") and len(calls) == 2  # expired at its lifetime: checked again
