from authorize import passwords


class CountingHasher:
    def __init__(self, calls):
        self.real = passwords._HASHER
        self.calls = calls

    def hash(self, password):
        return self.real.hash(password)

    def verify(self, stored, password):
        self.calls.append(1)
        return self.real.verify(stored, password)


def test_hash_and_verify():
    stored = passwords.hash_password("s3cret pass")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(stored, "s3cret pass")
    assert not passwords.verify_password(stored, "s3cret pasS")
    assert not passwords.verify_password(None, "anything")  # unknown user: dummy hash, always false
    assert not passwords.verify_password("not a hash", "anything")


def test_cache_skips_argon2_for_repeat_successes_only(monkeypatch):
    passwords.clear_cache()
    stored = passwords.hash_password("pw")
    calls = []
    monkeypatch.setattr(passwords, "_HASHER", CountingHasher(calls))
    assert passwords.verify_password(stored, "pw") and passwords.verify_password(stored, "pw")
    assert len(calls) == 1
    assert not passwords.verify_password(stored, "wrong") and not passwords.verify_password(stored, "wrong")
    assert len(calls) == 3  # failures are never cached
    # A new stored hash (password changed) misses the cache.
    other = passwords.hash_password("pw")
    assert passwords.verify_password(other, "pw") and len(calls) == 4


def test_cache_can_be_turned_off(monkeypatch):
    passwords.clear_cache()
    monkeypatch.setenv("PASSWORD_CACHE_SECONDS", "0")
    stored = passwords.hash_password("pw")
    calls = []
    monkeypatch.setattr(passwords, "_HASHER", CountingHasher(calls))
    passwords.verify_password(stored, "pw")
    passwords.verify_password(stored, "pw")
    assert len(calls) == 2


def test_cache_holds_no_password():
    passwords.clear_cache()
    stored = passwords.hash_password("hunter2-very-secret")
    passwords.verify_password(stored, "hunter2-very-secret")
    blob = b"".join(passwords._verified)
    assert b"hunter2" not in blob and len(blob) == 32
