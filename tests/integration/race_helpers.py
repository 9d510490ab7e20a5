"""Helpers for the race tests (test_races.py): timed HTTP calls from many threads, a bounded concurrent
runner, a full-table check of the authorization items and their copies, and a fix for moto's
handling of retried transactions."""

from __future__ import annotations

import contextlib
import hashlib
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import requests
from authorize.adapters.dynamodb.codec import from_item

_T = TypeVar("_T")

REQUEST_TIMEOUT = 60.0
RETRIES_AFTER_503 = 5
# Attributes the store adds to an item besides the record's own fields.
_ITEM_ONLY = {"pk", "sk", "kind", "auth_sk", "ttl", "deleted"}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def fresh_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# --- HTTP -----------------------------------------------------------------------------------------


@dataclass
class Answer:
    """One HTTP exchange, with when it started and ended (monotonic seconds)."""

    method: str
    path: str
    status: int
    body: Any
    headers: dict[str, str]
    started: float
    ended: float
    tag: dict[str, Any] = field(default_factory=dict)
    unavailable: int = 0  # 503 + Retry-After answers before this one, each waited out and retried

    def overlaps(self, other: Answer) -> bool:
        return self.started < other.ended and other.started < self.ended

    def describe(self) -> str:
        return f"{self.method} {self.path} -> {self.status} {self.body!r:.300}"


class Http:
    """Calls against one base URL; each client thread keeps its own ``requests.Session``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def call(
        self,
        method: str,
        path: str,
        *,
        auth: tuple[str, str] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        **tag: Any,
    ) -> Answer:
        """One request, as a real client makes it: a 503 with ``Retry-After`` is waited out and sent again
        (up to ``RETRIES_AFTER_503`` times; the last answer stands). The waits are counted, not judged:
        a slow machine may see more of them, the tests' invariants must hold regardless."""
        started = time.monotonic()
        for unavailable in range(RETRIES_AFTER_503 + 1):
            response = self._session().request(
                method, self.base_url + path, auth=auth, json=json, headers=headers, timeout=REQUEST_TIMEOUT
            )
            retry_after = response.headers.get("Retry-After", "")
            if response.status_code != 503 or not retry_after.isdigit() or unavailable == RETRIES_AFTER_503:
                break
            time.sleep(min(int(retry_after), 5) * (1 + random.random()))
        ended = time.monotonic()
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = response.text
        answer = Answer(method, path, response.status_code, body, dict(response.headers), started, ended, tag)
        answer.unavailable = unavailable
        return answer


def run_concurrently(jobs: Sequence[Callable[[], _T]], *, threads: int = 32, budget: float = 90.0) -> list[_T]:
    """Run every job on a pool of ``threads`` client threads; results in job order.

    Fails (instead of hanging) when the jobs have not all finished within ``budget`` seconds.
    """
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="race-client")
    try:
        futures = [pool.submit(job) for job in jobs]
        done, pending = wait(futures, timeout=budget, return_when=FIRST_EXCEPTION)
        for future in done:
            future.result()  # re-raise the first client-side failure, if any
        if pending:
            raise AssertionError(f"{len(pending)} of {len(jobs)} requests still running after {budget:.0f}s")
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def server_errors(answers: Iterable[Answer]) -> list[str]:
    return [answer.describe() for answer in answers if answer.status >= 500]


def assert_no_server_errors(answers: Iterable[Answer]) -> None:
    errors = server_errors(answers)
    assert not errors, f"{len(errors)} answers were 5xx, e.g.: {errors[:5]}"


def unavailable_count(answers: Iterable[Answer]) -> int:
    """How many 503 + Retry-After answers the clients waited out: a figure for the report."""
    return sum(a.unavailable for a in answers)


def assert_statuses(answers: Iterable[Answer], allowed: set[int]) -> None:
    unexpected = [answer.describe() for answer in answers if answer.status not in allowed]
    assert not unexpected, f"{len(unexpected)} answers outside {sorted(allowed)}, e.g.: {unexpected[:5]}"


