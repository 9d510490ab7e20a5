"""Unit-test wiring: a minimal-cost argon2id for the passwords the tests make and check, and the
Hypothesis profile mutation testing runs under.

argon2id at OWASP's cost takes tens of milliseconds a hash by design, and most use-case tests create
users and log them in; that cost is what made the fast tests slow, and what mutation testing (which
runs them once per mutant) pays most. test_passwords.py checks the real parameters, with the real
hasher. Unknown logins are still verified against the real-cost dummy hash.
"""

from __future__ import annotations

import pytest
from authorize.domain import passwords
from hypothesis import settings

from tests.support import CHEAP_HASHER

# `make mutation` runs these tests once per mutant, two at a time on a shared machine: a slow example is
# load, not a finding (the tests assert invariants, never speed), so that run has no per-example deadline.
settings.register_profile("mutation", deadline=None)


@pytest.fixture(autouse=True)
def cheap_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.module.__name__ != "tests.unit.test_passwords":
        monkeypatch.setattr(passwords, "HASHER", CHEAP_HASHER)
