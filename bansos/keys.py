"""The pseudonymisation key, and masking of identifiers wherever they sit.

No KK and NIK are replaced by a keyed hash before anything touches the
warehouse file. A plain hash is not enough: a NIK is region + birth date + a
4-digit serial, so every NIK of a region could be hashed and matched in
minutes. The key is secret; the warehouse stores only its fingerprint, so a
load with another key is refused instead of silently breaking every link.
The scheme and the reasons for it are in docs/privacy.md.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import overload

from bansos import settings

# Below this the key can be guessed (an empty key makes the pseudonyms a
# plain hash: reversible by hashing every possible NIK). A new key file holds
# 32 random bytes as 64 hex characters.
MIN_KEY_BYTES = 32

# The name of the pseudonymisation scheme, stored in the warehouse's meta
# table beside the key fingerprint (docs/privacy.md).
KEY_SCHEME = "sha256-prefix-128"


class KeyProblem(Exception):
    """The key cannot be used (too short, unreadable); the message says why."""


def _check(key: str, where: str) -> str:
    if len(key.encode()) < MIN_KEY_BYTES:
        raise KeyProblem(
            f"refused: the pseudonymisation key in {where} is {len(key.encode())} bytes long; at least "
            f"{MIN_KEY_BYTES} are needed (a short key lets anyone rebuild the pseudonyms by trying every NIK). "
            f"Generate one with: python -c \"import secrets; print(secrets.token_hex(32))\""
        )
    return key


def _create_key_file(path: Path) -> None:
    """Write a new random key atomically: a complete file with mode 0600
    appears, or nothing does (a crash never leaves an empty key file)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(prefix=".key-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # link() fails when the file exists: two first loads racing cannot
        # each write a different key; the loser uses the winner's.
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


def read_secret(env_setting: str, file_setting: str) -> str:
    """A secret from its environment variable, else from its key file
    (created on first use). Used for the pseudonymisation key and the
    audit log's key alike; both must be at least 32 bytes."""
    env_name = settings.SETTINGS[env_setting].env
    env_key = os.environ.get(env_name)
    if env_key is not None and env_key != "":
        return _check(env_key, env_name)
    path = Path(settings.get(file_setting)).expanduser()
    if not path.exists():
        _create_key_file(path)
    try:
        key = path.read_text().strip()
    except OSError as error:
        raise KeyProblem(f"refused: the key file {path} cannot be read ({error.strerror})") from error
    return _check(key, f"the key file {path}")


def refuse_beside(db: Path) -> None:
    """The key file never lives beside the warehouse: a copy of the data
    folder would then carry the key that undoes its pseudonyms."""
    if os.environ.get(settings.SETTINGS["key"].env):
        return
    path = Path(settings.get("key_file")).expanduser()
    if path.resolve().parent == db.resolve().parent:
        raise KeyProblem(
            f"refused: the key file {path} is in the warehouse's folder; keep it elsewhere (BANSOS_KEY_FILE), "
            "so that a copy of the data does not carry the key to its pseudonyms"
        )


def load_key() -> str:
    """The pseudonymisation key (BANSOS_KEY, else BANSOS_KEY_FILE)."""
    return read_secret("key", "key_file")


def fingerprint(key: str) -> str:
    """Safe to store and show: identifies the key, reveals nothing of it."""
    return hashlib.sha256(b"bansos-key-fingerprint\x00" + key.encode()).hexdigest()[:16]


# -- masking -------------------------------------------------------------------
#
# A mask keeps the first 4 and the last 4 digits of an identifier: enough,
# with the file and line, to find the row in the source file; not enough to
# identify a person. The first 4 digits are the kab/kota (which the row's
# region code shows anyway), the last 4 a serial; hidden are the kecamatan
# and, in a NIK, the birth date — what makes the number personal.

KEEP_FIRST, KEEP_LAST = 4, 4
# Runs of this many digits or more are masked wherever they sit in free
# text. 15, not 16: an id that went through Excel as a number shows 15
# significant digits ("3.51001234567393E+15"), still nearly the whole id.
# Single spaces, dots or dashes between digits do not break a run
# ("3510 0123 4567 3934").
MIN_RUN = 15
_RUN = re.compile(r"[0-9](?:[ .\-]?[0-9]){%d,}" % (MIN_RUN - 1))  # noqa: UP031  % keeps the regex braces readable
# The same test in SQL, to call the masking only for values that need it.
RUN_SQL = "[0-9]([ .-]?[0-9]){%d,}" % (MIN_RUN - 1)  # noqa: UP031  as above


def _mask_run(match: re.Match) -> str:
    run = match.group(0)
    digits = [i for i, ch in enumerate(run) if ch.isdigit()]
    hidden = set(digits[KEEP_FIRST : len(digits) - KEEP_LAST])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(run))


@overload
def mask_text(value: str) -> str: ...
@overload
def mask_text(value: None) -> None: ...
def mask_text(value: str | None) -> str | None:
    """Every run of 15 or more digits in `value` masked (first 4 and last 4
    digits kept); other text unchanged."""
    if value is None:
        return None
    return _RUN.sub(_mask_run, str(value))


def mask(value: str | None) -> str | None:
    """An identifier column's value: `3510012345673934` → `3510********3934`.
    A shorter value (an invalid id) is starred whole."""
    if value is None:
        return None
    text = str(value)
    if len(text) >= 16:
        return text[:KEEP_FIRST] + "*" * (len(text) - KEEP_FIRST - KEEP_LAST) + text[-KEEP_LAST:]
    return "*" * len(text)


# The identifier mask, set-wise in SQL (kept beside its Python twin; a test
# checks both agree).
MASK_SQL = (
    "CASE WHEN {col} IS NULL THEN NULL WHEN length({col}) >= 16 "
    f"THEN left({{col}}, {KEEP_FIRST}) || repeat('*', length({{col}}) - {KEEP_FIRST + KEEP_LAST}) || right({{col}}, {KEEP_LAST}) "
    "ELSE repeat('*', length({col})) END"
)


def register_mask_function(con) -> None:
    """`bansos_mask_text(v)` on `con`: mask_text, set-wise. Values without a
    long digit run are returned by SQL without calling Python."""
    import pyarrow as pa

    def masked(values):
        return pa.array([mask_text(v) for v in values.to_pylist()], pa.string())

    con.create_function("bansos_mask_text_py", masked, ["VARCHAR"], "VARCHAR", type="arrow", side_effects=False)
    con.execute(
        f"CREATE OR REPLACE TEMP MACRO bansos_mask_text(v) AS "
        f"CASE WHEN length(v) < {MIN_RUN} THEN v WHEN regexp_matches(v, '{RUN_SQL}') THEN bansos_mask_text_py(v) ELSE v END"
    )


# Keyed hash in SQL: SHA-256 over the secret key and the id, cut to 128 bits
# and kept as UHUGEINT (16 bytes, fast joins; collisions are negligible at
# 10^8 families). The key is bound as a parameter, never pasted into SQL.
# Cutting the digest also rules out length extension (docs/privacy.md).
HASH_SQL = "CASE WHEN {col} IS NULL THEN NULL ELSE ('0x' || left(sha256($key || ':' || {col}), 32))::UHUGEINT END"
