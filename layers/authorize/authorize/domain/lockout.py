"""The failed-login limit: at most ``max_failures`` failures per login in each fixed window."""

from __future__ import annotations

from dataclasses import dataclass

# The counter item outlives its window a little, so a read at the window's very end still sees it;
# the table's TTL purges it afterwards.
COUNTER_GRACE_SECONDS = 60


@dataclass(frozen=True)
class Window:
    start: int
    end: int

    @classmethod
    def containing(cls, now: float, seconds: int) -> Window:
        moment = int(now)
        start = moment - moment % seconds
        return cls(start, start + seconds)

    @property
    def counter_expires(self) -> int:
        return self.end + COUNTER_GRACE_SECONDS
