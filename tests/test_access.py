"""Access file: parsing, validation messages with lines, resolution of an
identity to roles, rights and scope, reload on change, local mode."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bansos import access
from bansos.access import AccessFile, AccessFileError, Identity, parse_access, resolve

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "access.example.toml"
ISSUER = "http://127.0.0.1:8711"
LAMPUNG = {c for c in access.reference_regions()[0] if c.startswith("18.")}
JATIM = {c for c in access.reference_regions()[0] if c.startswith("35.")}


def example():
    return parse_access(EXAMPLE.read_text(), EXAMPLE)


def who(email, verified=True, groups=(), issuer=ISSUER):
    return Identity(issuer=issuer, email=email, email_verified=verified, groups=tuple(groups))


def test_reference_provinces_expand_to_their_kab_kota():
    # data/reference/regions.csv: Lampung has 15 kab/kota (13 kabupaten, 2 kota), Jawa Timur 38.
    assert len(LAMPUNG) == 15 and "18.72" in LAMPUNG
    assert len(JATIM) == 38


def test_example_file_parses_with_every_required_grant():
    config = example()
    assert config.public is True and config.issuer == ISSUER and config.contact == "pusdatin@example.go.id"
    levels = {g.level for g in config.grants}
    assert levels == {"email", "group", "domain"}


def test_pimpinan_lampung_sees_lampung_pages_and_no_family_export():
    got = resolve(example(), who("Pimpinan.Lampung@example.go.id"))
    assert got.mode == "granted" and got.roles == {"pimpinan"}
    assert set(got.scope()) == LAMPUNG
    assert got.can("aggregate_export") and set(got.scope("aggregate_export")) == LAMPUNG
    assert got.can("quality_summary") and not got.can("quality_full")
    assert not got.can("family_export") and not got.can("upload")
    assert not got.suppressed


def test_evaluator_sees_every_region_but_no_family_rows():
    got = resolve(example(), who("evaluator@example.go.id"))
    assert got.scope() is None and got.scope("aggregate_export") is None and got.scope("quality_summary") is None
    assert not got.can("family_export") and not got.can("quality_full")


def test_analis_and_operator_rights():
    analis = resolve(example(), who("analis.jatim@example.go.id"))
    assert set(analis.scope("family_export")) == JATIM and analis.can("quality_full") and not analis.can("upload")
    operator = resolve(example(), who("operator.metro@example.go.id"))
    assert operator.scope("upload") == ("18.72",) and operator.scope() == ("18.72",)
    assert not operator.can("family_export")


def test_precedence_email_beats_group_beats_domain():
    config = example()
    # In the group and with an e-mail grant: the e-mail grant alone (Lampung, not Jawa Timur).
    both = resolve(config, who("pimpinan.lampung@example.go.id", groups=["dinsos-jatim"]))
    assert set(both.scope()) == LAMPUNG
    # Group member without an e-mail grant: the group grant, not the domain one.
    member = resolve(config, who("staf@example.go.id", groups=["dinsos-jatim"]))
    assert set(member.scope()) == JATIM
    # Neither: the domain grant (two pilots).
    other = resolve(config, who("staf@example.go.id"))
    assert other.scope() == ("18.72", "35.76")


def test_domain_needs_a_verified_address_and_email_refuses_an_unverified_one():
    config = example()
    assert resolve(config, who("staf@example.go.id", verified=None)).mode == "public"
    assert resolve(config, who("staf@example.go.id", verified=False)).mode == "public"
    # Microsoft Entra sends no email_verified: an e-mail grant still applies.
    assert resolve(config, who("evaluator@example.go.id", verified=None)).mode == "granted"
    assert resolve(config, who("evaluator@example.go.id", verified=False)).mode == "public"


def test_other_issuer_gets_nothing_and_unknown_user_gets_the_public_view():
    config = example()
    assert resolve(config, who("evaluator@example.go.id", issuer="https://evil.example")).mode == "public"
    nobody = resolve(config, who("someone@elsewhere.org"))
    assert nobody.mode == "public" and nobody.roles == {"publik"} and nobody.suppressed
    assert set(nobody.scope()) == set(access.pilot_regions())
    assert not nobody.can("quality_summary") and not nobody.can("family_export")


def test_public_false_gives_nothing_to_visitors_and_unknown_users(tmp_path):
    text = EXAMPLE.read_text().replace("public = true", "public = false")
    config = parse_access(text, tmp_path / "access.toml")
    for identity in (None, who("someone@elsewhere.org")):
        got = resolve(config, identity)
        assert got.mode == "none" and not got.rights and got.contact == "pusdatin@example.go.id"
        assert not got.can("pages")
        with pytest.raises(access.AccessDenied):
            got.scope()


def test_rights_are_per_right_not_one_union_of_regions(tmp_path):
    text = f'''issuer = "{ISSUER}"
[[grant]]
email = "a@x.go.id"
roles = ["evaluator"]
[[grant]]
email = "a@x.go.id"
roles = ["analis"]
provinces = ["35"]
'''
    got = resolve(parse_access(text, tmp_path / "a.toml"), who("a@x.go.id"))
    assert got.roles == {"evaluator", "analis"}
    assert got.scope() is None                          # evaluator: every region for pages
    assert set(got.scope("family_export")) == JATIM     # analis: families of Jawa Timur only


def test_rights_table_is_the_documented_table():
    t = access.RIGHTS_TABLE
    assert [t["pages"][r] for r in access.ROLES] == ["public", "scope", "all", "scope", "scope"]
    assert [t["quality_full"][r] for r in access.ROLES] == [None, None, None, "scope", "scope"]
    assert [t["family_export"][r] for r in access.ROLES] == [None, None, None, "scope", None]
    assert [t["upload"][r] for r in access.ROLES] == [None, None, None, None, "scope"]
    assert [t["aggregate_export"][r] for r in access.ROLES] == ["public", "scope", "all", "scope", "scope"]


def test_rights_table_in_the_docs_is_the_one_in_the_code():
    # docs/access-control.md "Roles and rights": one row per right, one column per role.
    words = {"pilots, suppressed": access.PUBLIC, "scope": access.SCOPE, "all": access.ALL, "—": None}
    lines = (REPO / "docs" / "access-control.md").read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.replace(" ", "").startswith("|right|publik|"))
    roles = [cell.strip() for cell in lines[header].strip("|").split("|")][1:]
    documented = {}
    for line in lines[header + 2:]:
        if not line.startswith("|"):
            break
        right, *cells = [cell.strip() for cell in line.strip("|").split("|")]
        documented[right] = {role: words[cell] for role, cell in zip(roles, cells)}
    assert tuple(roles) == access.ROLES
    assert documented == access.RIGHTS_TABLE


BAD = [
    ('issuer = "http://i"\npublik = true\n', "line 2: unknown key 'publik'"),
    ('issuer = "http://i"\n[[grant]]\nemail = "a@b.id"\nroles = ["admin"]\n', "line 4: unknown role 'admin'"),
    ('issuer = "http://i"\n[[grant]]\nemail = "a@b.id"\nroles = ["publik"]\n', "line 4: role 'publik' cannot be granted"),
    ('issuer = "http://i"\n[[grant]]\nemail = "a@b.id"\ngroup = "g"\nroles = ["analis"]\n', "line 2: grant 1 must have exactly one of"),
    ('issuer = "http://i"\n\n[[grant]]\ndomain = "x.id"\nroles = ["analis"]\nprovinces = ["1"]\n', "line 6: '1' is not a province code"),
    ('issuer = "http://i"\n[[grant]]\ndomain = "x.id"\nroles = ["analis"]\nregions = ["18.99"]\n', "line 5: region '18.99' is not in the reference table"),
    ('issuer = "http://i"\n[[grant]]\nemail = "a@b.id"\nroles = ["evaluator"]\nprovinces = ["18"]\n', "line 2: the evaluator role sees every region"),
    ('issuer = "http://i"\n[[grant]]\nemail = "a@b.id"\nroles = ["analis"]\nprovinces = []\n', "line 5: provinces must be a non-empty list"),
    ('issuer = "http://i"\n[[grant]]\nemail = "a@b.id"\nroles = ["analis"]\ncolour = "x"\n', "line 5: unknown key 'colour' in [[grant]]"),
    ('[[grant]]\nemail = "a@b.id"\nroles = ["analis"]\n', "issuer must be"),
    ('issuer = "http://i"\n[[grant]]\nemail = "not-an-address"\nroles = ["analis"]\n', "line 3: 'not-an-address' is not an e-mail"),
    ('issuer = "http://i"\n[[grant]\nemail = "a@b.id"\n', "not valid TOML"),
    ('issuer = "http://i"\npublic = "yes"\n', "line 2: public must be true or false"),
]


@pytest.mark.parametrize("text,expected", BAD)
def test_malformed_files_are_refused_with_file_and_line(tmp_path, text, expected):
    path = tmp_path / "access.toml"
    with pytest.raises(AccessFileError) as error:
        parse_access(text, path)
    assert str(path) in str(error.value)
    assert expected in str(error.value), str(error.value)


def test_toml_syntax_error_names_line_and_column(tmp_path):
    with pytest.raises(AccessFileError, match=r"at line 2, column"):
        parse_access('issuer = "http://i"\n[[grant]\n', tmp_path / "a.toml")


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    text = 'issuer = "http://i"\n[[grant]]\nemail = "a@b.id"\nroles = ["boss"]\n[[grant]]\ndomain = "x.id"\nroles = ["analis"]\nregions = ["99.99"]\n'
    with pytest.raises(AccessFileError) as error:
        parse_access(text, tmp_path / "a.toml")
    assert "line 4: unknown role 'boss'" in str(error.value) and "line 8: region '99.99'" in str(error.value)


def test_reload_on_change_revokes_at_the_next_call(tmp_path):
    path = tmp_path / "access.toml"
    path.write_text(EXAMPLE.read_text())
    loader = AccessFile(path)
    assert resolve(loader.get(), who("evaluator@example.go.id")).mode == "granted"
    first = loader.get()
    assert loader.get() is first   # unchanged: no re-parse
    path.write_text(EXAMPLE.read_text().replace('email = "evaluator@example.go.id"', 'email = "other@example.go.id"'))
    os.utime(path, ns=(first_mtime := path.stat().st_mtime_ns, first_mtime + 1_000_000))
    assert resolve(loader.get(), who("evaluator@example.go.id", verified=False)).mode == "public"
    assert loader.changes == 2


def test_a_broken_edit_raises_and_never_falls_back(tmp_path):
    path = tmp_path / "access.toml"
    path.write_text(EXAMPLE.read_text())
    loader = AccessFile(path)
    loader.get()
    path.write_text(EXAMPLE.read_text() + '\n[[grant]]\nemail = "x@y.id"\nroles = ["root"]\n')
    with pytest.raises(AccessFileError, match="unknown role 'root'"):
        loader.get()
    with pytest.raises(AccessFileError):   # still broken on the next click, not the old file
        loader.get()


def test_missing_file_lets_nobody_in(tmp_path):
    with pytest.raises(AccessFileError, match="no access file"):
        AccessFile(tmp_path / "absent.toml").get()


def test_local_mode_has_every_right_and_refuses_a_non_local_address():
    local = access.local_access()
    assert local.mode == "local" and all(local.can(r) for r in access.RIGHTS) and local.scope() is None
    for address in ("localhost", "127.0.0.1", "::1"):
        access.check_local_address(address)
    for address in ("0.0.0.0", "", None, "10.1.2.3", "::"):
        with pytest.raises(AccessFileError, match="serves localhost only"):
            access.check_local_address(address)


def test_claims_from_a_token():
    identity = Identity.from_claims({"iss": ISSUER + "/", "email": "A@Example.go.id", "email_verified": True,
                                     "roles_x": 1, "grp": "dinsos-jatim", "name": "A"}, group_claim="grp")
    assert identity.issuer == ISSUER and identity.email == "a@example.go.id" and identity.groups == ("dinsos-jatim",)
    assert set(resolve(example(), identity).scope()) == JATIM          # the group grant
    # Read with the file's claim name ("groups"), the same token has no groups: the domain grant applies.
    plain = Identity.from_claims({"iss": ISSUER, "email": "a@example.go.id", "email_verified": True, "grp": "dinsos-jatim"})
    assert plain.groups == () and resolve(example(), plain).scope() == ("18.72", "35.76")
