"""The leaders' brief: one A4 page per region or province — what it says.

Everything on it comes from the queries and builders the pages use, never a
second computation:
- the headline indicators: `totals_by_period` through bansos.headline (the
  very captions of Ringkasan's tiles);
- the trend with both targets: charts.overview.trend on the same rows;
- the rank among pilots: `region_indicators`' rank columns;
- the comparison group: `comparison_did` and `perbandingan_comparison_group`;
- three sentences: bansos.narrative.brief; the rule: bansos.narrative.rule;
- the data version: `warehouse_meta`.
bansos/briefpdf.py lays the page out; `make()` does both.

A brief shows the regions in view: for a region, that region; for a
province, its pilots (Ringkasan's default view of a province), or, from
the app, whatever regions of the province are in view. In the public view
(`public=True`) every figure goes through bansos.suppress first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, UTC

import pandas as pd

from bansos import fmt, headline, i18n, narrative, settings, suppress
from bansos.charts import overview
from bansos.indicators import BY_ID
from bansos.queries import QueryRunner

TREND_METRICS = ("coverage", "exclusion_error", "inclusion_error")
RANKS = {"coverage": "rank_coverage", "exclusion_error": "rank_exclusion_error",
         "inclusion_error": "rank_inclusion_error", "disbursement_rate": "rank_disbursement"}
COMPARED = ("exclusion_error", "inclusion_error", "disbursement_rate")


@dataclass(frozen=True)
class Request:
    kind: str                  # "region" or "province"
    code: str                  # 18.72 or 18
    program: str | None = None  # default: the app's (the first programme in the data)
    year: int | None = None     # default with tranche: the programme's latest tranche
    tranche: int | None = None
    snapshot: str | None = None  # default: the latest register snapshot
    basis: str = "desil"
    lang: str = "id"
    regions: tuple[str, ...] | None = None  # the regions in view; None = the region, or the province's pilots


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Content:
    request: Request
    title: str
    subject: str
    context: str
    is_demo: bool
    empty: bool = False
    empty_text: str = ""
    public_note: str | None = None
    headlines: list[headline.Headline] = field(default_factory=list)
    trend: object | None = None          # a plotly Figure
    trend_note: str = ""
    rank: Table | None = None
    rank_note: str = ""
    comparison: Table | None = None
    comparison_notes: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    rule: str = ""
    version: str = ""
    generated: str = ""

    @property
    def file_name(self) -> str:
        return file_name(self.request)


def file_name(request: Request) -> str:
    """`ringkasan_wilayah-18.72_PKH_2026-T2_id.pdf`, `brief_region-18.72_PKH_2026-T2_en.pdf`:
    in the brief's language, the code as people write it."""
    period = f"{request.year}-T{request.tranche}" if request.year and request.tranche else "none"
    words = {"id": ("ringkasan", "wilayah", "provinsi"), "en": ("brief", "region", "province")}
    brief, region, province = words.get(request.lang, words["id"])
    kind = region if request.kind == "region" else province
    return f"{brief}_{kind}-{request.code}_{request.program or 'none'}_{period}_{request.lang}.pdf"


def t(key: str, lang: str, **values) -> str:
    return i18n.t(key, lang, **values)


# -- what the request means --------------------------------------------------------


def settle(runner: QueryRunner, request: Request) -> Request:
    """The request with the app's defaults filled in: the first programme in
    the data, its latest tranche, the latest snapshot (Ringkasan's defaults),
    and the regions the brief shows."""
    periods = runner.run("options_periods")
    program, year, tranche = request.program, request.year, request.tranche
    if not periods.empty:
        programs = list(dict.fromkeys(periods.program))
        program = _program_code(runner, program) if program else programs[0]
        mine = periods[periods.program == program]
        if (year is None or tranche is None) and not mine.empty:
            last = mine.iloc[-1]
            year, tranche = int(last.year), int(last.tranche)
    elif program:
        program = _program_code(runner, program)
    snapshot = request.snapshot
    if snapshot is None:
        snapshots = runner.run("options_snapshots")
        dates = snapshots.as_of.dropna() if not snapshots.empty else pd.Series(dtype=object)
        snapshot = str(pd.Timestamp(dates.max()).date()) if len(dates) else None
    regions = request.regions
    if regions is None:
        if request.kind == "region":
            regions = (request.code,)
        else:
            options = runner.run("options_regions")
            regions = tuple(options[(options.province_code == request.code) & options.is_pilot.astype(bool)].region_code)
    return replace(request, program=program, year=year, tranche=tranche, snapshot=snapshot, regions=tuple(regions))


