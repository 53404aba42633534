"""Access control: who may see what (the access file, roles, rights, scope).

The access file (`BANSOS_ACCESS`, default `data/access.toml`, never
committed; `data/access.example.toml` is) says which identities get which
roles over which regions:

    public = false                 # true: visitors who are not logged in get the public view
    issuer = "https://idp.example" # only identities from this issuer count
    group_claim = "groups"         # the ID-token claim that holds group names
    contact = "pusdatin@example.go.id"

    [[grant]]
    email = "kadinsos@lampungprov.go.id"   # exactly one of: email, group, domain
    roles = ["pimpinan"]
    provinces = ["18"]                     # and/or regions = ["18.72"]; omitted = every region

Resolution. An identity's grants are those that match at the most specific
level present: its email grants if any match, else its group grants, else
its domain grants. A domain grant needs `email_verified = true`; an email
grant is refused when the provider says the address is *not* verified
(some providers, Microsoft Entra among them, send no such claim at all).
Identities from another issuer get nothing.

Rights are computed per right, not as one union of roles and one union of
regions: each grant gives each of its roles' rights over the grant's regions,
and a right's reach is the union over the grants that give it. So a person
who is `evaluator` nationally and `analis` in Jawa Timur (two grants) may
export families of Jawa Timur only; a single union of regions would have
let them export every family in the country.

The rights table (role × right), as docs/access-control.md states it:

| right            | publik            | pimpinan | evaluator | analis | operator |
|------------------|-------------------|----------|-----------|--------|----------|
| pages            | pilots, suppressed| scope    | all       | scope  | scope    |
| quality_summary  | —                 | scope    | all       | scope  | scope    |
| quality_full     | —                 | —        | —         | scope  | scope    |
| aggregate_export | pilots, suppressed| scope    | all       | scope  | scope    |
| family_export    | —                 | —        | —         | scope  | —        |
| upload           | —                 | —        | —         | —      | scope    |

(`pages` = coverage, targeting, comparison and registration pages;
`quality_full` = Kualitas Data with the masked sample and the quarantine
rows; `aggregate_export` includes briefs; `family_export` includes signal
lists.) The evaluator's "all" is read literally: an evaluator sees and
exports every region whatever a grant says, so a grant that gives
`evaluator` together with provinces/regions is refused as contradictory
(give the evaluator role in a grant of its own). `publik` is not grantable:
it is what visitors get without logging in when `public = true`.

A malformed file never degrades to "everyone gets everything": loading it
raises `AccessFileError` naming the file and line, and the app shows that
message (no traceback) and nothing else until the file is fixed.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import threading
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from collections.abc import Iterable, Mapping

from bansos import settings

ROLES = ("publik", "pimpinan", "evaluator", "analis", "operator")
GRANTABLE_ROLES = ROLES[1:]
RIGHTS = ("pages", "quality_summary", "quality_full", "aggregate_export", "family_export", "upload")

# Reach levels in the rights table.
SCOPE = "scope"          # the grant's regions (all when the grant names none)
ALL = "all"              # every region, whatever the grant says
PUBLIC = "public"        # the pilot regions, every output through small-cell suppression

RIGHTS_TABLE: dict[str, dict[str, str | None]] = {
    #  right:             publik  pimpinan evaluator analis operator
    "pages":            dict(zip(ROLES, (PUBLIC, SCOPE, ALL, SCOPE, SCOPE))),
    "quality_summary":  dict(zip(ROLES, (None, SCOPE, ALL, SCOPE, SCOPE))),
    "quality_full":     dict(zip(ROLES, (None, None, None, SCOPE, SCOPE))),
    "aggregate_export": dict(zip(ROLES, (PUBLIC, SCOPE, ALL, SCOPE, SCOPE))),
    "family_export":    dict(zip(ROLES, (None, None, None, SCOPE, None))),
    "upload":           dict(zip(ROLES, (None, None, None, None, SCOPE))),
}

TOP_KEYS = {"public", "issuer", "group_claim", "contact", "grant"}
GRANT_KEYS = {"email", "group", "domain", "roles", "provinces", "regions"}
SUBJECT_KEYS = ("email", "group", "domain")
PROVINCE_CODE = re.compile(r"\d{2}")
REGION_CODE = re.compile(r"\d{2}\.\d{2}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")
LOCAL_ADDRESSES = {"localhost", "127.0.0.1", "::1", "[::1]"}

# Grant levels, most specific first.
LEVELS = SUBJECT_KEYS


class AccessFileError(Exception):
    """The access file is missing or malformed. The message names the file
    and line; show it as is, and let nobody in until it is fixed."""


class AccessDenied(Exception):
    """A request outside the identity's rights or scope."""


