"""The one write-retry protocol: draw a write, try it, and decide what each refusal means.

Every writer (get-or-create, create, update, reset, delete) is a loop of the same shape:

- ``IdCollision``: a freshly drawn id or token hash is taken: draw the write again.
- ``Conflict``: what the write was based on changed meanwhile: ``refresh`` reads it again and says
  whether our own write is what is stored now (an earlier attempt whose answer was lost: done) or
  gives the new state to base the next draw on. No ``refresh``: the conflict is not retried.
- ``Unavailable``: the write went unanswered: ``landed`` checks whether it committed after all
  (then it is a success: a client that never got its plaintext token could not ask again). Without
  ``landed``, or when it did not land, the answer stays ``Unavailable``.
- Attempts exhausted: ``Unavailable``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..domain.exceptions import Unavailable
from ..domain.records import AuthorizationRecord
from ..ports import AuthorizationStore, Conflict, IdCollision

WRITE_ATTEMPTS = 5

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
    for _ in range(attempts):
        drafted = draft(state)
        try:
            return Written(drafted, write(drafted))
        except IdCollision:
            continue
        except Unavailable:
            if landed is not None and landed(drafted):
                return Written(drafted, None)
            raise
        except Conflict:
            if refresh is None:
                raise Unavailable("write conflict not retried") from None
            fresh = refresh(state, drafted)
            if isinstance(fresh, Stored):
                return Written(drafted, None)
            state = fresh
    raise Unavailable("write attempts exhausted")


def token_landed(store: AuthorizationStore, record: AuthorizationRecord) -> bool:
    """After a write that went unanswered: does the store hold ``record`` under its new token?

    One read by token hash; if the database still fails, the write counts as not landed.
    """
    try:
        stored = store.find_token(record.hashed_token)
    except Unavailable:
        return False
    return stored is not None and stored.id == record.id
