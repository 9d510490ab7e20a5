from authorize.domain import scopes
from hypothesis import given
from hypothesis import strategies as st

valid = st.sampled_from(sorted(scopes.VALID_SCOPES))


def test_documented_example():
    assert scopes.normalize(["user", "gist", "user:email"]) == ["user", "gist"]


def test_included_scope_first_is_dropped_too():
    assert scopes.normalize(["public_repo", "repo"]) == ["repo"]
    assert scopes.normalize(["read:org", "admin:org", "write:org"]) == ["admin:org"]


def test_duplicates_removed_in_first_seen_order():
    assert scopes.normalize(["gist", "repo", "gist"]) == ["gist", "repo"]
    assert scopes.normalize([]) == []


def test_unknown_and_site_admin_are_invalid():
    assert scopes.invalid_scopes(["repo", "site_admin", "nope"]) == ["site_admin", "nope"]


@given(st.lists(valid, max_size=12))
def test_normalize_is_idempotent(requested):
    once = scopes.normalize(requested)
    assert scopes.normalize(once) == once


@given(st.lists(valid, max_size=12))
def test_normalize_keeps_the_same_access(requested):
    def access(scope_list):
        out = set(scope_list)
        for s in scope_list:
            out |= scopes.IMPLIED_BY[s]
        return out

    normalized = scopes.normalize(requested)
    assert access(normalized) == access(requested)
    assert len(set(normalized)) == len(normalized)
    for s in normalized:
        assert not any(s in scopes.IMPLIED_BY[o] for o in normalized if o != s)


def test_implied_scopes_are_the_transitive_closure_of_includes():
    # IMPLIED_BY is computed from INCLUDES when the module loads; check the computation itself.
    assert scopes._closure("admin:org") == {"write:org", "read:org"}  # read:org through write:org too
    assert scopes._closure("gist") == frozenset()
    for scope in scopes.VALID_SCOPES:
        closure = scopes._closure(scope)
        assert scopes.IMPLIED_BY[scope] == closure and scope not in closure
        assert set(scopes.INCLUDES.get(scope, ())) <= closure
        for included in closure:
            assert scopes.IMPLIED_BY[included] <= closure


def test_normalize_keeps_a_name_it_does_not_know():
    # A stored authorization may hold a scope a later release no longer lists: it must still show.
    assert scopes.normalize(["retired:scope", "user", "user:email"]) == ["retired:scope", "user"]


def test_inclusion_is_transitive_however_deep(monkeypatch):
    # Today's table needs one level; a chain (as GitHub's admin/write/read families could become) needs more.
    monkeypatch.setattr(scopes, "INCLUDES", {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"d"})})
    assert scopes._closure("a") == {"b", "c", "d"} and scopes._closure("c") == {"d"}


def test_private_profile_for_a_password_or_user_or_read_user():
    assert scopes.sees_private_profile(None)  # a password
    for granted in (["user"], ["read:user"], ["repo", "user"], ["gist", "read:user"]):
        assert scopes.sees_private_profile(granted), granted
    for granted in ([], ["repo"], ["user:email", "user:follow"], ["admin:org", "gist"]):
        assert not scopes.sees_private_profile(granted), granted
    assert scopes.sees_private_profile(iter(["read:user"]))  # any iterable, read once
