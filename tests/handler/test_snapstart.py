"""SnapStart hooks: registered only for a snapshot init; before the snapshot the use cases (and their
client) are built; after a restore each clone re-keys what it remembers of verified secrets."""

from __future__ import annotations

import sys
import types

import pytest
import snapstart
from authorize.domain.verified import VerifiedCache


def test_nothing_is_registered_outside_a_snapshot_init(monkeypatch):
    monkeypatch.delenv("AWS_LAMBDA_INITIALIZATION_TYPE", raising=False)
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # importing it would fail
    assert snapstart.install(lambda: None, lambda: None) is False


def test_hooks_are_registered_for_a_snapshot_init(monkeypatch):
    registered: dict[str, object] = {}
    fake = types.ModuleType("snapshot_restore_py")
    fake.register_before_snapshot = lambda fn: registered.setdefault("before", fn)  # type: ignore[attr-defined]
    fake.register_after_restore = lambda fn: registered.setdefault("after", fn)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", fake)
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")

    def before() -> None:
        pass

    def after() -> None:
        pass

    assert snapstart.install(before, after) is True
    assert registered == {"before": before, "after": after}


def test_rekey_forgets_and_changes_the_key():
    cache = VerifiedCache(300)
    cache.add("hash", "password")
    before = cache.entries()
    cache.rekey()
    assert not cache.holds("hash", "password")
    cache.add("hash", "password")
    assert cache.entries() != before  # the same secret, another key: another entry


@pytest.mark.usefixtures("world")
def test_after_restore_rekeys_the_running_use_cases(world):
    import app

    passwords = app.use_cases().deps.passwords
    passwords.cache.add("stored-hash", "secret")
    codes = app.use_cases().login.codes
    codes.add("1:seed", "123456")
    app.after_restore()
    assert not passwords.known("stored-hash", "secret")
    assert not codes.holds("1:seed", "123456")
