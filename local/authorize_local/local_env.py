"""Environment for local runs (make serve, the admin CLI against a local DynamoDB, the tests).

The TOTP sealing key must be the same for every local process that touches one table: a seed sealed
by ``authorize-admin user create --totp`` has to be opened by ``authorize-serve``. So the key lives in
a file, ``.local/totp.key`` (created on first use, mode 0600), unless ``TOTP_ENCRYPTION_KEY`` is set.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTION_DIR = REPO_ROOT / "functions" / "authorize"  # the Lambda's code, imported as the runtime does
KEY_FILE_NAME = "totp.key"
DUMMY_ACCESS_KEY = "local"
DUMMY_SECRET_KEY = "local"  # noqa: S105 - placeholder credentials for a local DynamoDB
DEFAULT_REGION = "us-east-1"
_LOCAL_HOSTS = frozenset({"localhost", "::1", "0.0.0.0", "host.docker.internal"})  # noqa: S104 - names, not binds


def state_dir() -> Path:
    """Where local state (key file, DynamoDB Local log) lives: ``$AUTHORIZE_LOCAL_DIR`` or ``<repo>/.local``."""
    configured = os.environ.get("AUTHORIZE_LOCAL_DIR")
    if configured:
        return Path(configured)
    if (REPO_ROOT / "pyproject.toml").is_file():
        return REPO_ROOT / ".local"
    return Path.cwd() / ".local"


def is_local_endpoint(url: str | None) -> bool:
    """True for a DynamoDB endpoint on this machine (127.0.0.0/8, localhost, ::1)."""
    if not url:
        return False
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return host in _LOCAL_HOSTS or host.startswith("127.") or host.endswith(".localhost")


def _valid_key(text: str) -> bool:
    try:
        return len(base64.b64decode(text.strip(), validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def load_or_create_totp_key(directory: Path | None = None) -> str:
    """The local TOTP key (base64 of 32 random bytes), created once with mode 0600."""
    directory = directory or state_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / KEY_FILE_NAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(base64.b64encode(secrets.token_bytes(32)).decode("ascii") + "\n")
    key = ""
    for _ in range(50):  # another process may have created the file a moment ago and still be writing
        key = path.read_text(encoding="ascii").strip()
        if key:
            break
        time.sleep(0.01)
    if not _valid_key(key):
        raise RuntimeError(f"{path} does not hold a base64-encoded 32-byte key; delete it to get a new one")
    return key


def apply_local_env(*, credentials: bool = True, directory: Path | None = None) -> None:
    """Make this process ready to talk to a local DynamoDB and to seal TOTP seeds.

    - region ``us-east-1`` unless one is set;
    - placeholder credentials unless ``AWS_ACCESS_KEY_ID`` is set (a local DynamoDB accepts any,
      and this keeps boto3 from probing instance metadata) -- only when ``credentials`` is true;
    - ``TOTP_ENCRYPTION_KEY`` from ``.local/totp.key`` unless it is set already.
    """
    if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        os.environ["AWS_DEFAULT_REGION"] = DEFAULT_REGION
        os.environ["AWS_REGION"] = DEFAULT_REGION
    if credentials and not os.environ.get("AWS_ACCESS_KEY_ID"):
        os.environ["AWS_ACCESS_KEY_ID"] = DUMMY_ACCESS_KEY
        os.environ["AWS_SECRET_ACCESS_KEY"] = DUMMY_SECRET_KEY
        os.environ.pop("AWS_SESSION_TOKEN", None)
    if not os.environ.get("TOTP_ENCRYPTION_KEY"):
        os.environ["TOTP_ENCRYPTION_KEY"] = load_or_create_totp_key(directory)
