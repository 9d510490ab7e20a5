"""In-memory store: the port's semantics without a database, for fast domain tests."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from authorize.adapters.dynamodb.keys import app_authorization_sk, authorization_sk
from authorize.domain.records import AppRecord, AuthorizationRecord, UserRecord
from authorize.ports import (
    ActorRefused,
    AlreadyExists,
    AuthorizationKey,
    AuthorizationStore,
    Conflict,
    IdCollision,
    LoginContext,
)

Key = tuple[int, str]
KEY_BYTES = 2048  # the most a DynamoDB partition key holds: the table refuses a longer one


def key_of(record: AuthorizationRecord) -> Key:
    """The uniqueness key, as the table spells it: the fake and the adapter cannot disagree on it."""
    return (record.user_id, authorization_sk(record))


class InMemoryStore(AuthorizationStore):
    def __init__(self) -> None:
        self.users: dict[str, UserRecord] = {}
        self.apps: dict[str, AppRecord] = {}
        self.failures: dict[tuple[str, int], int] = {}
        self.failures_expire: dict[tuple[str, int], int] = {}  # when the table's TTL would purge a counter
        self.by_key: dict[Key, AuthorizationRecord] = {}
        self.used_ids: set[int] = set()
        self._next_user = 0
        self._lock = threading.RLock()
        self.calls: list[str] = []
        # Users stored before users were kept by id too: the table has only their login item, so get_owner
        # finds them by its login hint alone; their next write adds the id item (as replace_user does).
        self.legacy_ids: set[int] = set()

    # --- reads ---------------------------------------------------------------------------------

    def _by_id(self, authorization_id: int | None) -> AuthorizationRecord | None:
        return next((r for r in self.by_key.values() if r.id == authorization_id), None)

    def _app(self, client_id: str | None) -> AppRecord | None:
        if client_id and len(f"APP#{client_id}".encode()) > KEY_BYTES:
            raise ValueError("DynamoDB refuses a partition key over 2048 bytes")
        return self.apps.get(client_id) if client_id else None

    def _by_token(self, token_hash: str | None) -> AuthorizationRecord | None:
        return next((r for r in self.by_key.values() if r.hashed_token == token_hash), None)

    def load_login_context(
        self,
        login: str,
        client_id: str | None,
        window_start: int,
        *,
        authorization_id: int | None = None,
        token_hash: str | None = None,
        keyed: AuthorizationKey | None = None,
    ) -> LoginContext:
        self.calls.append("load_login_context")
        with self._lock:
            return LoginContext(
                user=self.users.get(login.lower()),
                app=self._app(client_id),
                failed_logins=self.failures.get((login.lower(), window_start), 0),
                authorization=self._by_id(authorization_id),
                password_token=self._by_token(token_hash),
                keyed=self._by_keyed(keyed),
            )

    def _by_keyed(self, key: AuthorizationKey | None) -> AuthorizationRecord | None:
        if key is None:
            return None
        return self.by_key.get((key.user_id, app_authorization_sk(key.client_id, key.fingerprint)))

    def load_app_token(self, client_id: str, token_hash: str) -> tuple[AppRecord | None, AuthorizationRecord | None]:
        self.calls.append("load_app_token")
        with self._lock:
            return self._app(client_id), self._by_token(token_hash)

    def get_authorization(self, authorization_id: int) -> AuthorizationRecord | None:
        self.calls.append("get_authorization")
        with self._lock:
            return self._by_id(authorization_id)

    def find_token(self, token_hash: str) -> AuthorizationRecord | None:
        self.calls.append("find_token")
        with self._lock:
            return self._by_token(token_hash)

    def find_tokens(self, token_hashes: Sequence[str]) -> list[AuthorizationRecord]:
        self.calls.append("find_tokens")
        with self._lock:
            wanted = set(token_hashes)
            return [r for r in self.by_key.values() if r.hashed_token in wanted]

    def list_authorizations(self, user_id: int) -> list[AuthorizationRecord]:
        self.calls.append("list_authorizations")
        with self._lock:
            return [r for r in self.by_key.values() if r.user_id == user_id]

    # --- writes --------------------------------------------------------------------------------

    def reserve_attempt(self, login: str, window_start: int, expires_at: int, max_failures: int) -> bool:
        self.calls.append("reserve_attempt")
        with self._lock:
            key = (login.lower(), window_start)
            if self.failures.get(key, 0) >= max_failures:
                return False
            self.failures[key] = self.failures.get(key, 0) + 1
            self.failures_expire[key] = expires_at
            return True

    def count_request(self, bucket: str, window_start: int, expires_at: int, limit: int) -> bool:
        self.calls.append("count_request")
        with self._lock:
            key = (f"rate:{bucket}", window_start)
            if self.failures.get(key, 0) >= limit:
                return False
            self.failures[key] = self.failures.get(key, 0) + 1
            self.failures_expire[key] = expires_at
            return True

    def release_attempt(self, login: str, window_start: int) -> None:
        self.calls.append("release_attempt")
        with self._lock:
            key = (login.lower(), window_start)
            if self.failures.get(key, 0) == 1:
                del self.failures[key]
            elif self.failures.get(key, 0) > 1:
                self.failures[key] -= 1

    def _check_new(self, new: AuthorizationRecord) -> None:
        if new.id in self.used_ids or self._by_token(new.hashed_token) is not None:
            raise IdCollision()

    def get_or_create_authorization(
        self, new: AuthorizationRecord, now: int | None = None
    ) -> tuple[AuthorizationRecord, bool]:
        self.calls.append("get_or_create_authorization")
        with self._lock:
            existing = self.by_key.get(key_of(new))
            if existing is not None and not (now is not None and existing.expired(now)):
                return existing, False
            self._check_new(new)
            self.by_key[key_of(new)] = new
            self.used_ids.add(new.id)
            return new, True

    def create_authorization(self, new: AuthorizationRecord) -> None:
        self.calls.append("create_authorization")
        with self._lock:
            if key_of(new) in self.by_key:
                raise AlreadyExists()
            self._check_new(new)
            self.by_key[key_of(new)] = new
            self.used_ids.add(new.id)

    def replace_authorization(self, old: AuthorizationRecord, new: AuthorizationRecord) -> None:
        self.calls.append("replace_authorization")
        with self._lock:
            if self.by_key.get(key_of(old)) != old:
                raise Conflict()
            if key_of(new) != key_of(old) and key_of(new) in self.by_key:
                raise AlreadyExists()
            if new.hashed_token != old.hashed_token and self._by_token(new.hashed_token) is not None:
                raise IdCollision()
            del self.by_key[key_of(old)]
            self.by_key[key_of(new)] = new

    def delete_authorizations(self, records: Sequence[AuthorizationRecord]) -> None:
        self.calls.append("delete_authorizations")
        with self._lock:
            if any(self.by_key.get(key_of(r)) != r for r in records):
                raise Conflict()
            for r in records:
                del self.by_key[key_of(r)]

    def allocate_user_id(self) -> int:
        with self._lock:
            self._next_user += 1
            return self._next_user

    def _email_owner(self, email: str | None) -> int | None:
        return next((u.id for u in self.users.values() if email and (u.email or "").lower() == email.lower()), None)

    def put_user(self, user: UserRecord) -> None:
        with self._lock:
            if user.login.lower() in self.users:
                raise AlreadyExists("login")
            if self._email_owner(user.email) is not None:
                raise AlreadyExists("email")
            self.users[user.login.lower()] = user

    def get_user(self, login: str) -> UserRecord | None:
        self.calls.append("get_user")
        if len(f"USER#{login.lower()}".encode()) > KEY_BYTES:
            raise ValueError("DynamoDB refuses a partition key over 2048 bytes")
        with self._lock:
            return self.users.get(login.lower())

    def get_owner(
        self, user_id: int, login_hint: str, client_id: str | None = None
    ) -> tuple[UserRecord | None, AppRecord | None]:
        self.calls.append("get_owner")
        with self._lock:
            by_login = self.users.get(login_hint.lower())  # read in the same batch as the id item
            user = next((u for u in self.users.values() if u.id == user_id and u.id not in self.legacy_ids), None)
            if user is None and by_login is not None and by_login.id == user_id:
                user = by_login
            return user, self._app(client_id)

    def list_users(self) -> list[UserRecord]:
        with self._lock:
            return sorted(self.users.values(), key=lambda u: u.login.lower())

    def replace_user(self, old: UserRecord, new: UserRecord, *, actor: UserRecord | None = None) -> None:
        self.calls.append("replace_user")
        with self._lock:
            if self.users.get(old.login.lower()) != old:
                raise Conflict()
            if new.login.lower() != old.login.lower() and new.login.lower() in self.users:
                raise AlreadyExists("login")
            if self._email_owner(new.email) not in (None, old.id):
                raise AlreadyExists("email")
            if actor is not None and actor.id != old.id:
                current = self.users.get(actor.login.lower())
                if current is None or not current.site_admin or not current.active:
                    raise ActorRefused()
            del self.users[old.login.lower()]
            self.users[new.login.lower()] = new
            self.legacy_ids.discard(new.id)

    def delete_user(self, user: UserRecord) -> None:
        with self._lock:
            if self.users.get(user.login.lower()) != user:
                raise Conflict()
            del self.users[user.login.lower()]

    def clear_failed_logins(self, login: str) -> int:
        with self._lock:
            windows = [key for key in self.failures if key[0] == login.lower()]
            for key in windows:
                del self.failures[key]
            return len(windows)

    def get_app(self, client_id: str) -> AppRecord | None:
        with self._lock:
            return self._app(client_id)

    def list_apps(self) -> list[AppRecord]:
        with self._lock:
            return sorted(self.apps.values(), key=lambda a: a.created_at)

    def replace_app(self, old: AppRecord, new: AppRecord) -> None:
        with self._lock:
            if self.apps.get(old.client_id) != old:
                raise Conflict()
            self.apps[new.client_id] = new

    def delete_app(self, app: AppRecord) -> None:
        with self._lock:
            if self.apps.get(app.client_id) != app:
                raise Conflict()
            del self.apps[app.client_id]

    def app_authorizations(self, client_id: str) -> list[AuthorizationRecord]:
        with self._lock:
            return [r for r in self.by_key.values() if r.client_id == client_id]

    def put_app(self, app: AppRecord) -> None:
        with self._lock:
            if app.client_id in self.apps:
                raise AlreadyExists()
            self.apps[app.client_id] = app
