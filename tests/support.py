"""Wiring shared by the tests: the TOTP sealer under the test key (tests/conftest.py sets it), and a
minimal-cost argon2id for tests that are not about password hashing."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from authorize.composition import sealer_for
from authorize.settings import Settings

SEALER = sealer_for(Settings.from_env())
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)

# Every profile field set (GitHub's example user's values), for tests of what the user objects show.
PROFILE: dict[str, str | bool] = {
    "name": "monalisa octocat",
    "email": "octocat@github.com",
    "company": "GitHub",
    "blog": "https://github.com/blog",
    "location": "San Francisco",
    "bio": "There once was...",
    "twitter_username": "monatheoctocat",
    "hireable": False,
}