# --- the table ------------------------------------------------------------------------------------


def scan_table(client: Any, table: str) -> list[dict[str, Any]]:
    """Every item of the table, strongly consistent, decoded to plain values."""
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        page = client.scan(**kwargs)
        items.extend(from_item(item) for item in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _record(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in _ITEM_ONLY}


@dataclass
class TableState:
    """The authorizations in the table, after checking that every copy agrees with its original."""

    live: dict[tuple[str, str], dict[str, Any]]  # (pk, sk) of the AUTHS# item -> its record
    tombstones: dict[int, dict[str, Any]]  # id -> AUTHID# guard left by a delete
    counts: dict[str, int]

    def live_for_user(self, user_id: int) -> dict[str, dict[str, Any]]:
        """sk -> record for one user's live authorizations."""
        return {sk: rec for (pk, sk), rec in self.live.items() if pk == f"AUTHS#{user_id}"}

    @property
    def live_ids(self) -> set[int]:
        return {rec["id"] for rec in self.live.values()}


def check_table(client: Any, table: str) -> TableState:
    """Scan the table and check the authorization items' invariants (dynamodb_store.py's layout):

    * every AUTHS# item has a TOKEN#<its hashed_token> copy and a live AUTHID#<its id> guard, both
      identical to it (same revision, hash, scopes, ...);
    * every TOKEN# copy and every live AUTHID# guard points (user_id + auth_sk) at an AUTHS# item with
      the same id, revision and hash: no orphans;
    * every other AUTHID# guard is a tombstone (``deleted``, no record fields) for an id no live
      authorization has;
    * ids and token hashes are unique among live authorizations.
    """
    items = scan_table(client, table)
    originals: dict[tuple[str, str], dict[str, Any]] = {}
    tokens: dict[str, dict[str, Any]] = {}
    guards: dict[int, dict[str, Any]] = {}
    problems: list[str] = []
    for item in items:
        pk, sk = item["pk"], item["sk"]
        if pk.startswith("AUTHS#"):
            if item.get("kind") != "authorization":
                problems.append(f"{pk}/{sk}: kind {item.get('kind')!r}")
            originals[(pk, sk)] = item
        elif pk.startswith("TOKEN#"):
            if sk != "TOKEN" or item.get("kind") != "token" or pk != f"TOKEN#{item.get('hashed_token')}":
                problems.append(f"{pk}/{sk}: malformed token copy {item!r:.200}")
            tokens[pk.removeprefix("TOKEN#")] = item
        elif pk.startswith("AUTHID#"):
            guards[int(pk.removeprefix("AUTHID#"))] = item

    by_id: dict[int, tuple[str, str]] = {}
    by_hash: dict[str, tuple[str, str]] = {}
    for key, item in originals.items():
        record = _record(item)
        if key[0] != f"AUTHS#{record['user_id']}":
            problems.append(f"{key}: user_id {record['user_id']} does not match the key")
        if key[1] != item.get("auth_sk"):
            problems.append(f"{key}: auth_sk {item.get('auth_sk')!r} does not match the key")
        if record["id"] in by_id:
            problems.append(f"id {record['id']} held by {by_id[record['id']]} and {key}")
        if record["hashed_token"] in by_hash:
            problems.append(f"hash {record['hashed_token']} held by {by_hash[record['hashed_token']]} and {key}")
        by_id[record["id"]] = key
        by_hash[record["hashed_token"]] = key
        token = tokens.get(record["hashed_token"])
        if token is None:
            problems.append(f"{key} (id {record['id']}): no TOKEN# copy")
        elif _record(token) != record or token.get("auth_sk") != key[1]:
            problems.append(f"{key}: TOKEN# copy differs: {_record(token)!r:.300} vs {record!r:.300}")
        guard = guards.get(record["id"])
        if guard is None:
            problems.append(f"{key}: no AUTHID#{record['id']} guard")
        elif guard.get("deleted") or _record(guard) != record or guard.get("auth_sk") != key[1]:
            problems.append(f"{key}: AUTHID# guard differs: {guard!r:.300} vs {record!r:.300}")

    for token_hash, token in tokens.items():
        key = (f"AUTHS#{token.get('user_id')}", str(token.get("auth_sk")))
        original = originals.get(key)
        if original is None or original["hashed_token"] != token_hash:
            problems.append(f"orphan TOKEN#{token_hash} (id {token.get('id')}, revision {token.get('revision')})")
        elif original.get("revision") != token.get("revision") or original["id"] != token.get("id"):
            problems.append(f"TOKEN#{token_hash}: revision/id differ from {key}")

    tombstones: dict[int, dict[str, Any]] = {}
    for guard_id, guard in guards.items():
        if guard.get("sk") != "AUTHID" or guard.get("kind") != "authid":
            problems.append(f"AUTHID#{guard_id}: malformed {guard!r:.200}")
        if guard.get("deleted"):
            if "hashed_token" in guard or guard_id in by_id:
                problems.append(f"AUTHID#{guard_id}: tombstone of a live authorization {guard!r:.200}")
            tombstones[guard_id] = guard
            continue
        key = (f"AUTHS#{guard.get('user_id')}", str(guard.get("auth_sk")))
        original = originals.get(key)
        if original is None or original["id"] != guard_id:
            problems.append(
                f"orphan AUTHID#{guard_id} guard (points at {key}, which holds {original and original['id']})"
            )
        elif original.get("revision") != guard.get("revision") or original["hashed_token"] != guard.get("hashed_token"):
            problems.append(f"AUTHID#{guard_id}: revision/hash differ from {key}")

    assert not problems, f"{len(problems)} table invariant violations, e.g.:\n" + "\n".join(problems[:20])
    live = {key: _record(item) for key, item in originals.items()}
    counts = {
        "items": len(items),
        "authorizations": len(originals),
        "token_copies": len(tokens),
        "id_guards": len(guards) - len(tombstones),
        "tombstones": len(tombstones),
    }
    assert counts["authorizations"] == counts["token_copies"] == counts["id_guards"], counts
    return TableState(live, tombstones, counts)


def clear_authorizations(client: Any, table: str) -> None:
    """Delete every authorization item (AUTHS#, TOKEN#, AUTHID#) straight from the table."""
    keys = [
        {"pk": {"S": item["pk"]}, "sk": {"S": item["sk"]}}
        for item in scan_table(client, table)
        if item["pk"].startswith(("AUTHS#", "TOKEN#", "AUTHID#"))
    ]
    for start in range(0, len(keys), 25):
        request: dict[str, Any] = {table: [{"DeleteRequest": {"Key": key}} for key in keys[start : start + 25]]}
        while request:
            request = client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}


# --- moto -----------------------------------------------------------------------------------------


@contextlib.contextmanager
def moto_honours_client_request_token() -> Iterator[list[str]]:
    """Make the moto server in this process treat a repeated ClientRequestToken as DynamoDB does.

    The store sends a fresh token with every transaction it means to run, and botocore repeats the
    same token when it retries that call (after a read timeout, say). DynamoDB and DynamoDB Local
    answer such a repeat of a committed transaction with success and change nothing; moto ignores the
    token and runs the transaction again, which then fails its own conditions, and the service reads
    that as a lost race (a 404 for a DELETE or reset that did happen). Yields the tokens replayed.
    """
    from moto.core.responses import ActionResult
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.transact_write_items
    committed: set[str] = set()
    replayed: list[str] = []

    def transact_write_items(handler: Any) -> Any:
        token = handler.body.get("ClientRequestToken")
        if token is not None and token in committed:
            replayed.append(token)
            return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
        result = original(handler)  # a cancelled transaction raises: its token may run again
        if token is not None:
            committed.add(token)
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DynamoHandler, "transact_write_items", transact_write_items)
        yield replayed
