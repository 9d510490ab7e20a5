"""The one write-retry protocol: draw a write, try it, and decide what each refusal means.

Every writer (get-or-create, create, update, reset, delete) is a loop of the same shape:

- ``IdCollision``: a freshly drawn id or token hash is taken: draw the write again.
- ``Conflict``: what the write was based on changed meanwhile: ``refresh`` reads it again and says
  whether our own write is what is stored now (an earlier attempt whose answer was lost: done) or
  gives the new state to base the next draw on. No ``refresh``: the conflict is not retried.
- ``Unavailable``: the write went unanswered: ``landed`` checks whether it committed after all
  (then it is a success: a client that never got its plaintext token could not ask again). Without
  ``landed``, or when it did not land, the answer stays ``Unavailable``.
- Conflicts are retried after a jittered backoff, as long as the request's deadline allows; when
  they still lose, ``Contention``. Collisions are retried at once, at most ``attempts`` times.

An unanswered write is checked with ``confirmed`` (``token_landed``, ``deletions_landed``): reads, with
backoff, for as long as the deadline allows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .. import deadline
from ..domain.exceptions import Contention, Unavailable
from ..domain.records import AuthorizationRecord
from ..ports import AuthorizationStore, Conflict, IdCollision

WRITE_ATTEMPTS = 5  # draws after id or token collisions (each one in ~2**-12 on a busy millisecond)
# Conflicts: how long to wait before drawing again (jittered), and how often at most outside a deadline.
CONFLICT_BACKOFF_BASE = 0.01
CONFLICT_BACKOFF_CAP = 0.25
CONFLICT_ATTEMPTS = 40
LANDED_PROBES = 8
sleep = time.sleep  # tests replace it


def backoff_seconds(retry: int) -> float:
    """Full jitter: a random wait up to base * 2**retry, capped."""
    return random.random() * min(CONFLICT_BACKOFF_CAP, CONFLICT_BACKOFF_BASE * 2**retry)  # noqa: S311 - jitter


def _pause(retry: int) -> bool:
    """Sleep before retry number ``retry`` if the deadline leaves room for it (and a little work)."""
    wait = backoff_seconds(retry)
    if not deadline.allows(wait + CONFLICT_BACKOFF_CAP):
        return False
    sleep(wait)
    return True


S = TypeVar("S")  # what a write is drawn from (the record as read, the caller's input)
D = TypeVar("D")  # the write drawn: a record to store, with its plaintext token when it has one
R = TypeVar("R")  # what the store answered


class Stored:
    """``refresh``'s answer when our own write is what the store holds now."""


STORED = Stored()


@dataclass(frozen=True)
class Written(Generic[D, R]):
    draft: D
    result: R | None  # None when the write was found to have landed rather than answered


def write_with_retry(
    state: S,
    draft: Callable[[S], D],
    write: Callable[[D], R],
    *,
    refresh: Callable[[S, D], S | Stored] | None = None,
    landed: Callable[[D], bool] | None = None,
    attempts: int = WRITE_ATTEMPTS,
) -> Written[D, R]:
    collisions = conflicts = 0
    while collisions < attempts:
        drafted = draft(state)
        try:
            return Written(drafted, write(drafted))
        except IdCollision:
            collisions += 1
        except Unavailable:
            if landed is not None and landed(drafted):
                return Written(drafted, None)
            raise
        except Conflict:
            if refresh is None:
                raise Contention("write conflict not retried") from None
            fresh = refresh(state, drafted)
            if isinstance(fresh, Stored):
                return Written(drafted, None)
            state = fresh
            conflicts += 1
            if conflicts >= CONFLICT_ATTEMPTS or not _pause(conflicts):
                raise Contention("write conflicts persisted") from None
    raise Unavailable("write attempts exhausted")


def confirmed(check: Callable[[], bool]) -> bool:
    """After a write that went unanswered: does ``check`` (a read) find it committed?

    While the database still fails, read again after a backoff, as long as the request's deadline
    allows (once outside a request). A write never confirmed counts as not landed.
    """
    for probe in range(LANDED_PROBES):
        try:
            return check()
        except Unavailable:
            if deadline.remaining() is None or not _pause(probe + 3):
                return False
    return False


def token_landed(store: AuthorizationStore, record: AuthorizationRecord) -> bool:
    """Does the store hold ``record`` under its new token? (One read by token hash a probe.)"""

    def check() -> bool:
        stored = store.find_token(record.hashed_token)
        return stored is not None and stored.id == record.id

    return confirmed(check)


def deletions_landed(store: AuthorizationStore, records: Sequence[AuthorizationRecord]) -> bool:
    """Are all of ``records`` gone (deleted by us, or by someone else meanwhile: the same outcome)?"""
    return confirmed(lambda: all(store.get_authorization(r.id) is None for r in records))