# -- reference regions ------------------------------------------------------------


@lru_cache(maxsize=4)
def _reference(path: str) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    regions: set[str] = set()
    by_province: dict[str, set[str]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            regions.add(row["code"])
            by_province.setdefault(row["province_code"], set()).add(row["code"])
    return frozenset(regions), {p: frozenset(r) for p, r in by_province.items()}


def reference_regions(path: Path | None = None) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """(every kab/kota code, province code → its kab/kota codes) from the
    reference table data/reference/regions.csv."""
    return _reference(str(path or settings.REFERENCE_DIR / "regions.csv"))


@lru_cache(maxsize=4)
def _pilots(path: str) -> frozenset[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return frozenset(row["region_code"] for row in csv.DictReader(handle))


def pilot_regions(path: Path | None = None) -> frozenset[str]:
    """The public view's regions: the pilot list (data/reference/pilots.csv)."""
    return _pilots(str(path or settings.REFERENCE_DIR / "pilots.csv"))


# -- the access file ----------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    level: str                 # email, group or domain
    subject: str               # the address, group name or domain (emails and domains lower case)
    roles: frozenset[str]
    regions: frozenset[str] | None   # None = every region
    line: int                  # the [[grant]] header line, for messages


@dataclass(frozen=True)
class AccessConfig:
    path: Path
    sha256: str
    public: bool
    issuer: str
    group_claim: str
    contact: str
    grants: tuple[Grant, ...]


def _grant_lines(text: str) -> list[int]:
    """1-based line numbers of the `[[grant]]` headers, in order."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if re.match(r"\s*\[\[\s*grant\s*\]\]", line)]


def _key_line(text: str, header_line: int | None, key: str) -> int | None:
    """Line of `key = ...` inside the grant whose header is at header_line,
    or at top level (before the first table) when header_line is None."""
    lines = text.splitlines()
    for n in range(header_line or 0, len(lines)):
        if re.match(r"\s*\[", lines[n]):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[n]):
            return n + 1
    return header_line


def _norm_issuer(value: str) -> str:
    return value.strip().rstrip("/")


def parse_access(text: str, path: Path, reference: Path | None = None) -> AccessConfig:
    """Parse and validate an access file's text. Raises AccessFileError with
    every problem found, each naming the file and line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AccessFileError(f"{path}: not valid TOML: {error}") from None
    problems: list[str] = []

    def problem(line: int | None, message: str) -> None:
        problems.append(f"{path}, line {line}: {message}" if line else f"{path}: {message}")

    for key in sorted(set(data) - TOP_KEYS):
        problem(_key_line(text, None, key), f"unknown key {key!r} (known: {', '.join(sorted(TOP_KEYS))})")
    public = data.get("public", False)
    if not isinstance(public, bool):
        problem(_key_line(text, None, "public"), "public must be true or false")
    issuer = data.get("issuer")
    if not isinstance(issuer, str) or not re.match(r"https?://\S+$", issuer.strip()):
        problem(_key_line(text, None, "issuer"), "issuer must be the identity provider's URL, e.g. \"https://accounts.google.com\" "
                "(only identities from this issuer count)")
        issuer = ""
    group_claim = data.get("group_claim", "groups")
    if not isinstance(group_claim, str) or not group_claim.strip():
        problem(_key_line(text, None, "group_claim"), "group_claim must be the name of an ID-token claim, e.g. \"groups\"")
        group_claim = "groups"
    contact = data.get("contact", "")
    if not isinstance(contact, str):
        problem(_key_line(text, None, "contact"), "contact must be text (an e-mail address or a unit's name)")
        contact = ""
    raw_grants = data.get("grant", [])
    if not isinstance(raw_grants, list):
        problem(_key_line(text, None, "grant"), "grants are written as [[grant]] tables")
        raw_grants = []
    header_lines = _grant_lines(text)
    all_regions, by_province = reference_regions(reference)
    grants: list[Grant] = []
    for index, raw in enumerate(raw_grants):
        line = header_lines[index] if index < len(header_lines) else None
        where = f"grant {index + 1}"

        def at(key: str) -> int | None:
            return _key_line(text, line, key) if line else None  # noqa: B023  called within this iteration only

        if not isinstance(raw, dict):
            problem(line, f"{where} is not a table")
            continue
        for key in sorted(set(raw) - GRANT_KEYS):
            problem(at(key), f"unknown key {key!r} in [[grant]] (known: {', '.join(sorted(GRANT_KEYS))})")
        subjects = [k for k in SUBJECT_KEYS if k in raw]
        if len(subjects) != 1:
            problem(line, f"{where} must have exactly one of email, group, domain (it has {', '.join(subjects) or 'none'})")
            continue
        level = subjects[0]
        subject = raw[level]
        if not isinstance(subject, str) or not subject.strip():
            problem(at(level), f"{level} must be non-empty text")
            continue
        subject = subject.strip()
        if level == "email":
            subject = subject.lower()
            if not EMAIL.fullmatch(subject):
                problem(at(level), f"{subject!r} is not an e-mail address")
        elif level == "domain":
            subject = subject.lower().lstrip("@")
            if not DOMAIN.fullmatch(subject):
                problem(at(level), f"{subject!r} is not a domain name (write it without '@', e.g. \"example.go.id\")")
        roles = raw.get("roles")
        if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
            problem(at("roles") if "roles" in raw else line, f"{where} needs roles = [...] with one or more of: {', '.join(GRANTABLE_ROLES)}")
            continue
        bad = False
        for role in roles:
            if role == "publik":
                problem(at("roles"), "role 'publik' cannot be granted: it is the view of visitors who are not logged in (public = true)")
                bad = True
            elif role not in GRANTABLE_ROLES:
                problem(at("roles"), f"unknown role {role!r} (roles: {', '.join(GRANTABLE_ROLES)})")
                bad = True
        scoped = "provinces" in raw or "regions" in raw
        if "evaluator" in roles and scoped:
            problem(line, "the evaluator role sees every region; a grant with evaluator cannot name provinces or regions "
                    "(give evaluator in a grant of its own, or use pimpinan/analis for a scoped role)")
            bad = True
        regions: set[str] | None = set() if scoped else None
        for key, pattern, example in (("provinces", PROVINCE_CODE, "\"18\""), ("regions", REGION_CODE, "\"18.72\"")):
            if key not in raw:
                continue
            codes = raw[key]
            if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
                problem(at(key), f"{key} must be a non-empty list of codes as text, e.g. [{example}] (leave it out for every region)")
                bad = True
                continue
            for code in codes:
                if not pattern.fullmatch(code):
                    problem(at(key), f"{code!r} is not a {key[:-1]} code (Kemendagri, e.g. {example})")
                    bad = True
                elif key == "provinces" and code not in by_province:
                    problem(at(key), f"province {code!r} is not in the reference table")
                    bad = True
                elif key == "regions" and code not in all_regions:
                    problem(at(key), f"region {code!r} is not in the reference table")
                    bad = True
                elif regions is not None:
                    regions |= by_province[code] if key == "provinces" else {code}
        if bad:
            continue
        grants.append(Grant(level, subject, frozenset(roles), frozenset(regions) if regions is not None else None, line or 0))
    if problems:
        raise AccessFileError("\n".join(problems))
    return AccessConfig(
        path=path, sha256=hashlib.sha256(text.encode()).hexdigest(), public=public, issuer=_norm_issuer(issuer),
        group_claim=group_claim.strip(), contact=contact.strip(), grants=tuple(grants),
    )


def access_path() -> Path:
    return Path(settings.get("access"))


class AccessFile:
    """The access file, re-read when it changes: a `stat` per call, and a
    parse only when size, mtime or inode differ and the content hash does
    too. Thread-safe; share one per process."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()
        self._stat: tuple | None = None
        self._config: AccessConfig | None = None
        self._error: AccessFileError | None = None
        self.changes = 0   # how many times a different content was seen (for the audit log)

    def get(self) -> AccessConfig:
        path = self.path or access_path()
        try:
            st = path.stat()
        except OSError:
            raise AccessFileError(
                f"{path}: no access file, so nobody can be let in. Copy data/access.example.toml to {path} "
                "and edit it (or set BANSOS_ACCESS)."
            ) from None
        stamp = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
        with self._lock:
            if stamp == self._stat:
                if self._error:
                    raise self._error
                if self._config is not None:
                    return self._config
            text = path.read_bytes().decode("utf-8", errors="replace")
            digest = hashlib.sha256(text.encode()).hexdigest()
            self._stat = stamp
            if self._config is not None and self._error is None and digest == self._config.sha256:
                return self._config
            try:
                config = parse_access(text, path)
            except AccessFileError as error:
                self._error, self._config = error, None
                self.changes += 1
                raise
            self._error, self._config = None, config
            self.changes += 1
            return config


# -- identities and what they may do -----------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Who is asking. Built from the ID-token claims (st.user) or, on the
    command line, from `--as EMAIL` (email and domain grants only)."""

    issuer: str
    email: str | None
    email_verified: bool | None = None
    groups: tuple[str, ...] = ()
    name: str | None = None
    via: str = "oidc"          # oidc, cli, local, test

    def __post_init__(self):
        # Addresses compare case-insensitively, issuers without a trailing slash.
        if self.email:
            object.__setattr__(self, "email", self.email.strip().lower())
        object.__setattr__(self, "issuer", _norm_issuer(self.issuer or ""))

    @classmethod
    def from_claims(cls, claims: Mapping, group_claim: str = "groups", via: str = "oidc") -> Identity:
        groups = claims.get(group_claim) or ()
        if isinstance(groups, str):
            groups = (groups,)
        verified = claims.get("email_verified")
        if isinstance(verified, str):     # some providers send "true"/"false"
            verified = verified.lower() == "true"
        email = claims.get("email")
        return cls(
            issuer=_norm_issuer(str(claims.get("iss") or "")),
            email=str(email).strip().lower() if email else None,
            email_verified=verified if isinstance(verified, bool) else None,
            groups=tuple(str(g) for g in groups),
            name=str(claims["name"]) if claims.get("name") else None,
            via=via,
        )


@dataclass(frozen=True)
class Reach:
    """How far one right goes: regions None = every region; public = the
    pilots through small-cell suppression."""

    regions: frozenset[str] | None
    public: bool = False

    def union(self, other: Reach) -> Reach:
        if self.public != other.public:
            # A logged-in right always beats the public one (it is never narrower in kind).
            return other if self.public else self
        if self.regions is None or other.regions is None:
            return Reach(None, self.public)
        return Reach(self.regions | other.regions, self.public)


@dataclass(frozen=True)
class Access:
    """What a session or a command may do: roles, and each right's reach.
    `scope()` is what the query runner takes (None = every region)."""

    mode: str                          # local, granted, public, none
    identity: Identity | None
    roles: frozenset[str]
    rights: Mapping[str, Reach] = field(default_factory=dict)
    grants: tuple[Grant, ...] = ()
    contact: str = ""

    def can(self, right: str) -> bool:
        if right not in RIGHTS:
            raise KeyError(f"unknown right {right!r}")
        return right in self.rights

    def reach(self, right: str = "pages") -> Reach:
        if not self.can(right):
            raise AccessDenied(f"no right {right!r}")
        return self.rights[right]

    def scope(self, right: str = "pages") -> tuple[str, ...] | None:
        """Region codes for the query runner's $scope (sorted tuple), None = all."""
        regions = self.reach(right).regions
        return None if regions is None else tuple(sorted(regions))

    @property
    def suppressed(self) -> bool:
        """True for the public view: every output goes through suppress.py."""
        return "pages" in self.rights and self.rights["pages"].public

    def allows(self, right: str, regions: Iterable[str]) -> bool:
        if not self.can(right):
            return False
        reach = self.rights[right].regions
        return reach is None or set(regions) <= reach

    def describe(self) -> dict:
        """For the audit log: roles and page scope (no personal data beyond the e-mail)."""
        scope = None
        if "pages" in self.rights:
            regions = self.rights["pages"].regions
            scope = "all" if regions is None else sorted(regions)
        return {
            "mode": self.mode,
            "email": self.identity.email if self.identity else None,
            "issuer": self.identity.issuer if self.identity else None,
            "roles": sorted(self.roles),
            "scope": scope,
        }


def _rights_for(roles: Iterable[str], regions: frozenset[str] | None) -> dict[str, Reach]:
    rights: dict[str, Reach] = {}
    for role in roles:
        for right, by_role in RIGHTS_TABLE.items():
            level = by_role.get(role)
            if level is None:
                continue
            if level == ALL:
                reach = Reach(None)
            elif level == SCOPE:
                reach = Reach(regions)
            else:
                reach = Reach(pilot_regions(), public=True)
            rights[right] = rights[right].union(reach) if right in rights else reach
    return rights


def matching_grants(config: AccessConfig, identity: Identity) -> tuple[Grant, ...]:
    """The identity's grants at the most specific level present."""
    if not identity.issuer or identity.issuer != config.issuer:
        return ()
    email = identity.email
    domain = email.rsplit("@", 1)[1] if email and "@" in email else None
    groups = set(identity.groups)
    for level in LEVELS:
        if level == "email":
            found = tuple(g for g in config.grants if g.level == "email" and email and g.subject == email
                          and identity.email_verified is not False)
        elif level == "group":
            found = tuple(g for g in config.grants if g.level == "group" and g.subject in groups)
        else:
            found = tuple(g for g in config.grants if g.level == "domain" and domain and g.subject == domain
                          and identity.email_verified is True)
        if found:
            return found
    return ()


def resolve(config: AccessConfig, identity: Identity | None) -> Access:
    """An identity's access under the access file. No identity (not logged
    in) gets the public view when `public = true`, else nothing. A logged-in
    identity without a grant gets the public view when it is on, else nothing."""
    if identity is not None:
        grants = matching_grants(config, identity)
        if grants:
            rights: dict[str, Reach] = {}
            roles: set[str] = set()
            for grant in grants:
                roles |= grant.roles
                for right, reach in _rights_for(grant.roles, grant.regions).items():
                    rights[right] = rights[right].union(reach) if right in rights else reach
            return Access("granted", identity, frozenset(roles), rights, grants, config.contact)
    if config.public:
        return Access("public", identity, frozenset({"publik"}), _rights_for(["publik"], None), (), config.contact)
    return Access("none", identity, frozenset(), {}, (), config.contact)


def cli_identity(email: str, config: AccessConfig) -> Identity:
    """`--as EMAIL` on the command line: the operator vouches for the address,
    so it counts as verified; there is no token, so groups are unknown and
    group grants cannot apply."""
    return Identity(issuer=config.issuer, email=email.strip().lower(), email_verified=True, groups=(), via="cli")


# -- local mode ---------------------------------------------------------------------


def local_access() -> Access:
    """No [auth] configured: one person at the console, every right."""
    identity = Identity(issuer="local", email=None, name=os.environ.get("USER") or None, via="local")
    return Access("local", identity, frozenset(GRANTABLE_ROLES), {right: Reach(None) for right in RIGHTS})


def check_local_address(address: str | None) -> None:
    """Local mode serves one person at the console: refuse any address but
    the loopback ones. Streamlit's default (unset) listens on every
    interface, so unset is refused too."""
    value = (address or "").strip()
    if value not in LOCAL_ADDRESSES:
        raise AccessFileError(
            f"Local mode (no [auth] in .streamlit/secrets.toml) serves localhost only, but server.address is "
            f"{value or 'unset (every interface)'}. Serve with --server.address localhost, or configure a login provider."
        )
