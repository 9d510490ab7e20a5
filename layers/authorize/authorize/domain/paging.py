"""Page requests and pages of results (GitHub's ``page``/``per_page``, behaviour.md §10)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page:
    number: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def slice(self, items: Sequence[T]) -> list[T]:
        start = (self.number - 1) * self.per_page
        return list(items[start : start + self.per_page])

    def last(self, total: int) -> int:
        return max(1, -(-total // self.per_page))


@dataclass(frozen=True)
class Paged(Generic[T]):
    """One page of a longer list, with what a ``Link`` header needs to point at the others."""

    items: list[T]
    page: Page
    total: int

    @classmethod
    def of(cls, items: Sequence[T], page: Page) -> Paged[T]:
        return cls(page.slice(items), page, len(items))
