"""What every use case is given: the store, the settings, a clock, the password verifier, the TOTP sealer."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..domain.passwords import PasswordVerifier
from ..domain.records import AuthorizationRecord
from ..domain.totp import TotpSealer
from ..ports import AuthorizationStore
from ..settings import Settings


@dataclass
class Deps:  # not frozen: tests move the clock of a running handler
    store: AuthorizationStore
    settings: Settings
    passwords: PasswordVerifier
    sealer: TotpSealer
    clock: Callable[[], float] = time.time

    def now(self) -> datetime:
        return datetime.fromtimestamp(int(self.clock()), UTC)

    def live(self, record: AuthorizationRecord | None) -> AuthorizationRecord | None:
        """None for a missing or expired authorization (TTL purges expired items only eventually)."""
        return None if record is None or record.expired(self.clock()) else record
