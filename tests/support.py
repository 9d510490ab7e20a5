"""Wiring shared by the tests: the TOTP sealer under the test key (tests/conftest.py sets it), and a
minimal-cost argon2id for tests that are not about password hashing."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from authorize.composition import sealer_for
from authorize.settings import Settings

SEALER = sealer_for(Settings.from_env())
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
