"""GitHub pagination on the wire: ``page``/``per_page`` query parameters and the ``Link`` header."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from ..domain.paging import DEFAULT_PER_PAGE, MAX_PER_PAGE, Page


def _positive_int(value: str | None) -> int | None:
    # ASCII digits only: str.isdigit() also accepts superscripts (int() rejects them) and other scripts.
    if value is None or not value.strip().isascii() or not value.strip().isdigit():
        return None
    number = int(value.strip()[:12])
    return number if number >= 1 else None


def page_from_query(query: Mapping[str, str]) -> Page:
    per_page = _positive_int(query.get("per_page")) or DEFAULT_PER_PAGE
    return Page(number=_positive_int(query.get("page")) or 1, per_page=min(per_page, MAX_PER_PAGE))


def link_header(url: str, query: Mapping[str, str], page: Page, total: int) -> str | None:
    """``<url?page=n>; rel="…"`` entries in GitHub's order (prev, next, last, first); None on one page."""
    last = page.last(total)
    if last <= 1:
        return None

    def href(number: int) -> str:
        params = {k: v for k, v in query.items() if k != "page"}
        params["page"] = str(number)
        # surrogatepass: a lone surrogate in another parameter is echoed percent-encoded, not a 500.
        return f"<{url}?{urlencode(params, errors='surrogatepass')}>"

    links: list[str] = []
    if page.number > 1:
        links.append(f'{href(min(page.number - 1, last))}; rel="prev"')
    if page.number < last:
        links.append(f'{href(page.number + 1)}; rel="next"')
        links.append(f'{href(last)}; rel="last"')
    if page.number > 1:
        links.append(f'{href(1)}; rel="first"')
    return ", ".join(links)
