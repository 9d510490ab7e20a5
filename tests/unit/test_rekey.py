"""A clone of a SnapStart snapshot rekeys its memory of verified secrets (VerifiedCache.rekey): it forgets
what it held, and remembers from then on under a key of its own."""

from __future__ import annotations

from authorize.domain.verified import VerifiedCache


def test_rekey_forgets_and_remembers_anew_under_another_key():
    cache = VerifiedCache(60)
    cache.add("user", "secret")
    before = cache.entries()
    cache.rekey()
    assert cache.entries() == b"" and not cache.holds("user", "secret")
    cache.add("user", "secret")
    assert cache.holds("user", "secret")
    assert cache.entries() not in (b"", before)  # the same secret, another key: another entry
