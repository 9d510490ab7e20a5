"""Pagination (behaviour.md §10): page/per_page as GitHub read them, and the Link header they lead to."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from authorize.domain.paging import DEFAULT_PER_PAGE, MAX_PER_PAGE, Page, Paged
from authorize.github.pagination import link_header, page_from_query

URL = "https://api.example.com/authorizations"
LINK = re.compile(r'^<([^>]*)>; rel="(prev|next|last|first)"$')


def links(header: str | None) -> list[tuple[str, dict[str, list[str]]]]:
    """(rel, query) of each entry, in header order; the entries are ", "-separated."""
    assert header is not None
    out = []
    for entry in header.split(", "):
        match = LINK.match(entry)
        assert match, entry
        url = urlsplit(match[1])
        assert f"{url.scheme}://{url.netloc}{url.path}" == URL
        out.append((match[2], parse_qs(url.query)))
    return out


def pages_of(header: str | None) -> list[tuple[str, str]]:
    return [(rel, query["page"][0]) for rel, query in links(header)]


def test_defaults():
    assert page_from_query({}) == Page(1, DEFAULT_PER_PAGE) == Page(1, 30)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"page": "3", "per_page": "7"}, Page(3, 7)),
        ({"page": " 2 ", "per_page": " 5\n"}, Page(2, 5)),
        ({"per_page": "100"}, Page(1, 100)),
        ({"per_page": "101"}, Page(1, MAX_PER_PAGE)),
        ({"per_page": "1"}, Page(1, 1)),
        ({"page": "1"}, Page(1, 30)),
    ],
)
def test_page_and_per_page_are_read(query, expected):
    assert page_from_query(query) == expected


@pytest.mark.parametrize("bad", ["0", "-1", "", " ", "two", "1.5", "1e3", "+2", "²", "٣", "0x10"])
def test_values_that_are_not_positive_integers_fall_back_to_the_defaults(bad):
    assert page_from_query({"page": bad, "per_page": bad}) == Page(1, DEFAULT_PER_PAGE)


def test_huge_numbers_neither_crash_nor_pass_the_maximum():
    # Past 4300 digits int() refuses a string outright; such a value must still be a page request.
    page = page_from_query({"page": "9" * 5000, "per_page": "9" * 5000})
    assert page.per_page == MAX_PER_PAGE and page.number > 10**9
    assert page.slice(list(range(1000))) == []


def test_slice_and_last():
    items = list(range(1, 8))
    assert Page(1, 3).slice(items) == [1, 2, 3]
    assert Page(3, 3).slice(items) == [7]
    assert Page(4, 3).slice(items) == []
    assert [Page(1, 3).last(n) for n in (0, 1, 3, 4, 6, 7)] == [1, 1, 1, 2, 2, 3]
    paged = Paged.of(items, Page(2, 3))
    assert (paged.items, paged.total, paged.page) == ([4, 5, 6], 7, Page(2, 3))


def test_one_page_has_no_link_header():
    assert link_header(URL, {}, Page(1, 30), 0) is None
    assert link_header(URL, {}, Page(1, 30), 30) is None
    assert link_header(URL, {"page": "5"}, Page(5, 30), 30) is None


def test_first_page_links_next_and_last():
    # As recorded: <…?page=2>; rel="next", <…?page=2>; rel="last"
    assert link_header(URL, {}, Page(1, 30), 31) == f'<{URL}?page=2>; rel="next", <{URL}?page=2>; rel="last"'


def test_middle_page_links_all_four_in_githubs_order():
    assert pages_of(link_header(URL, {"page": "2"}, Page(2, 2), 7)) == [
        ("prev", "1"),
        ("next", "3"),
        ("last", "4"),
        ("first", "1"),
    ]


def test_last_page_links_prev_and_first():
    assert pages_of(link_header(URL, {"page": "4"}, Page(4, 2), 7)) == [("prev", "3"), ("first", "1")]


def test_past_the_end_prev_points_at_the_last_page():
    assert pages_of(link_header(URL, {"page": "9"}, Page(9, 2), 7)) == [("prev", "4"), ("first", "1")]


def test_links_keep_the_other_parameters_and_change_only_page():
    query = {"per_page": "2", "client_id": "abc", "page": "2"}
    for _, params in links(link_header(URL, query, Page(2, 2), 7)):
        assert params["per_page"] == ["2"] and params["client_id"] == ["abc"] and len(params["page"]) == 1


def test_following_next_walks_every_page_once():
    seen, page = [], Page(1, 3)
    items = list(range(10))
    while True:
        seen += page.slice(items)
        following = dict(pages_of(link_header(URL, {}, page, len(items))))
        if "next" not in following:
            break
        page = page_from_query({"page": following["next"], "per_page": "3"})
    assert seen == items


def test_a_lone_surrogate_in_another_parameter_is_echoed_percent_encoded():
    header = link_header(URL, {"client_id": "\ud800", "page": "1"}, Page(1, 1), 2)
    assert header == f'<{URL}?client_id=%ED%A0%80&page=2>; rel="next", <{URL}?client_id=%ED%A0%80&page=2>; rel="last"'