def _program_code(runner: QueryRunner, given: str) -> str:
    """A programme as given on the command line (BPNT → SEMBAKO)."""
    wanted = given.strip().upper()
    for row in runner.run("programs").itertuples():
        aliases = [a.strip().upper() for a in str(row.aliases).split(";")] if isinstance(row.aliases, str) else []
        if wanted == row.code or wanted in aliases:
            return row.code
    return wanted


def subject_name(names: pd.DataFrame, request: Request) -> str:
    mine = names[(names.kind == request.kind) & (names.code == request.code)]
    name = mine.name.iloc[0] if not mine.empty else request.code
    return t(f"brief.subject.{request.kind}", request.lang, name=name, code=request.code)


# -- gathering ----------------------------------------------------------------------


def gather(runner: QueryRunner, request: Request, *, public: bool = False, for_whom: str | None = None,
           now: datetime | None = None) -> Content:
    """Everything the brief says, for a settled request (see `settle`)."""
    lang = request.lang
    names = runner.run("brief_names")
    meta = runner.run("warehouse_meta").iloc[0]
    when = fmt.moment(now or datetime.now(UTC), lang)
    content = Content(
        request=request, title=t("brief.title", lang), subject=subject_name(names, request), context="",
        is_demo=bool(meta["is_demo"]),
        rule=narrative.rule(runner.run("programs") if request.basis == "desil" else None, request.basis, lang),
        version=t("brief.version", lang, loads=fmt.number(meta["loads"], lang), last=fmt.moment(meta["last_load_at"], lang),
                  built=fmt.moment(meta["marts_built_at"], lang) if isinstance(meta["marts_built_at"], str) else fmt.EMPTY),
        generated=t("brief.generated.for", lang, when=when, who=for_whom) if for_whom else t("brief.generated", lang, when=when),
    )
    if public:
        content.public_note = t("brief.public", lang, k=suppress.k_setting())
    program, year, tranche = request.program, request.year, request.tranche
    regions = list(request.regions or ())
    period = i18n.t("period.label", lang, year=year, tranche=tranche) if year and tranche else t("brief.empty.no_period", lang)
    totals = pd.DataFrame()
    if program and year and tranche and regions:
        totals = runner.run("totals_by_period", as_of=request.snapshot, basis=request.basis, program=program,
                            regions=regions)
    current = totals[(totals.year == year) & (totals.tranche == tranche)] if not totals.empty else totals
    if current.empty or not program:  # no programme means no totals either
        content.empty = True
        content.context = f"{program or t('brief.empty.no_program', lang)} · {period}"
        content.empty_text = t("brief.empty.detail", lang, program=program or "", subject=content.subject, period=period)
        return content

    in_view = runner.run("region_indicators", as_of=request.snapshot, basis=request.basis, program=program, year=year,
                         tranche=tranche, province=None, regions=regions)
    row = current.iloc[0]
    scope = narrative.scope_label(row, in_view, lang)
    basis_word = t(f"brief.basis.{request.basis}", lang)
    if request.snapshot:
        content.context = t("brief.context", lang, program=program, period=period, scope=scope,
                            snapshot=fmt.day(request.snapshot, lang), basis=basis_word)
    else:
        content.context = t("brief.context.no_register", lang, program=program, period=period, scope=scope)

    hidden: frozenset[str] = frozenset()
    shown_rows, text_row = totals, row
    if public:
        shown_rows, text_row, hidden = _public_rows(runner, request)
        row = shown_rows[(shown_rows.year == year) & (shown_rows.tranche == tranche)].iloc[0]
    target, target_next = settings.get_float("target_2026"), settings.get_float("target_next")
    min_families = settings.get_int("min_families")
    content.headlines = headline.headlines(text_row, lang, min_families=min_families, target=target, target_next=target_next)
    content.trend = _trend(shown_rows, request, lang, target, target_next, min_families)
    content.trend_note = t("brief.trend.note", lang, target=fmt.pct(target, lang, 0), next=fmt.pct(target_next, lang, 0))
    content.sentences = narrative.brief(pd.DataFrame([row]), in_view, lang, program=program, basis=request.basis,
                                        target=target, target_next=target_next, hidden=hidden)
    _ranks(runner, request, content, in_view, public)
    _comparison(runner, request, content, names, public)
    return content


