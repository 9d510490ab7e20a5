"""The one write-retry protocol (authorize.usecases.retry): each refusal and what it leads to."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from unittest import mock

import pytest
from authorize import deadline
from authorize.domain.exceptions import Contention, Unavailable
from authorize.ports import Conflict, IdCollision
from authorize.usecases import retry
from authorize.usecases.retry import (
    CONFLICT_ATTEMPTS,
    CONFLICT_BACKOFF_BASE,
    CONFLICT_BACKOFF_CAP,
    STORED,
    WRITE_ATTEMPTS,
    Written,
    token_landed,
    write_with_retry,
)
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes import InMemoryStore
from tests.unit.test_records import record


@pytest.fixture(autouse=True, scope="module")
def no_sleeping():
    """Backoffs are recorded, not slept."""
    with mock.patch.object(retry, "sleep", SLEPT.append):
        yield


SLEPT: list[float] = []


@dataclass
class Script:
    """A store whose answers to successive writes are scripted: an exception class, or "ok"."""

    answers: list[object]
    drafts: list[tuple[int, int]] = field(default_factory=list)  # (state, attempt) of each draft
    writes: list[tuple[int, int]] = field(default_factory=list)

    def draft(self, state: int) -> tuple[int, int]:
        drafted = (state, len(self.drafts))
        self.drafts.append(drafted)
        return drafted

    def write(self, drafted: tuple[int, int]) -> str:
        self.writes.append(drafted)
        answer = self.answers[len(self.writes) - 1]
        if isinstance(answer, type):
            raise answer()
        return f"stored {drafted}"


def test_a_first_success_is_answered_at_once():
    script = Script(["ok"])
    written = write_with_retry(7, script.draft, script.write)
    assert written == Written((7, 0), "stored (7, 0)")
    assert script.writes == [(7, 0)]


def test_an_id_collision_draws_again_from_the_same_state():
    script = Script([IdCollision, IdCollision, "ok"])
    written = write_with_retry(7, script.draft, script.write)
    assert written == Written((7, 2), "stored (7, 2)")
    assert script.writes == [(7, 0), (7, 1), (7, 2)]


def test_attempts_are_bounded():
    script = Script([IdCollision] * 10)
    with pytest.raises(Unavailable):
        write_with_retry(7, script.draft, script.write, attempts=3)
    assert len(script.writes) == 3
    script = Script([IdCollision] * 10)
    with pytest.raises(Unavailable):
        write_with_retry(7, script.draft, script.write)
    assert len(script.writes) == WRITE_ATTEMPTS == 5


def test_an_unanswered_write_that_landed_is_a_success():
    script = Script([Unavailable])
    checked: list[tuple[int, int]] = []
    written = write_with_retry(7, script.draft, script.write, landed=lambda d: checked.append(d) or True)
    assert written == Written((7, 0), None) and checked == [(7, 0)]


def test_an_unanswered_write_that_did_not_land_stays_unavailable():
    script = Script([Unavailable, "ok"])
    with pytest.raises(Unavailable):
        write_with_retry(7, script.draft, script.write, landed=lambda d: False)
    assert len(script.writes) == 1  # not retried: the caller answers 503
    with pytest.raises(Unavailable):
        write_with_retry(7, Script([Unavailable]).draft, Script([Unavailable]).write)  # no landed check at all


def test_a_conflict_without_refresh_is_not_retried():
    script = Script([Conflict, "ok"])
    with pytest.raises(Contention):
        write_with_retry(7, script.draft, script.write)
    assert len(script.writes) == 1


def test_a_conflict_redraws_from_the_refreshed_state():
    script = Script([Conflict, Conflict, "ok"])
    seen: list[tuple[int, tuple[int, int]]] = []

    def refresh(state: int, drafted: tuple[int, int]) -> int:
        seen.append((state, drafted))
        return state + 10

    SLEPT.clear()
    written = write_with_retry(7, script.draft, script.write, refresh=refresh)
    assert seen == [(7, (7, 0)), (17, (17, 1))]
    assert written == Written((27, 2), "stored (27, 2)")
    assert len(SLEPT) == 2 and all(0 <= s <= retry.CONFLICT_BACKOFF_CAP for s in SLEPT)  # jittered waits


def test_conflicts_are_retried_past_the_collision_budget_but_not_forever():
    script = Script([Conflict] * (WRITE_ATTEMPTS + 3) + ["ok"])
    written = write_with_retry(0, script.draft, script.write, refresh=lambda s, d: s + 1)
    assert written.result is not None and written.draft[0] == WRITE_ATTEMPTS + 3
    endless = Script([Conflict] * (CONFLICT_ATTEMPTS + 5))
    with pytest.raises(Contention):
        write_with_retry(0, endless.draft, endless.write, refresh=lambda s, d: s + 1)
    assert len(endless.writes) == CONFLICT_ATTEMPTS


def test_conflicts_stop_when_the_deadline_leaves_no_room_for_a_wait():
    script = Script([Conflict] * 10 + ["ok"])
    with deadline.scope(0.0), pytest.raises(Contention):
        write_with_retry(0, script.draft, script.write, refresh=lambda s, d: s + 1)
    assert len(script.writes) == 1


def test_the_landed_probe_retries_within_the_deadline():
    class FlakyThenUp(InMemoryStore):
        outages = 3

        def find_token(self, token_hash):
            if self.outages:
                self.outages -= 1
                raise Unavailable()
            return super().find_token(token_hash)

    store = FlakyThenUp()
    mine = record(id=1)
    store.create_authorization(mine)
    assert not token_landed(store, mine)  # outside a request: one read only
    store.outages = 3
    with deadline.scope(30.0):
        assert token_landed(store, mine)  # three outages, then the answer
    store.outages = 100
    with deadline.scope(30.0):
        assert not token_landed(store, mine)  # never answered: probes are bounded
    store.outages = 3
    with deadline.scope(0.0):
        assert not token_landed(store, mine)  # no time left for a second read


def test_a_conflict_with_our_own_write_stored_is_a_success():
    script = Script([Conflict, "ok"])
    written = write_with_retry(7, script.draft, script.write, refresh=lambda s, d: STORED)
    assert written == Written((7, 0), None) and len(script.writes) == 1


def test_a_refresh_that_refuses_ends_the_loop():
    class Gone(Exception):
        pass

    def refresh(state: int, drafted: tuple[int, int]) -> int:
        raise Gone()

    with pytest.raises(Gone):
        write_with_retry(7, Script([Conflict, "ok"]).draft, Script([Conflict, "ok"]).write, refresh=refresh)


OUTCOMES = st.sampled_from(["ok", IdCollision, Conflict, Unavailable])


@given(answers=st.lists(OUTCOMES, min_size=1, max_size=12), landed=st.booleans(), attempts=st.integers(1, 6))
def test_the_protocol_against_a_model(answers, landed, attempts):
    """Whatever the store answers: a success is the last draft written; IdCollision is retried up to
    ``attempts`` times and Conflict from the refreshed state; Unavailable ends the loop unless the
    write landed."""
    script = Script([*answers, "ok"])
    try:
        written = write_with_retry(
            0, script.draft, script.write, refresh=lambda s, d: s + 1, landed=lambda d: landed, attempts=attempts
        )
    except Unavailable:
        written = "unavailable"
    # The model: walk the answers.
    state, collisions, expected = 0, 0, None
    for number, answer in enumerate(script.answers):
        if answer == "ok":
            expected = Written((state, number), f"stored {(state, number)}")
            break
        if answer is Unavailable:
            expected = Written((state, number), None) if landed else "unavailable"
            break
        if answer is Conflict:
            state += 1
        if answer is IdCollision:
            collisions += 1
            if collisions == attempts:
                expected = "unavailable"
                break
    assert written == expected
    assert len(script.writes) == len(script.drafts)


def test_token_landed_finds_the_record_by_its_new_token():
    store = InMemoryStore()
    mine = record(id=1, hashed_token="a" * 64)
    assert not token_landed(store, mine)  # nothing stored
    store.create_authorization(mine)
    assert token_landed(store, mine)
    other = record(id=2, hashed_token="a" * 64, fingerprint="other")
    assert not token_landed(store, other)  # that token is held by another authorization


def test_token_landed_is_false_while_the_database_fails():
    class Down(InMemoryStore):
        def find_token(self, token_hash):
            raise Unavailable()

    assert not token_landed(Down(), record(id=1))


def test_backoff_is_full_jitter_under_a_doubling_capped_envelope(monkeypatch):
    monkeypatch.setattr(retry, "random", SimpleNamespace(random=lambda: 1.0))  # the top of the jitter
    envelope = [retry.backoff_seconds(n) for n in range(8)]
    assert envelope == [min(CONFLICT_BACKOFF_CAP, CONFLICT_BACKOFF_BASE * 2**n) for n in range(8)]
    assert envelope[:5] == [0.01, 0.02, 0.04, 0.08, 0.16] and envelope[5:] == [0.25] * 3
    monkeypatch.setattr(retry, "random", SimpleNamespace(random=lambda: 0.0))
    assert retry.backoff_seconds(5) == 0.0  # the bottom of the jitter
