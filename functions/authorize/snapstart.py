"""Lambda SnapStart runtime hooks, registered only where the function is initialised for a snapshot.

With SnapStart, Lambda runs the init phase once per published version, snapshots the process and
starts every new execution environment from a copy of that snapshot. So, before the snapshot, the
container builds its use cases (the botocore client: service model loaded, no connection opened) to
have them in the snapshot; and after each restore it re-seeds what must differ between clones
(docs/performance.md, "SnapStart"). Lambda sets ``AWS_LAMBDA_INITIALIZATION_TYPE=snap-start`` for
such an init; anywhere else nothing is imported or registered.
"""

from __future__ import annotations

import os
from collections.abc import Callable


def snapshotting(env: dict[str, str] | None = None) -> bool:
    return (os.environ if env is None else env).get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start"


def install(before_snapshot: Callable[[], object], after_restore: Callable[[], object]) -> bool:
    """Register the hooks with the runtime's ``snapshot_restore_py``; False where there is no snapshot."""
    if not snapshotting():
        return False
    from snapshot_restore_py import (  # in the Lambda runtime
        register_after_restore,
        register_before_snapshot,
    )

    register_before_snapshot(before_snapshot)
    register_after_restore(after_restore)
    return True