def _trend(rows: pd.DataFrame, request: Request, lang: str, target: float, target_next: float, min_families: int):
    """Ringkasan's trend chart, with its words, on the same rows."""
    return overview.trend(
        rows, lang,
        title=t("ringkasan.trend.title", lang, program=request.program),
        x_title=t("word.period", lang), y_title=t("ringkasan.trend.y", lang),
        labels={m: BY_ID[m].label(lang) for m in TREND_METRICS},
        ratio_words={m: t(f"ringkasan.trend.ratio.{m}", lang) for m in TREND_METRICS},
        target=target, target_next=target_next,
        target_label=t("target.line", lang, year=2026, value=fmt.pct(target, lang, 0)),
        target_next_label=t("target.next", lang, value=fmt.pct(target_next, lang, 0)),
        small_label=t("word.small_n", lang, n=min_families),
        selected=(request.year, request.tranche) if request.year and request.tranche else None,
    )


def _rank_text(rank, ranked: int, lang: str) -> str:
    return t("brief.rank.unranked", lang) if fmt.is_missing(rank) else t("brief.rank.value", lang, rank=int(rank), n=ranked)


def _ranks(runner: QueryRunner, request: Request, content: Content, in_view: pd.DataFrame, public: bool) -> None:
    """Each pilot's rank among all pilots (region_indicators ranks the pilots
    of the whole result: the brief asks for every region)."""
    lang = request.lang
    everyone = runner.run("region_indicators", as_of=request.snapshot, basis=request.basis, program=request.program,
                          year=request.year, tranche=request.tranche, province=None, regions=None)
    ranked = {metric: int(everyone[column].notna().sum()) for metric, column in RANKS.items()}
    content.rank_note = t("brief.rank.note", lang, n=settings.get_int("min_families"))
    by_code = everyone.set_index("region_code")
    pilots = [c for c in request.regions or () if c in by_code.index and bool(by_code.at[c, "is_pilot"])]
    hidden = _public_hidden(runner, request) if public else set()
    if request.kind == "region":
        code = request.code
        if code not in pilots:
            name = in_view.region_name.iloc[0] if not in_view.empty else code
            content.rank_note = t("brief.rank.not_pilot", lang, name=name)
            return
        rows = []
        for metric, column in RANKS.items():
            value = by_code.at[code, metric]
            if (code, metric) in hidden:
                value, rank = None, None
            else:
                rank = by_code.at[code, column]
            rows.append([BY_ID[metric].label(lang), fmt.pct(value, lang), _rank_text(rank, ranked[metric], lang)])
        content.rank = Table([t("brief.rank.col.metric", lang), t("brief.rank.col.value", lang),
                              t("brief.rank.col.rank", lang)], rows)
        return
    header = [t("brief.rank.col.region", lang)]
    for metric in ("exclusion_error", "inclusion_error"):
        header += [BY_ID[metric].label(lang), t("brief.rank.col.rank", lang)]
    rows = []
    for code in pilots:
        line = [str(by_code.at[code, "region_name"])]
        for metric in ("exclusion_error", "inclusion_error"):
            if (code, metric) in hidden:
                line += [fmt.EMPTY, t("brief.rank.unranked", lang)]
            else:
                line += [fmt.pct(by_code.at[code, metric], lang),
                         _rank_text(by_code.at[code, RANKS[metric]], ranked[metric], lang)]
        rows.append(line)
    content.rank = Table(header, rows) if rows else None


