"""The pseudonymisation key.

No KK and NIK are replaced by a keyed hash before anything touches the
warehouse file. A plain hash is not enough: a NIK is region + birth date + a
4-digit serial, so every NIK of a region could be hashed and matched in
minutes. The key is secret; the warehouse stores only its fingerprint, so a
load with another key is refused instead of silently breaking every link.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from bansos import settings


class KeyMismatch(Exception):
    pass


def load_key() -> str:
    env_key = os.environ.get(settings.SETTINGS["key"].env)
    if env_key:
        return env_key
    path = Path(settings.get("key_file")).expanduser()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # O_EXCL so two first loads racing cannot each write a different key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
    return path.read_text().strip()


def fingerprint(key: str) -> str:
    """Safe to store and show: identifies the key, reveals nothing of it."""
    return hashlib.sha256(b"bansos-key-fingerprint\x00" + key.encode()).hexdigest()[:16]


def mask(value: str | None) -> str | None:
    """`3510012345673934` → `351001******3934`: enough to find the row in the
    source file, not enough to identify a person."""
    if value is None:
        return None
    text = str(value)
    if len(text) >= 12:
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    return "*" * len(text)


# The same masking, set-wise in SQL (kept beside its Python twin).
MASK_SQL = (
    "CASE WHEN {col} IS NULL THEN NULL WHEN length({col}) >= 12 "
    "THEN left({col}, 6) || repeat('*', length({col}) - 10) || right({col}, 4) "
    "ELSE repeat('*', length({col})) END"
)

# Keyed hash in SQL: SHA-256 over the secret key and the id, cut to 128 bits
# and kept as UHUGEINT (16 bytes, fast joins; collisions are negligible at
# 10^8 families). The key is bound as a parameter, never pasted into SQL.
HASH_SQL = "CASE WHEN {col} IS NULL THEN NULL ELSE ('0x' || left(sha256($key || ':' || {col}), 32))::UHUGEINT END"
