"""The memory of recently verified secrets (passwords, two-factor codes): bounded in time and size."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from authorize.domain import verified
from authorize.domain.verified import VerifiedCache


@pytest.fixture
def clock(monkeypatch):
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(verified, "time", SimpleNamespace(monotonic=lambda: clock.now))  # the cache's clock only
    return clock


def test_an_entry_lasts_the_caches_lifetime_or_a_shorter_one_of_its_own(clock):
    cache = VerifiedCache(60)
    cache.add("user", "default")
    cache.add("user", "short", seconds=10)
    cache.add("user", "long", seconds=600)  # never more than the cache's own lifetime
    clock.now += 9.5
    assert cache.holds("user", "default") and cache.holds("user", "short") and cache.holds("user", "long")
    clock.now += 0.5
    assert not cache.holds("user", "short") and cache.holds("user", "default")
    clock.now += 50
    assert not cache.holds("user", "default") and not cache.holds("user", "long")


def test_parts_are_kept_apart(clock):
    cache = VerifiedCache(60)
    cache.add("ab", "c")
    assert cache.holds("ab", "c") and not cache.holds("a", "bc") and not cache.holds("abc")


def test_turning_the_cache_off_forgets_at_once(clock):
    cache = VerifiedCache(60)
    cache.add("user", "secret")
    cache.seconds = 0
    assert not cache.holds("user", "secret")
    cache.add("user", "other")
    cache.seconds = 60
    assert not cache.holds("user", "other")  # nothing was kept while it was off