def _comparison(runner: QueryRunner, request: Request, content: Content, names: pd.DataFrame, public: bool) -> None:
    lang = request.lang
    if public:
        content.comparison_notes = [t("brief.comparison.public", lang)]
        return
    periods = runner.run("options_periods")
    mine = periods[periods.program == request.program]
    first = (int(mine.iloc[0].year), int(mine.iloc[0].tranche)) if not mine.empty else None
    pilots = [c for c in request.regions or () if c in set(names[(names.kind == "region") & names.is_pilot.astype(bool)].code)]
    region_names = dict(zip(names[names.kind == "region"].code, names[names.kind == "region"].name))
    if not pilots:
        content.comparison_notes = [t("brief.comparison.none", lang, name=content.subject)]
        return
    if first is None or first == (request.year, request.tranche):
        content.comparison_notes = [t("brief.comparison.one_period", lang, program=request.program)]
        return
    did = runner.run("comparison_did", as_of=request.snapshot, basis=request.basis, program=request.program,
                     year1=first[0], tranche1=first[1], year2=request.year, tranche2=request.tranche, pilots=pilots)
    groups = runner.run("perbandingan_comparison_group", pilots=pilots)
    t1 = i18n.t("period.short", lang, year=first[0], tranche=first[1])
    t2 = i18n.t("period.short", lang, year=request.year, tranche=request.tranche)
    if groups.empty or did.empty:
        content.comparison_notes = [t("brief.comparison.none", lang, name=content.subject)]
        return
    members = ", ".join(dict.fromkeys(f"{n} ({c})" for n, c in zip(groups.comparison_name, groups.comparison_code)))
    content.comparison_notes = [t("brief.comparison.members", lang, names=members),
                                t("brief.comparison.period", lang, t1=t1, t2=t2)]
    small = " ⚠"
    if request.kind == "region":
        rows = []
        for metric in ("coverage", *COMPARED):
            found = did[did.metric == metric]
            if found.empty:
                continue
            r = found.iloc[0]
            rows.append([BY_ID[metric].label(lang) + (small if fmt.is_set(r.small) else ""), fmt.pp(r.pilot_change, lang),
                         fmt.pp(r.comp_change, lang), fmt.pp(r.did, lang)])
        name = region_names.get(request.code, request.code)
        content.comparison = Table([t("brief.comparison.col.metric", lang), t("brief.comparison.col.pilot", lang, name=name),
                                    t("brief.comparison.col.group", lang), t("brief.comparison.col.did", lang)], rows)
        return
    header = [t("brief.comparison.col.region", lang)] + [t("brief.comparison.col.did_metric", lang, metric=BY_ID[m].label(lang))
                                                       for m in COMPARED]
    rows = []
    for code in pilots:
        mine_did = did[did.pilot_code == code].set_index("metric")
        if mine_did.empty:
            continue
        rows.append([region_names.get(code, code)] + [
            fmt.pp(mine_did.at[m, "did"], lang) + (small if fmt.is_set(mine_did.at[m, "small"]) else "")
            if m in mine_did.index else fmt.EMPTY for m in COMPARED])
    content.comparison = Table(header, rows) if rows else None


# -- the public view ------------------------------------------------------------------------

_COUNTS = ("eligible_families", "eligible_covered", "excluded_families", "recipients", "eligible_recipients",
           "ineligible_recipients", "not_in_register")
_AMOUNTS = ("allocated_amount", "disbursed_amount")
_RATES = ("coverage", "exclusion_error", "inclusion_error", "disbursement_rate")


