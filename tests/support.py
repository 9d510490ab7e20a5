"""Wiring shared by the tests: the TOTP sealer under the test key (tests/conftest.py sets it)."""

from __future__ import annotations

from authorize.composition import sealer_for
from authorize.settings import Settings

SEALER = sealer_for(Settings.from_env())