def _suppressed(runner: QueryRunner, request: Request) -> suppress.Suppressed:
    """The region indicators of the brief's regions, every tranche at once,
    through the public view's suppression (totals as its "ALL" rows)."""
    frame = runner.run("region_indicators", as_of=request.snapshot, basis=request.basis, program=request.program,
                       year=None, tranche=None, province=None, regions=list(request.regions or ()))
    frame = frame[frame.is_pilot.astype(bool)].reset_index(drop=True)
    return suppress.public_region_indicators(frame)


def _public_key(request: Request) -> str:
    return request.code if request.kind == "region" else suppress.TOTAL_LABEL


def _public_hidden(runner: QueryRunner, request: Request) -> set[tuple[str, str]]:
    """(region, rate) cells the public view does not show, for the rank table."""
    result = _suppressed(runner, request)
    mine = result.status[(result.values.year == request.year) & (result.values.tranche == request.tranche)]
    codes = result.values.loc[mine.index, "region_code"]
    return {(code, rate) for rate in _RATES for code, status in zip(codes, mine[rate]) if status != suppress.SHOWN}


def _public_rows(runner: QueryRunner, request: Request) -> tuple[pd.DataFrame, pd.Series, frozenset[str]]:
    """The brief's rows by tranche as the public view shows them (hidden and
    small cells empty; changes only where both tranches are shown), the
    selected tranche's row with each count as shown ("< 10", "—"), and the
    rates withheld in it."""
    result = _suppressed(runner, request)
    key = _public_key(request)
    values = result.values[result.values.region_code == key].copy()
    status = result.status.loc[values.index]
    order = values.sort_values(["year", "tranche"]).index
    values, status = values.loc[order].reset_index(drop=True), status.loc[order].reset_index(drop=True)
    values["recipients_assessed"] = values["recipients"]
    min_families = settings.get_int("min_families")
    values["coverage_small"] = values["eligible_families"] < min_families
    values["inclusion_small"] = values["recipients"] < min_families
    for column in _RATES:
        values[f"prev_{column}"] = values[column].shift(1)
    values["prev_year"], values["prev_tranche"] = values["year"].shift(1), values["tranche"].shift(1)
    values = values.astype(object).where(values.notna(), None)
    current = values[(values.year == request.year) & (values.tranche == request.tranche)]
    index = current.index[0]
    text = current.iloc[0].copy()
    for column in (*_COUNTS, *_AMOUNTS):
        if column in status and status.at[index, column] != suppress.SHOWN:
            text[column] = f"< {result.k}" if status.at[index, column] == suppress.SMALL else "—"
    text["recipients_assessed"] = text["recipients"]
    withheld = frozenset(rate for rate in _RATES if status.at[index, rate] == suppress.HIDDEN)
    return values, text, withheld


# -- making the file -----------------------------------------------------------------------


def make(runner: QueryRunner, request: Request, images, *, public: bool = False, for_whom: str | None = None,
         now: datetime | None = None) -> tuple[bytes, Content]:
    """The brief as PDF bytes (and what it says)."""
    from bansos import briefpdf

    content = gather(runner, settle(runner, request), public=public, for_whom=for_whom, now=now)
    return briefpdf.render(content, images), content




# -- command line ------------------------------------------------------------------------

REGION_CODE = re.compile(r"\d{2}\.\d{2}")
PROVINCE_CODE = re.compile(r"\d{2}")


def record(db, content: Content, payload: bytes, out, person, as_email, via: str = "cli", runner_name=None) -> None:
    """One audit record per brief (who, for whom, what, the SHA-256 of the file)."""
    import hashlib

    from bansos import audit

    r = content.request
    audit.record(db, "brief", via=via, runner=runner_name, actor=person.describe() if person is not None else None,
                 as_email=as_email, subject=f"{r.kind} {r.code}", regions=list(r.regions or ()),
                 filters={"program": r.program, "year": r.year, "tranche": r.tranche, "snapshot": r.snapshot,
                          "basis": r.basis, "lang": r.lang},
                 file=str(out) if out else content.file_name, sha256=hashlib.sha256(payload).hexdigest(), bytes=len(payload),
                 empty=content.empty)


def run_brief_command(args) -> int:
    """`python -m bansos brief`: exit 0 written, 1 refused or failed, 2 usage."""
    import sys
    import time
    from pathlib import Path

    from bansos import audit
    from bansos.access import AccessFileError, reference_regions
    from bansos.charts.static import Images
    from bansos.export import ExportFilters, ExportRefused, acting_for_right

    if (args.year is None) != (args.tranche is None):
        print("usage error: give --year and --tranche together", file=sys.stderr)
        return 2
    if args.region and not REGION_CODE.fullmatch(args.region):
        print(f"usage error: --region takes a kab/kota code like 18.72, not {args.region!r}", file=sys.stderr)
        return 2
    if args.province and not PROVINCE_CODE.fullmatch(args.province):
        print(f"usage error: --province takes a province code like 18, not {args.province!r}", file=sys.stderr)
        return 2
    regions, by_province = reference_regions()
    if args.region and args.region not in regions:
        print(f"brief refused: {args.region} is not a kab/kota code of the reference list", file=sys.stderr)
        return 1
    if args.province and args.province not in by_province:
        print(f"brief refused: {args.province} is not a province code of the reference list", file=sys.stderr)
        return 1
    db = settings.db_path(args.db)
    if not db.exists():
        print(f"brief refused: no warehouse at {db}", file=sys.stderr)
        return 1
    person, scope = None, None
    if args.as_email:
        print(f"note: acting for {args.as_email}: only e-mail and domain grants apply (group grants need a login token)",
              file=sys.stderr)
        filters = ExportFilters(province=args.province, regions=[args.region] if args.region else [])
        try:
            person, right = acting_for_right(args.as_email, "aggregate_export", "a brief", filters)
        except (ExportRefused, AccessFileError) as error:
            audit.record(db, "denied", via="cli", runner=audit.runner_name(), as_email=args.as_email, table="brief",
                         reason=str(error))
            print(f"brief refused: {error}", file=sys.stderr)
            return 1
        scope = person.scope(right)
    runner = QueryRunner(db, scope=scope)
    base = Request("region", "", program=args.program, year=args.year, tranche=args.tranche, snapshot=args.snapshot,
                   basis=args.basis, lang=args.lang)
    if args.all:
        options = runner.run("options_regions")
        pilots = options[options.is_pilot.astype(bool)]
        requests = [replace(base, kind="region", code=c) for c in pilots.region_code]
        requests += [replace(base, kind="province", code=p) for p in dict.fromkeys(pilots.province_code)]
    else:
        requests = [replace(base, kind="region" if args.region else "province", code=args.region or args.province)]
    out = Path(args.out)
    started = time.perf_counter()
    written = []
    try:
        with Images() as images:
            for request in requests:
                payload, content = make(runner, request, images, for_whom=args.as_email)
                target = out / content.file_name if args.all else out
                # Logged before the file is handed out: a brief that cannot be logged is not written.
                record(db, content, payload, target, person, args.as_email, runner_name=audit.runner_name())
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(payload)
                written.append((target, content))
    except audit.AuditError as error:
        print(f"brief refused: {error}", file=sys.stderr)
        return 1
    finally:
        runner.close()
    took = time.perf_counter() - started
    for target, content in written:
        note = " (no data for this period)" if content.empty else ""
        print(f"wrote {target}{note}", file=sys.stderr)
    if args.all:
        print(f"{len(written)} briefs ({sum(c.request.kind == 'region' for _, c in written)} pilots, "
              f"{sum(c.request.kind == 'province' for _, c in written)} provinces) in {took:.1f} s "
              f"({took / max(1, len(written)):.2f} s each, the browser's start included)", file=sys.stderr)
    return 0
