"""The page questions answered the way a typical Streamlit dashboard does it:
facts loaded into pandas DataFrames (from Parquet), filtered and grouped per
request. Independent of the SQL marts on purpose: the tests use it to check
that marts equal the facts, and the benchmark uses it as the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

TIMELY_DAYS = 30


@dataclass
class Facts:
    family: pd.DataFrame
    allocation: pd.DataFrame
    programs: pd.DataFrame
    regions: pd.DataFrame
    pilots: pd.DataFrame
    calendar: pd.DataFrame


FAMILY_COLUMNS = "lower(hex(family_key)) AS family_key, snapshot_date, region_code, kecamatan_code, desil, channel, decision, appeal"
ALLOCATION_COLUMNS = (
    "lower(hex(family_key)) AS family_key, program, year, tranche, region_code, kecamatan_code, amount, status, institution, paid_date"
)


def load_facts(db: Path) -> Facts:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return Facts(
            family=con.execute(f"SELECT {FAMILY_COLUMNS} FROM current_family").df(),
            allocation=allocation_flags(con.execute(f"SELECT {ALLOCATION_COLUMNS} FROM current_allocation").df()),
            programs=con.execute("SELECT * FROM ref_program").df(),
            regions=con.execute("SELECT * FROM ref_region").df(),
            pilots=con.execute("SELECT * FROM ref_pilot").df(),
            calendar=con.execute("SELECT * FROM ref_tranche_calendar").df(),
        )
    finally:
        con.close()


STATUS_RANK = {"tersalur": 1, "proses": 2, "gagal": 3, "retur": 4}


def allocation_flags(a: pd.DataFrame) -> pd.DataFrame:
    """The allocation rules (docs/indicators.md), in pandas: `is_reroute`, a
    failed or returned row of a family that has another paid or pending row
    of the same programme and tranche (not an allocation); `is_primary`, the
    one row per family, programme, tranche and kab/kota that counts the
    family there; `is_first`, one row per family, programme and tranche."""
    period = ["family_key", "program", "year", "tranche"]
    live = a.status.isin(("tersalur", "proses"))
    has_live = live.groupby([a[c] for c in period]).transform("any")
    reroute = a.status.isin(("gagal", "retur")) & has_live
    order = a.assign(
        _reroute=reroute.astype(int), _status=a.status.map(STATUS_RANK).fillna(5),
        _paid=pd.to_datetime(a.paid_date).fillna(pd.Timestamp.max),
        _inst=a.institution.fillna("\uffff"), _kec=a.kecamatan_code.fillna("\uffff"),
    ).sort_values(["_reroute", "_status", "_paid", "_inst", "_kec", "region_code"], kind="stable")
    primary = ~order.duplicated(subset=[*period, "region_code"]) & (order._reroute == 0)
    first = ~order.duplicated(subset=period) & (order._reroute == 0)
    return a.assign(is_reroute=reroute, is_primary=primary.reindex(a.index), is_first=first.reindex(a.index))


def latest_as_of(facts: Facts):
    return facts.family.snapshot_date.max() if len(facts.family) else None


def register_at(facts: Facts, as_of) -> pd.DataFrame:
    """Each region's latest snapshot on or before as_of, with a `layak` flag
    that counts only where the snapshot has decisions."""
    family = facts.family
    if as_of is None or family.empty:
        return family.iloc[0:0].assign(layak=pd.Series(dtype=bool))
    as_of = pd.Timestamp(as_of)
    dates = pd.to_datetime(family.snapshot_date)
    eligible_dates = family[dates <= as_of]
    chosen = eligible_dates.groupby("region_code").snapshot_date.max().rename("chosen")
    reg = family.merge(chosen, left_on="region_code", right_index=True)
    reg = reg[reg.snapshot_date == reg.chosen].drop(columns="chosen")
    has_decisions = reg.groupby("region_code").decision.apply(lambda s: s.notna().any()).rename("has_decisions")
    reg = reg.merge(has_decisions, left_on="region_code", right_index=True)
    reg["layak"] = ((reg.decision == "layak") | (reg.appeal == "diterima")) & reg.has_decisions
    return reg


def region_indicators(facts: Facts, program: str, year: int, tranche: int, basis: str = "desil", as_of=None) -> pd.DataFrame:
    """Region indicators for one programme and tranche (docs/indicators.md), in pandas."""
    as_of = as_of if as_of is not None else latest_as_of(facts)
    reg = register_at(facts, as_of)
    threshold = facts.programs.set_index("code").max_desil.get(program)
    if basis == "desil":
        eligible_flag = reg.desil.notna() & (reg.desil <= threshold)
    else:
        eligible_flag = reg.layak.fillna(False).astype(bool)
    alloc = facts.allocation
    tranche_rows = alloc[(alloc.program == program) & (alloc.year == year) & (alloc.tranche == tranche)]
    r = tranche_rows[tranche_rows.is_primary]  # one row per family and kab/kota
    recipients_set = set(r.family_key)
    eligible_set = set(reg.family_key[eligible_flag])
    register_set = set(reg.family_key)

    eligible = reg[eligible_flag].groupby("region_code").size()
    covered = reg[eligible_flag & reg.family_key.isin(recipients_set)].groupby("region_code").size()
    recipients = r.groupby("region_code").size()
    eligible_recipients = r[r.family_key.isin(eligible_set)].groupby("region_code").size()
    not_in_register = r[~r.family_key.isin(register_set)].groupby("region_code").size()
    paid = r[r.status == "tersalur"]
    paid_rows = tranche_rows[tranche_rows.status == "tersalur"]  # money paid twice adds up
    allocated_rows = tranche_rows[~tranche_rows.is_reroute]
    start = pd.Timestamp(year=year, month=int(facts.calendar.set_index("tranche").start_month[tranche]), day=1)
    timely = paid[pd.to_datetime(paid.paid_date) <= start + pd.Timedelta(days=TIMELY_DAYS)]

    regions = sorted(set(facts.family.region_code) | set(alloc.region_code))
    out = pd.DataFrame({"region_code": regions}).set_index("region_code")
    has_register = pd.Series(True, index=reg.region_code.unique())
    has_decisions = reg.groupby("region_code").has_decisions.first() if len(reg) else pd.Series(dtype=bool)
    out["has_register"] = has_register.reindex(out.index).fillna(False).astype(bool)
    defined = out.has_register if basis == "desil" else out.has_register & has_decisions.reindex(out.index).fillna(False).astype(bool)
    out["eligible_families"] = eligible.reindex(out.index).fillna(0).where(defined)
    out["eligible_covered"] = covered.reindex(out.index).fillna(0).where(defined)
    out["recipients"] = recipients.reindex(out.index).fillna(0)
    out["eligible_recipients"] = eligible_recipients.reindex(out.index).fillna(0).where(defined)
    out["not_in_register"] = not_in_register.reindex(out.index).fillna(0).where(out.has_register)
    out["allocated_amount"] = allocated_rows.groupby("region_code").amount.sum().reindex(out.index).fillna(0)
    out["disbursed_amount"] = paid_rows.groupby("region_code").amount.sum().reindex(out.index).fillna(0)
    out["paid_families"] = paid.groupby("region_code").size().reindex(out.index).fillna(0)
    out["timely_families"] = timely.groupby("region_code").size().reindex(out.index).fillna(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["coverage"] = out.eligible_covered / out.eligible_families.replace(0, np.nan)
        out["exclusion_error"] = 1 - out.coverage
        out["inclusion_error"] = (out.recipients - out.eligible_recipients) / out.recipients.replace(0, np.nan)
        out["disbursement_rate"] = out.disbursed_amount / out.allocated_amount.replace(0, np.nan)
    return out.reset_index()


# =============================================================================
# The page questions, one pandas function per query file (the benchmark's
# baseline). `PandasPages(data).run(name, **params)` mirrors
# `QueryRunner.run(name, **params)`: same parameters (the runner's own
# `$scope`, `$min_families` and `$timely_days` come from the same settings),
# same columns. Each request starts from the facts (exported to Parquet once,
# read per request) and filters and groups them; intermediate results are
# shared between the queries of one request only (as a page that prepares its
# data once per run would), never across requests.
# =============================================================================

NEW_CHANNELS = ("mandiri", "agen", "musdes", "dinsos")
BASES = ("desil", "layak")
PAGE_TABLES = ("ref_program", "ref_region", "ref_pilot", "ref_tranche_calendar", "ref_province",
               "ref_kecamatan", "ref_comparison", "load_ledger", "meta", "rejections")
QUARANTINE_COLUMNS = (
    "load_id, file_name, line, reasons, row_values, no_kk_masked, lpad(lower(hex(no_kk_key)), 32, '0') AS no_kk_key, "
    "nik_masked, lpad(lower(hex(nik_key)), 32, '0') AS nik_key"
)


@dataclass
class PageData(Facts):
    provinces: pd.DataFrame
    kecamatan: pd.DataFrame
    comparison: pd.DataFrame
    ledger: pd.DataFrame
    quarantine: pd.DataFrame
    meta: pd.DataFrame
    rejections: pd.DataFrame


def _tables(read) -> PageData:
    family = read("family")
    allocation = read("allocation")
    for frame, column in ((family, "snapshot_date"), (allocation, "paid_date")):
        frame[column] = pd.to_datetime(frame[column])
    allocation = allocation_flags(allocation)
    return PageData(
        family=family, allocation=allocation, programs=read("ref_program"), regions=read("ref_region"),
        pilots=read("ref_pilot"), calendar=read("ref_tranche_calendar"), provinces=read("ref_province"),
        kecamatan=read("ref_kecamatan"), comparison=read("ref_comparison"), ledger=read("load_ledger"),
        quarantine=read("quarantine"), meta=read("meta"), rejections=read("rejections"),
    )


def _select(name: str) -> str:
    if name == "family":
        return f"SELECT {FAMILY_COLUMNS} FROM current_family"
    if name == "allocation":
        return f"SELECT {ALLOCATION_COLUMNS} FROM current_allocation"
    if name == "quarantine":
        return f"SELECT {QUARANTINE_COLUMNS} FROM quarantine"
    return f"SELECT * FROM {name}"


def export_page_parquet(db: Path, folder: Path) -> None:
    """Everything the page questions need, as Parquet files (done once)."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for name in ("family", "allocation", "quarantine", *PAGE_TABLES):
            con.execute(f"COPY ({_select(name)}) TO '{folder / (name + '.parquet')}' (FORMAT parquet)")
    finally:
        con.close()


def load_page_parquet(folder: Path) -> PageData:
    """What a typical dashboard does on every request: read the Parquet files."""
    return _tables(lambda name: pd.read_parquet(folder / f"{name}.parquet"))


def load_page_data(db: Path) -> PageData:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return _tables(lambda name: con.execute(_select(name)).df())
    finally:
        con.close()


def _settings() -> dict:
    from bansos import settings

    return {"min_families": settings.get_int("min_families"), "timely_days": settings.get_int("timely_days")}


def _div(numerator, denominator):
    """SQL `a / NULLIF(b, 0)`: NULL (NaN) when b is 0 or NULL."""
    numerator = pd.to_numeric(numerator, errors="coerce").astype(float)
    denominator = pd.to_numeric(denominator, errors="coerce").astype(float)
    return numerator / denominator.where(denominator != 0)


def _sum(series: pd.Series):
    """SQL sum(): NULL when every value is NULL (or there are none)."""
    return series.sum(min_count=1)


def _in_list(series: pd.Series, values) -> pd.Series:
    """`($list IS NULL OR list_contains($list, column))`."""
    if values is None:
        return pd.Series(True, index=series.index)
    return series.isin(list(values))


def _nullable_lt(values: pd.Series, limit: int) -> pd.Series:
    """SQL `values < limit` as an object series of True / False / None."""
    out = (values < limit).astype(object)
    out[values.isna()] = None
    return out


def _or3(*parts: pd.Series) -> pd.Series:
    """SQL three-valued OR, then coalesce(..., true)."""
    any_true = pd.Series(False, index=parts[0].index)
    any_null = pd.Series(False, index=parts[0].index)
    for part in parts:
        any_true |= part.eq(True)
        any_null |= part.isna()
    return any_true | any_null


_ANY = object()


def _true(mask: pd.Series) -> pd.Series:
    """A comparison with NULLs as SQL's WHERE reads it: NULL is not true."""
    return mask.astype(object).eq(True)


def _date(value):
    return None if value is None else pd.Timestamp(str(value)[:10])


class PageQuestions:
    """What every baseline engine shares: one request's worth of work over
    facts already in memory, one method per query file (named after it),
    `run(name, **params)` mirroring `QueryRunner.run`, the settings the
    queries read, and intermediate results shared within the request."""

    ENGINE = ""  # named in the error for a query the engine does not answer

    def __init__(self, data, scope: tuple[str, ...] | None = None, **settings):
        self.d = data
        self.scope = scope
        conf = _settings()
        conf.update(settings)
        self.min_families = conf["min_families"]
        self.timely_days = conf["timely_days"]
        self._memo: dict = {}

    def run(self, name: str, **params):
        function = getattr(self, name, None)
        if function is None or name.startswith("_"):
            raise KeyError(f"no {self.ENGINE} implementation of {name}")
        return function(**params)

    @classmethod
    def implemented(cls) -> list[str]:
        from bansos.queries import query_names

        return [name for name in query_names() if callable(getattr(cls, name, None))]

    def _once(self, key, build):
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]


class PandasPages(PageQuestions):
    """One request's worth of pandas: the facts in memory (PageData), the page
    questions answered from them, one method per query file (named after it)."""

    ENGINE = "pandas"

    # -- shared building blocks (the marts' definitions, in pandas) -------------------

    def _snapshot_dates(self) -> list:
        return self._once("dates", lambda: sorted(self.d.family.snapshot_date.dropna().unique()))

    def _chosen(self, as_of):
        """coalesce($as_of, latest snapshot); "absent" when a given date has
        no register (nothing is computed at it)."""
        dates = self._snapshot_dates()
        if as_of is None:
            return dates[-1] if dates else None
        as_of = _date(as_of)
        return as_of if as_of in dates else "absent"

    def _slices(self) -> pd.DataFrame:
        def build():
            f = self.d.family
            return (
                f.assign(decided=f.decision.notna())
                .groupby(["region_code", "snapshot_date"], as_index=False)
                .agg(families=("family_key", "size"), has_decisions=("decided", "any"))
            )
        return self._once("slices", build)

    def _snapshot(self, as_of) -> pd.DataFrame:
        """mart_snapshot at one as_of: region_code, snapshot_date, families, has_decisions."""
        def build():
            slices = self._slices()
            if as_of is None or isinstance(as_of, str):
                return slices.iloc[0:0]
            usable = slices[slices.snapshot_date <= as_of]
            latest = usable.groupby("region_code").snapshot_date.transform("max")
            return usable[usable.snapshot_date == latest].reset_index(drop=True)
        return self._once(("snapshot", as_of), build)

    def _register(self, as_of) -> pd.DataFrame:
        """The register in use at as_of (t_reg / t_reg_detail), with `layak`."""
        def build():
            snap = self._snapshot(as_of)[["region_code", "snapshot_date", "has_decisions"]]
            reg = self.d.family.merge(snap, on=["region_code", "snapshot_date"])
            reg["layak"] = (reg.decision.eq("layak") | reg.appeal.eq("diterima")) & reg.has_decisions
            return reg
        return self._once(("register", as_of), build)

    def _families(self, as_of) -> pd.DataFrame:
        """Family-level membership across all regions (t_fam): min_desil, layak."""
        def build():
            return self._register(as_of).groupby("family_key").agg(min_desil=("desil", "min"), layak=("layak", "any"))
        return self._once(("families", as_of), build)

    def _threshold(self, program):
        table = self.d.programs.set_index("code").max_desil
        value = table.get(program)
        return None if value is None or pd.isna(value) else float(value)

    def _periods(self) -> pd.DataFrame:
        return self._once("periods", lambda: self.d.allocation.loc[~self.d.allocation.is_reroute, ["program", "year", "tranche"]].drop_duplicates()
                          .sort_values(["program", "year", "tranche"]).reset_index(drop=True))

    def _present_regions(self) -> list:
        return self._once("present", lambda: sorted(set(self._family_regions()) | set(self._allocation_regions())))

    def _family_regions(self) -> list:
        # unique() first: Series.isin(<millions of strings>) is very slow
        return self._once("family_regions", lambda: list(self.d.family.region_code.unique()))

    def _allocation_regions(self) -> list:
        return self._once("allocation_regions", lambda: list(self.d.allocation.region_code.unique()))

    def _allocation_mart(self) -> pd.DataFrame:
        """mart_allocation: region × kecamatan × programme × tranche × institution."""
        def build():
            a = self.d.allocation
            cal = self.d.calendar.set_index("tranche")
            month = a.tranche.map(cal.start_month)
            day = a.tranche.map(cal.start_day)
            start = pd.to_datetime(
                pd.DataFrame({"year": a.year.astype(int), "month": month, "day": day}), errors="coerce"
            )
            paid = a.status.eq("tersalur")
            primary = a.is_primary.astype(bool)
            frame = pd.DataFrame({
                "region_code": a.region_code, "kecamatan_code": a.kecamatan_code, "program": a.program,
                "year": a.year, "tranche": a.tranche, "institution": a.institution,
                "recipients": primary.astype(int), "allocated_amount": a.amount.where(~a.is_reroute, 0),
                "paid_families": (primary & paid).astype(int), "disbursed_amount": a.amount.where(paid, 0),
                "timely_families": (primary & paid & (a.paid_date <= start + pd.Timedelta(days=self.timely_days))).astype(int),
                "failed_families": (primary & a.status.eq("gagal")).astype(int),
                "returned_families": (primary & a.status.eq("retur")).astype(int),
                "pending_families": (primary & a.status.eq("proses")).astype(int),
                "rerouted_payments": a.is_reroute.astype(int),
                "allocation_rows": (~a.is_reroute).astype(int),
            })
            keys = ["region_code", "kecamatan_code", "program", "year", "tranche", "institution"]
            return frame.groupby(keys, dropna=False, as_index=False).sum()
        return self._once("allocation_mart", build)

    def _targeting_area(self, as_of, basis: str, program: str) -> pd.DataFrame:
        """Counts per region × kecamatan × tranche of one programme (the
        sparse mart_targeting_kecamatan, before the NULL rules)."""
        def build():
            reg = self._register(as_of)
            fam = self._families(as_of)
            threshold = self._threshold(program)
            alloc = self.d.allocation[self.d.allocation.program == program]
            primary, first = alloc[alloc.is_primary], alloc[alloc.is_first]
            periods = self._periods()
            periods = periods[periods.program == program][["year", "tranche"]]
            if basis == "desil":
                row_eligible = _true(reg.desil <= threshold) if threshold is not None else pd.Series(False, index=reg.index)
            else:
                row_eligible = _true(reg.layak)
            area = ["region_code", "kecamatan_code"]
            eligible = reg.assign(e=row_eligible.astype(int)).groupby(area, dropna=False, as_index=False).e.sum()
            eligible = eligible.merge(periods, how="cross")
            covered_rows = reg.loc[row_eligible, [*area, "family_key"]].merge(
                first[["family_key", "year", "tranche"]], on="family_key")
            covered = covered_rows.groupby([*area, "year", "tranche"], dropna=False).size().rename("c").reset_index()
            flags = primary[["family_key", "year", "tranche", "region_code", "kecamatan_code"]].merge(
                fam, left_on="family_key", right_index=True, how="left", indicator=True)
            in_register = flags["_merge"] == "both"
            if basis == "desil":
                fam_eligible = _true(flags.min_desil <= threshold) if threshold is not None else pd.Series(False, index=flags.index)
            else:
                fam_eligible = _true(flags.layak)
            flags = flags.assign(r=1, er=fam_eligible.astype(int), nir=(~in_register).astype(int))
            recip = flags.groupby([*area, "year", "tranche"], dropna=False, as_index=False)[["r", "er", "nir"]].sum()
            keys = [*area, "year", "tranche"]
            out = eligible.merge(covered, on=keys, how="outer").merge(recip, on=keys, how="outer")
            out = out.fillna({"e": 0, "c": 0, "r": 0, "er": 0, "nir": 0})
            return out.rename(columns={"e": "eligible_families", "c": "eligible_covered", "r": "recipients",
                                       "er": "eligible_recipients", "nir": "not_in_register"})
        return self._once(("area", as_of, basis, program), build)

    def _targeting(self, as_of, basis: str, program: str | None = None) -> pd.DataFrame:
        """mart_targeting at one as_of and basis (a dense grid: every present
        region × every tranche allocated), optionally of one programme."""
        def build():
            columns = ["as_of", "basis", "program", "year", "tranche", "region_code", "register_snapshot",
                       "has_register", "has_decisions", "eligible_families", "eligible_covered", "recipients",
                       "eligible_recipients", "not_in_register"]
            if isinstance(as_of, str) or basis not in BASES:
                return pd.DataFrame(columns=columns)
            programs = sorted(self._periods().program.unique()) if program is None else [program]
            snap = self._snapshot(as_of).set_index("region_code")
            parts = []
            for code in programs:
                periods = self._periods()
                periods = periods[periods.program == code]
                if periods.empty:
                    continue
                grid = pd.DataFrame({"region_code": self._present_regions()}).merge(periods, how="cross")
                area = self._targeting_area(as_of, basis, code)
                summed = area.groupby(["region_code", "year", "tranche"], as_index=False)[
                    ["eligible_families", "eligible_covered", "recipients", "eligible_recipients", "not_in_register"]].sum()
                grid = grid.merge(summed, on=["region_code", "year", "tranche"], how="left")
                grid["register_snapshot"] = grid.region_code.map(snap.snapshot_date)
                grid["has_register"] = grid.region_code.isin(snap.index)
                grid["has_decisions"] = grid.region_code.map(snap.has_decisions).fillna(False).astype(bool)
                defined = grid.has_register & ((basis == "desil") | grid.has_decisions)
                for column in ("eligible_families", "eligible_covered", "eligible_recipients"):
                    grid[column] = grid[column].fillna(0).where(defined)
                grid["not_in_register"] = grid.not_in_register.fillna(0).where(grid.has_register)
                grid["recipients"] = grid.recipients.fillna(0)
                parts.append(grid)
            if not parts:
                return pd.DataFrame(columns=columns)
            out = pd.concat(parts, ignore_index=True)
            out["as_of"] = as_of
            out["basis"] = basis
            return out[columns]
        return self._once(("targeting", as_of, basis, program), build)

    def _targeting_of(self, as_of, basis: str, program) -> pd.DataFrame:
        """`t.program = $program`: a NULL programme matches nothing."""
        t = self._targeting(as_of, basis, program)
        return t.iloc[0:0] if program is None else t

    def _funnel(self, as_of) -> pd.DataFrame:
        """mart_funnel at one as_of."""
        def build():
            reg = self._register(as_of)
            new = reg.channel.isin(NEW_CHANNELS)
            tidak = new & reg.decision.eq("tidak_layak")
            counts = pd.DataFrame({
                "region_code": reg.region_code,
                "families": 1,
                "new_registrations": new,
                "channel_mandiri": reg.channel.eq("mandiri"),
                "channel_agen": reg.channel.eq("agen"),
                "channel_musdes": reg.channel.eq("musdes"),
                "channel_dinsos": reg.channel.eq("dinsos"),
                "channel_dtsen": reg.channel.eq("dtsen"),
                "channel_blank": reg.channel.isna(),
                "decided": new & reg.decision.notna(),
                "layak": new & reg.decision.eq("layak"),
                "tidak_layak": tidak,
                "appealed": tidak & reg.appeal.isin(("diajukan", "diterima", "ditolak")),
                "upheld": tidak & reg.appeal.eq("diterima"),
                "appeal_rejected": tidak & reg.appeal.eq("ditolak"),
                "final_layak": new & (reg.decision.eq("layak") | (reg.decision.eq("tidak_layak") & reg.appeal.eq("diterima"))),
            })
            return counts.groupby("region_code", as_index=False).sum()
        return self._once(("funnel", as_of), build)

    def _funnel_recipients(self, as_of, program, year, tranche) -> pd.DataFrame:
        """mart_funnel_recipients for one tranche: region_code, recipients, paid."""
        reg = self._register(as_of)
        final = reg[reg.channel.isin(NEW_CHANNELS)
                    & (reg.decision.eq("layak") | (reg.decision.eq("tidak_layak") & reg.appeal.eq("diterima")))]
        a = self.d.allocation
        a = a[(a.program == program) & (a.year == year) & (a.tranche == tranche) & ~a.is_reroute]
        joined = final[["region_code", "family_key"]].merge(a[["family_key", "status"]], on="family_key")
        paid = joined[joined.status == "tersalur"]
        return pd.DataFrame({
            "recipients": joined.groupby("region_code").family_key.nunique(),
            "paid": paid.groupby("region_code").family_key.nunique(),
        }).fillna(0).rename_axis("region_code").reset_index()

    def _comparison(self) -> pd.DataFrame:
        """mart_comparison: pilot_code, comparison_code, source."""
        def build():
            present = set(self._present_regions())
            regions = self.d.regions
            pilots = self.d.pilots[["region_code"]].merge(regions[["code", "province_code"]], left_on="region_code", right_on="code")
            pilots = pilots[pilots.region_code.isin(present)]
            table = self.d.comparison
            listed = table[table.pilot_code.isin(pilots.region_code)][["pilot_code", "comparison_code"]].assign(source="table")
            default_pilots = pilots[~pilots.region_code.isin(table.pilot_code)][["region_code", "province_code"]]
            candidates = regions[regions.code.isin(present) & ~regions.code.isin(self.d.pilots.region_code)]
            default = default_pilots.merge(candidates[["code", "province_code"]], on="province_code")
            default = pd.DataFrame({"pilot_code": default.region_code, "comparison_code": default.code, "source": "default"})
            return pd.concat([listed, default], ignore_index=True)
        return self._once("comparison", build)

    def _scoped(self, series: pd.Series) -> pd.Series:
        return _in_list(series, self.scope)

    def _region_names(self) -> pd.DataFrame:
        return self.d.regions.rename(columns={"code": "region_code", "name": "region_name"})

    def _pilot_flags(self, codes: pd.Series) -> tuple[pd.Series, pd.Series]:
        pilots = self.d.pilots.set_index("region_code")
        return codes.isin(pilots.index), codes.map(pilots.status)

    # -- reference-only questions (one trivial implementation each) -------------------

    def programs(self) -> pd.DataFrame:
        columns = ["code", "aliases", "name_id", "name_en", "max_desil", "benefit_per_tranche", "tranches_per_year", "source"]
        return self.d.programs[columns].sort_values("code").reset_index(drop=True)

    def options_periods(self) -> pd.DataFrame:
        a = self.d.allocation[self.d.allocation.is_primary].groupby(["program", "year", "tranche"], as_index=False).size().rename(columns={"size": "families"})
        p = self.d.programs[["code", "name_id", "name_en", "max_desil"]].rename(columns={"code": "program"})
        out = a.merge(p, on="program", how="left")
        out = out.sort_values(["max_desil", "program", "year", "tranche"], na_position="last")
        return out[["program", "name_id", "name_en", "max_desil", "year", "tranche", "families"]].reset_index(drop=True)

    def options_snapshots(self) -> pd.DataFrame:
        rows = [(d, len(self._snapshot(d))) for d in self._snapshot_dates()]
        return pd.DataFrame(rows, columns=["as_of", "regions"])

    def warehouse_meta(self) -> pd.DataFrame:
        meta = dict(zip(self.d.meta.key, self.d.meta.value))
        ledger = self.d.ledger
        return pd.DataFrame([{
            "is_demo": meta.get("is_demo") == "true",
            "created_at": meta.get("created_at"),
            "marts_built_at": meta.get("marts_built_at"),
            "last_load_at": ledger.loaded_at.max() if len(ledger) else None,
            "loads": len(ledger),
            "families_rows": len(self.d.family),
            "allocation_rows": len(self.d.allocation),
            "quarantined_rows": len(self.d.quarantine),
        }])

    def loads(self) -> pd.DataFrame:
        columns = ["load_id", "file_name", "kind", "loaded_at", "as_of", "extract_date", "replace_mode", "rows_read",
                   "rows_loaded", "rows_quarantined", "rows_superseded", "rows_removed", "message", "warnings", "content_hash",
                   "loaded_by", "unloaded_at"]
        return self.d.ledger.sort_values("load_id", ascending=False)[columns].reset_index(drop=True)

    def rejections(self, who, limit) -> pd.DataFrame:
        r = self.d.rejections
        if self.scope is not None:
            r = r[r.rejected_by.eq(who)] if who is not None else r.iloc[0:0]
        r = r.sort_values("rejected_at", ascending=False)
        out = r[["rejected_at", "file_name", "kind", "message", "rejected_by"]].assign(total=len(r))
        return out.head(int(limit)).reset_index(drop=True)

    def region_names(self, regions) -> pd.DataFrame:
        g = self.d.regions
        g = g[_in_list(g.code, regions)] if regions is not None else g.iloc[0:0]  # list_contains(NULL, …) is NULL
        return g.sort_values("code").rename(columns={"code": "region_code", "name": "region_name"})[
            ["region_code", "region_name"]].reset_index(drop=True)

    def kualitas_totals(self) -> pd.DataFrame:
        ledger = self.d.ledger
        read = _sum(ledger.rows_read)
        return pd.DataFrame([{
            "files": len(ledger),
            "files_keluarga": int((ledger.kind == "keluarga").sum()),
            "files_penyaluran": int((ledger.kind == "penyaluran").sum()),
            "files_with_quarantine": int((ledger.rows_quarantined > 0).sum()),
            "files_with_warnings": int((ledger.warnings.fillna("") != "").sum()),
            "rows_read": ledger.rows_read.sum(), "rows_loaded": ledger.rows_loaded.sum(),
            "rows_quarantined": ledger.rows_quarantined.sum(), "rows_superseded": ledger.rows_superseded.sum(),
            "rows_removed": ledger.rows_removed.sum(),
            "quarantine_rate": _sum(ledger.rows_quarantined) / read if read else np.nan,
            "first_load_at": ledger.loaded_at.min(), "last_load_at": ledger.loaded_at.max(),
            "quarantined_rows": len(self.d.quarantine),
        }])

    def _quarantine_reasons(self) -> pd.DataFrame:
        q = self.d.quarantine[["load_id", "file_name", "line", "reasons"]].copy()
        q["reasons"] = q.reasons.map(list)
        return q.explode("reasons").dropna(subset=["reasons"]).rename(columns={"reasons": "reason"})

    def kualitas_reasons(self) -> pd.DataFrame:
        tagged = self._quarantine_reasons().merge(self.d.ledger[["load_id", "kind"]], on="load_id")
        by_kind = tagged.groupby(["reason", "kind"], as_index=False).agg(rows=("load_id", "size"), files=("load_id", "nunique"))
        by_kind["reason_rows"] = by_kind.groupby("reason").rows.transform("sum")
        total = len(self.d.quarantine)
        by_kind["share"] = by_kind.reason_rows / total if total else np.nan
        by_kind = by_kind.sort_values(["reason_rows", "reason", "kind"], ascending=[False, True, True])
        return by_kind.reset_index(drop=True)

    def quarantine_by_reason(self) -> pd.DataFrame:
        tagged = self._quarantine_reasons()
        out = tagged.groupby(["load_id", "file_name", "reason"], as_index=False).agg(rows=("line", "size"), first_line=("line", "min"))
        return out.sort_values(["load_id", "rows"], ascending=[False, False]).reset_index(drop=True)

    def quarantine_rows(self, load_id, reason, limit) -> pd.DataFrame:
        q = self.d.quarantine
        keep = pd.Series(True, index=q.index)
        if load_id is not None:
            keep &= q.load_id == int(load_id)
        if reason is not None:
            keep &= q.reasons.map(lambda rs: reason in list(rs))
        q = q[keep].sort_values(["load_id", "line"], ascending=[False, True]).head(int(limit))
        return pd.DataFrame({
            "load_id": q.load_id, "file_name": q.file_name, "line": q.line,
            "reasons": q.reasons.map(lambda rs: ", ".join(rs)), "row_values": q.row_values,
            "no_kk_masked": q.no_kk_masked, "nik_masked": q.nik_masked,
        }).reset_index(drop=True)

    def quarantine_export(self) -> pd.DataFrame:
        q = self.d.quarantine.sort_values(["load_id", "line"])
        return pd.DataFrame({
            "load_id": q.load_id, "file_name": q.file_name, "line": q.line,
            "reasons": q.reasons.map(lambda rs: ";".join(rs)), "row_values": q.row_values,
            "no_kk_masked": q.no_kk_masked, "no_kk_key": q.no_kk_key, "nik_masked": q.nik_masked, "nik_key": q.nik_key,
        }).reset_index(drop=True)

    # -- options and the comparison groups ---------------------------------------------

    def reference_regions(self) -> pd.DataFrame:
        out = self._region_names().merge(
            self.d.provinces[["code", "name"]].rename(columns={"code": "province_code", "name": "province_name"}),
            on="province_code", how="left")
        return out.sort_values("region_code")[["region_code", "region_name", "province_code", "province_name"]].reset_index(drop=True)

    def options_regions(self) -> pd.DataFrame:
        present = pd.DataFrame({"region_code": self._present_regions()})
        if self._periods().empty:
            # registers without any allocation loaded yet
            present = pd.DataFrame({"region_code": sorted(self._family_regions())})
        present["has_register"] = present.region_code.isin(self._family_regions())
        present["has_allocations"] = present.region_code.isin(self._allocation_regions())
        out = present.merge(self._region_names(), on="region_code")
        out = out.merge(self.d.provinces[["code", "name"]].rename(columns={"code": "province_code", "name": "province_name"}),
                        on="province_code", how="left")
        pilots = self.d.pilots.set_index("region_code")
        out["is_pilot"] = out.region_code.isin(pilots.index)
        out["pilot_status"] = out.region_code.map(pilots.status)
        out["cohort"] = out.region_code.map(pilots.cohort)
        out = out[self._scoped(out.region_code)]
        columns = ["region_code", "region_name", "type", "province_code", "province_name", "is_pilot", "pilot_status",
                   "cohort", "has_register", "has_allocations", "population", "lat", "lon"]
        return out.sort_values(["province_code", "region_code"])[columns].reset_index(drop=True)

    def cakupan_comparison_regions(self, pilots) -> pd.DataFrame:
        c = self._comparison()
        c = c[_in_list(c.pilot_code, pilots) & self._scoped(c.comparison_code)]
        return c.sort_values(["pilot_code", "comparison_code"]).reset_index(drop=True)

    def _present_flags(self) -> pd.DataFrame:
        """Per region: any register, any allocation (as mart_targeting says)."""
        regions = pd.DataFrame({"region_code": self._present_regions()}) if not self._periods().empty else pd.DataFrame({"region_code": []})
        regions["has_register"] = regions.region_code.isin(self._family_regions())
        regions["has_allocations"] = regions.region_code.isin(self._allocation_regions())
        return regions.set_index("region_code")

    def perbandingan_comparison_group(self, pilots) -> pd.DataFrame:
        c = self._comparison()
        c = c[_in_list(c.pilot_code, pilots) & self._scoped(c.comparison_code)]
        out = c.merge(self._region_names()[["region_code", "region_name", "province_code"]],
                      left_on="comparison_code", right_on="region_code")
        out = out.merge(self.d.provinces[["code", "name"]].rename(columns={"code": "province_code", "name": "province_name"}),
                        on="province_code", how="left")
        flags = self._present_flags()
        out["has_register"] = out.comparison_code.map(flags.has_register).fillna(False).astype(bool)
        out["has_allocations"] = out.comparison_code.map(flags.has_allocations).fillna(False).astype(bool)
        out = out.rename(columns={"region_name": "comparison_name"})
        columns = ["pilot_code", "comparison_code", "comparison_name", "province_code", "province_name", "source",
                   "has_register", "has_allocations"]
        return out.sort_values(["pilot_code", "comparison_code"])[columns].reset_index(drop=True)

    # -- allocation-only questions -----------------------------------------------------

    def _allocation_in(self, program, year=_ANY, tranche=_ANY, province=None, regions=None, join_region=True):
        a = self._allocation_mart()
        # `column = $value`: a NULL value matches nothing
        keep = self._scoped(a.region_code) & _in_list(a.region_code, regions) & a.program.eq(program)
        if year is not _ANY:
            keep &= a.year.eq(year)
        if tranche is not _ANY:
            keep &= a.tranche.eq(tranche)
        a = a[keep]
        if join_region:
            a = a.merge(self.d.regions[["code", "province_code"]], left_on="region_code", right_on="code")
            if province is not None:
                a = a[a.province_code == province]
        return a

    def disbursement_by_tranche(self, program, province, regions) -> pd.DataFrame:
        a = self._allocation_in(program=program, province=province, regions=regions)
        columns = ["recipients", "allocated_amount", "disbursed_amount", "paid_families", "timely_families",
                   "failed_families", "returned_families", "pending_families"]
        g = a.groupby(["year", "tranche"], as_index=False)[columns].sum()
        g["disbursement_rate"] = _div(g.disbursed_amount, g.allocated_amount)
        g["disbursement_rate_families"] = _div(g.paid_families, g.recipients)
        g["timeliness"] = _div(g.timely_families, g.recipients)
        order = ["year", "tranche", "recipients", "allocated_amount", "disbursed_amount", "disbursement_rate",
                 "paid_families", "disbursement_rate_families", "timely_families", "timeliness", "failed_families",
                 "returned_families", "pending_families"]
        return g.sort_values(["year", "tranche"])[order].reset_index(drop=True)

    def cakupan_payment_status(self, program, regions) -> pd.DataFrame:
        a = self._allocation_in(program=program, regions=regions, join_region=False)
        g = a.groupby(["year", "tranche"], as_index=False)[
            ["recipients", "paid_families", "failed_families", "returned_families", "pending_families"]].sum()
        parts = []
        for order, (status, column) in enumerate(
            (("tersalur", "paid_families"), ("gagal", "failed_families"), ("retur", "returned_families"),
             ("proses", "pending_families")), start=1):
            parts.append(pd.DataFrame({"year": g.year, "tranche": g.tranche, "status": status, "status_order": order,
                                       "families": g[column], "recipients": g.recipients}))
        out = pd.concat(parts, ignore_index=True)
        out["share"] = _div(out.families, out.recipients)
        return out.sort_values(["year", "tranche", "status_order"]).reset_index(drop=True)

    def channel_mix(self, program, year, tranche, province, regions) -> pd.DataFrame:
        a = self._allocation_in(program, year, tranche, province, regions)
        g = a.groupby("institution", dropna=False, as_index=False)[["recipients", "paid_families", "disbursed_amount"]].sum()
        total = g.disbursed_amount.sum()
        g["share"] = g.disbursed_amount / total if total else np.nan
        return g.sort_values("disbursed_amount", ascending=False).reset_index(drop=True)

    # -- register-based indicators -----------------------------------------------------

    def _alloc_by_region(self, program=None) -> pd.DataFrame:
        a = self._allocation_mart()
        if program is not None:
            a = a[a.program == program]
        return a.groupby(["region_code", "program", "year", "tranche"], as_index=False)[
            ["allocated_amount", "disbursed_amount", "paid_families", "timely_families"]].sum()

    def region_indicators(self, as_of, basis, program, year, tranche, province, regions) -> pd.DataFrame:
        chosen = self._chosen(as_of)
        t = self._targeting(chosen, basis, program)
        if year is not None:
            t = t[t.year == year]
        if tranche is not None:
            t = t[t.tranche == tranche]
        t = t.merge(self.d.regions[["code", "name", "province_code", "lat", "lon"]], left_on="region_code", right_on="code")
        t = t.merge(self._alloc_by_region(program), on=["region_code", "program", "year", "tranche"], how="left")
        is_pilot, status = self._pilot_flags(t.region_code)
        out = pd.DataFrame({
            "region_code": t.region_code, "region_name": t.name, "province_code": t.province_code,
            "province_name": t.province_code.map(self.d.provinces.set_index("code").name),
            "is_pilot": is_pilot, "pilot_status": status,
            "program": t.program, "year": t.year, "tranche": t.tranche, "as_of": t.as_of,
            "register_snapshot": t.register_snapshot,
            "eligible_families": t.eligible_families, "eligible_covered": t.eligible_covered,
            "recipients": t.recipients, "eligible_recipients": t.eligible_recipients,
            "ineligible_recipients": t.recipients - t.eligible_recipients, "not_in_register": t.not_in_register,
            "coverage": _div(t.eligible_covered, t.eligible_families),
            "exclusion_error": 1 - _div(t.eligible_covered, t.eligible_families),
            "inclusion_error": _div(t.recipients - t.eligible_recipients, t.recipients),
            "allocated_amount": t.allocated_amount.fillna(0), "disbursed_amount": t.disbursed_amount.fillna(0),
            "disbursement_rate": _div(t.disbursed_amount, t.allocated_amount),
            "paid_families": t.paid_families.fillna(0),
            "disbursement_rate_families": _div(t.paid_families, t.recipients),
            "timely_families": t.timely_families.fillna(0),
            "timeliness": _div(t.timely_families, t.recipients),
            "coverage_small": (t.eligible_families < self.min_families).fillna(False).astype(bool),
            "inclusion_small": t.recipients < self.min_families,
            "lat": t.lat, "lon": t.lon,
        })
        slot = ["program", "year", "tranche"]
        for name, value, small, descending in (
            ("rank_coverage", "coverage", "coverage_small", True),
            ("rank_exclusion_error", "exclusion_error", "coverage_small", False),
            ("rank_inclusion_error", "inclusion_error", "inclusion_small", False),
            ("rank_disbursement", "disbursement_rate", "inclusion_small", True),
        ):
            ranked = out.is_pilot & ~out[small] & out[value].notna()
            out[name] = out[value].where(ranked).groupby([out[c] for c in slot]).rank(method="min", ascending=not descending)
        # Ranks are among all pilots: the province, region and scope filters choose rows after ranking.
        if province is not None:
            out = out[out.province_code == province]
        out = out[_in_list(out.region_code, regions) & self._scoped(out.region_code)]
        return out.sort_values(["program", "year", "tranche", "province_code", "region_code"]).reset_index(drop=True)

    def _period_totals(self, picked: pd.DataFrame, alloc: pd.DataFrame) -> pd.DataFrame:
        sums = ["eligible_families", "eligible_covered", "recipients", "eligible_recipients", "not_in_register"]
        group = picked.groupby(["program", "year", "tranche"], as_index=False)
        s = group.agg(regions=("region_code", "size"))
        for column in sums:
            s[column] = group[column].agg(_sum)[column]
        # regions with register-based indicators on this basis
        s["regions_with_register"] = group.eligible_families.count().eligible_families
        s["pilot_regions"] = group.is_pilot.sum().is_pilot
        s["comparison_regions"] = s.regions - s.pilot_regions
        # the inclusion error's denominator: recipients of regions where it is defined
        s["recipients_assessed"] = picked.assign(
            ra=picked.recipients.where(picked.eligible_recipients.notna())
        ).groupby(["program", "year", "tranche"]).ra.agg(_sum).to_numpy()
        a = alloc.groupby(["year", "tranche"], as_index=False)[
            ["allocated_amount", "disbursed_amount", "paid_families", "timely_families"]].sum()
        s = s.merge(a, on=["year", "tranche"], how="left", suffixes=("", "_a"))
        return s.sort_values(["year", "tranche"]).reset_index(drop=True)

    def _picked(self, as_of, basis, program, regions) -> pd.DataFrame:
        t = self._targeting_of(self._chosen(as_of), basis, program)
        t = t[_in_list(t.region_code, regions) & self._scoped(t.region_code)]
        return t.assign(is_pilot=t.region_code.isin(self.d.pilots.region_code))

    def totals_by_period(self, as_of, basis, program, regions) -> pd.DataFrame:
        picked = self._picked(as_of, basis, program, regions)
        a = self._allocation_mart()
        alloc = a[(a.program == program) & a.region_code.isin(picked.region_code.unique())]
        s = self._period_totals(picked, alloc)
        out = s[["program", "year", "tranche", "regions", "pilot_regions", "comparison_regions", "regions_with_register",
                 "eligible_families", "eligible_covered", "recipients", "eligible_recipients", "recipients_assessed",
                 "not_in_register"]].copy()
        out["excluded_families"] = s.eligible_families - s.eligible_covered
        out["ineligible_recipients"] = s.recipients_assessed - s.eligible_recipients
        for column in ("allocated_amount", "disbursed_amount", "paid_families", "timely_families"):
            out[column] = s[column].fillna(0)
        out["coverage"] = _div(s.eligible_covered, s.eligible_families)
        out["exclusion_error"] = 1 - out.coverage
        out["inclusion_error"] = _div(s.recipients_assessed - s.eligible_recipients, s.recipients_assessed)
        out["disbursement_rate"] = _div(s.disbursed_amount, s.allocated_amount)
        out["disbursement_rate_families"] = _div(s.paid_families, s.recipients)
        out["timeliness"] = _div(s.timely_families, s.recipients)
        out["coverage_small"] = (s.eligible_families < self.min_families).fillna(False).astype(bool)
        out["inclusion_small"] = (s.recipients_assessed < self.min_families).where(s.recipients_assessed.notna(), True).astype(bool)
        out["period_index"] = np.arange(1, len(out) + 1)
        lagged = ["year", "tranche", "coverage", "exclusion_error", "inclusion_error", "disbursement_rate",
                  "disbursement_rate_families", "timeliness", "eligible_families", "recipients", "disbursed_amount",
                  "coverage_small", "inclusion_small"]
        for column in lagged:
            out[f"prev_{column}"] = out[column].shift(1)
        for column in ("coverage", "exclusion_error", "inclusion_error", "disbursement_rate",
                       "disbursement_rate_families", "timeliness", "eligible_families", "recipients", "disbursed_amount"):
            out[f"{column}_change"] = out[column] - out[f"prev_{column}"]
        return out

    def period_change(self, as_of, basis, program, year1, tranche1, year2, tranche2, province, regions) -> pd.DataFrame:
        t = self._targeting_of(self._chosen(as_of), basis, program)
        t = t[self._scoped(t.region_code)].merge(self._alloc_by_region(program)[
            ["region_code", "year", "tranche", "allocated_amount", "disbursed_amount"]],
            on=["region_code", "year", "tranche"], how="left")
        sides = []
        for suffix, year, tranche in (("_1", year1, tranche1), ("_2", year2, tranche2)):
            x = t[(t.year == year) & (t.tranche == tranche)]
            sides.append(pd.DataFrame({
                "region_code": x.region_code,
                "eligible_families" + suffix: x.eligible_families, "eligible_covered" + suffix: x.eligible_covered,
                "recipients" + suffix: x.recipients, "eligible_recipients" + suffix: x.eligible_recipients,
                "allocated_amount" + suffix: x.allocated_amount, "disbursed_amount" + suffix: x.disbursed_amount,
                "coverage" + suffix: _div(x.eligible_covered, x.eligible_families),
                "exclusion_error" + suffix: 1 - _div(x.eligible_covered, x.eligible_families),
                "inclusion_error" + suffix: _div(x.recipients - x.eligible_recipients, x.recipients),
                "disbursement_rate" + suffix: _div(x.disbursed_amount, x.allocated_amount),
                "small" + suffix: _or3(_nullable_lt(x.eligible_families, self.min_families),
                                       _nullable_lt(x.recipients, self.min_families)),
            }))
        j = sides[0].merge(sides[1], on="region_code", how="outer")
        j["small_1"] = j.small_1.where(j.small_1.notna(), True).astype(bool)
        j["small_2"] = j.small_2.where(j.small_2.notna(), True).astype(bool)
        order = ["eligible_families_1", "eligible_covered_1", "recipients_1", "eligible_recipients_1",
                 "allocated_amount_1", "disbursed_amount_1", "coverage_1",
                 "exclusion_error_1", "inclusion_error_1", "disbursement_rate_1", "eligible_families_2",
                 "eligible_covered_2", "recipients_2", "eligible_recipients_2", "allocated_amount_2",
                 "disbursed_amount_2", "coverage_2", "exclusion_error_2",
                 "inclusion_error_2", "disbursement_rate_2", "small_1", "small_2"]
        j = j.merge(self._region_names()[["region_code", "region_name", "province_code"]], on="region_code")
        if province is not None:
            j = j[j.province_code == province]
        j = j[_in_list(j.region_code, regions)]
        j["is_pilot"] = j.region_code.isin(self.d.pilots.region_code)
        out = j[["region_code", "region_name", "province_code", "is_pilot", *order]].copy()
        for metric in ("coverage", "exclusion_error", "inclusion_error", "disbursement_rate"):
            out[f"{metric}_change"] = out[f"{metric}_2"] - out[f"{metric}_1"]
        return out.sort_values(["province_code", "region_code"]).reset_index(drop=True)

    def kecamatan_indicators(self, region, as_of, basis, program, year, tranche) -> pd.DataFrame:
        columns = ["kecamatan_code", "kecamatan_name", "eligible_families", "eligible_covered", "recipients",
                   "eligible_recipients", "not_in_register", "coverage", "exclusion_error", "inclusion_error",
                   "allocated_amount", "disbursed_amount", "disbursement_rate", "coverage_small", "inclusion_small"]
        chosen = self._chosen(as_of)
        if isinstance(chosen, str) or basis not in BASES or not self._scoped(pd.Series([region])).iloc[0]:
            return pd.DataFrame(columns=columns)
        if self._periods()[lambda p: (p.program == program) & (p.year == year) & (p.tranche == tranche)].empty:
            return pd.DataFrame(columns=columns)
        area = self._targeting_area(chosen, basis, program)
        t = area[(area.region_code == region) & (area.year == year) & (area.tranche == tranche)]
        t = t.groupby("kecamatan_code", dropna=False, as_index=False)[
            ["eligible_families", "eligible_covered", "recipients", "eligible_recipients", "not_in_register"]].sum()
        snap = self._snapshot(chosen).set_index("region_code")
        has_register = region in snap.index
        defined = has_register and (basis == "desil" or bool(snap.has_decisions.get(region, False)))
        for column in ("eligible_families", "eligible_covered", "eligible_recipients"):
            t[column] = t[column] if defined else np.nan
        t["not_in_register"] = t.not_in_register if has_register else np.nan
        a = self._allocation_in(program, year, tranche, regions=[region], join_region=False)
        a = a[a.region_code == region].groupby("kecamatan_code", dropna=False, as_index=False)[
            ["allocated_amount", "disbursed_amount"]].sum()
        t = t.merge(a, on="kecamatan_code", how="left")
        t = t.merge(self.d.kecamatan[["code", "name"]].rename(columns={"code": "kecamatan_code", "name": "kecamatan_name"}),
                    on="kecamatan_code", how="left")
        out = pd.DataFrame({
            "kecamatan_code": t.kecamatan_code, "kecamatan_name": t.kecamatan_name,
            "eligible_families": t.eligible_families, "eligible_covered": t.eligible_covered,
            "recipients": t.recipients, "eligible_recipients": t.eligible_recipients,
            "not_in_register": t.not_in_register,
            "coverage": _div(t.eligible_covered, t.eligible_families),
            "exclusion_error": 1 - _div(t.eligible_covered, t.eligible_families),
            "inclusion_error": _div(t.recipients - t.eligible_recipients, t.recipients),
            "allocated_amount": t.allocated_amount.fillna(0), "disbursed_amount": t.disbursed_amount.fillna(0),
            "disbursement_rate": _div(t.disbursed_amount, t.allocated_amount),
            "coverage_small": (t.eligible_families < self.min_families).fillna(False).astype(bool),
            "inclusion_small": t.recipients < self.min_families,
        })
        return out.sort_values("kecamatan_code", na_position="last").reset_index(drop=True)

    def _recipient_groups(self, as_of, program, year, tranche) -> pd.DataFrame:
        """mart_decile for one tranche: region_code, desil_group, recipients."""
        a = self.d.allocation
        a = a[(a.program == program) & (a.year == year) & (a.tranche == tranche) & a.is_primary]
        if not (a.program.isin(self.d.programs.code)).all():
            a = a[a.program.isin(self.d.programs.code)]
        fam = self._families(as_of)
        flags = a[["family_key", "region_code"]].merge(fam, left_on="family_key", right_index=True, how="left", indicator=True)
        group = np.where(flags["_merge"] != "both", "not_in_register",
                         np.where(flags.min_desil.isna(), "unranked",
                                  flags.min_desil.fillna(0).astype(int).astype(str).str.zfill(2)))
        return flags.assign(desil_group=group).groupby(["region_code", "desil_group"], as_index=False).size().rename(
            columns={"size": "recipients"})

    def _regions_in(self, frame: pd.DataFrame, province, regions) -> pd.DataFrame:
        frame = frame.merge(self.d.regions[["code", "province_code"]], left_on="region_code", right_on="code")
        if province is not None:
            frame = frame[frame.province_code == province]
        return frame[_in_list(frame.region_code, regions) & self._scoped(frame.region_code)]

    def decile_distribution(self, as_of, program, year, tranche, province, regions) -> pd.DataFrame:
        chosen = self._chosen(as_of)
        if isinstance(chosen, str):
            return pd.DataFrame(columns=["desil_group", "recipients", "share"])
        d = self._regions_in(self._recipient_groups(chosen, program, year, tranche), province, regions)
        g = d.groupby("desil_group", as_index=False).recipients.sum()
        total = g.recipients.sum()
        g["share"] = g.recipients / total if total else np.nan
        return g.sort_values("desil_group").reset_index(drop=True)

    def register_decile(self, as_of, province, regions) -> pd.DataFrame:
        reg = self._register(self._chosen(as_of))
        group = np.where(reg.desil.isna(), "unranked", reg.desil.fillna(0).astype(int).astype(str).str.zfill(2))
        d = reg.assign(desil_group=group).groupby(["region_code", "desil_group"], as_index=False).size().rename(
            columns={"size": "families"})
        d = self._regions_in(d, province, regions)
        g = d.groupby("desil_group", as_index=False).families.sum()
        total = g.families.sum()
        g["share"] = g.families / total if total else np.nan
        return g.sort_values("desil_group").reset_index(drop=True)

    # -- pilot against comparison regions -----------------------------------------------

    def _members(self, with_lone_pilots: bool) -> pd.DataFrame:
        c = self._comparison()
        pilots = c[["pilot_code"]].drop_duplicates().assign(region_code=lambda x: x.pilot_code, grp="pilot")
        parts = [pilots]
        if with_lone_pilots:
            lone = self.d.pilots.region_code
            lone = lone[~lone.isin(c.pilot_code) & lone.isin(self._present_regions()) & (not self._periods().empty)]
            parts.append(pd.DataFrame({"pilot_code": lone, "region_code": lone, "grp": "pilot"}))
        parts.append(pd.DataFrame({"pilot_code": c.pilot_code, "region_code": c.comparison_code, "grp": "comparison"}))
        return pd.concat(parts, ignore_index=True)

    def _group_sums(self, as_of, basis, program, pilots, with_lone_pilots, periods=None) -> pd.DataFrame:
        t = self._targeting_of(self._chosen(as_of), basis, program)
        if periods is not None:
            keep = pd.Series(False, index=t.index)
            for year, tranche in periods:
                keep |= (t.year == year) & (t.tranche == tranche)
            t = t[keep]
        m = self._members(with_lone_pilots)
        m = m[_in_list(m.pilot_code, pilots) & self._scoped(m.region_code)]
        j = m.merge(t, on="region_code").merge(
            self._alloc_by_region(program)[["region_code", "year", "tranche", "allocated_amount", "disbursed_amount"]],
            on=["region_code", "year", "tranche"], how="left")
        j["recipients_assessed"] = j.recipients.where(j.eligible_recipients.notna())
        keys = ["pilot_code", "grp", "year", "tranche"]
        g = j.groupby(keys, as_index=False)
        out = g.size().rename(columns={"size": "regions"})
        for column in ("eligible_families", "eligible_covered", "recipients", "eligible_recipients",
                       "recipients_assessed", "allocated_amount", "disbursed_amount"):
            out[column] = g[column].agg(_sum)[column].to_numpy()
        out["allocated_amount"] = out.allocated_amount.fillna(0)
        out["disbursed_amount"] = out.disbursed_amount.fillna(0)
        return out

    def comparison_trend(self, as_of, basis, program, pilots) -> pd.DataFrame:
        g = self._group_sums(as_of, basis, program, pilots, with_lone_pilots=True)
        g = g.merge(self._region_names()[["region_code", "region_name"]], left_on="pilot_code", right_on="region_code")
        out = pd.DataFrame({
            "pilot_code": g.pilot_code, "pilot_name": g.region_name, "grp": g.grp, "regions": g.regions,
            "year": g.year, "tranche": g.tranche, "eligible_families": g.eligible_families,
            "eligible_covered": g.eligible_covered, "recipients": g.recipients,
            "eligible_recipients": g.eligible_recipients, "recipients_assessed": g.recipients_assessed,
            "allocated_amount": g.allocated_amount, "disbursed_amount": g.disbursed_amount,
            "coverage": _div(g.eligible_covered, g.eligible_families),
            "exclusion_error": 1 - _div(g.eligible_covered, g.eligible_families),
            "inclusion_error": _div(g.recipients_assessed - g.eligible_recipients, g.recipients_assessed),
            "disbursement_rate": _div(g.disbursed_amount, g.allocated_amount),
            "small": _or3(_nullable_lt(g.eligible_families, self.min_families),
                          _nullable_lt(g.recipients_assessed, self.min_families)),
        })
        return out.sort_values(["pilot_code", "grp", "year", "tranche"], ascending=[True, False, True, True]).reset_index(drop=True)

    def comparison_did(self, as_of, basis, program, year1, tranche1, year2, tranche2, pilots) -> pd.DataFrame:
        g = self._group_sums(as_of, basis, program, pilots, with_lone_pilots=False,
                             periods=((year1, tranche1), (year2, tranche2)))
        g["period"] = np.where((g.year == year1) & (g.tranche == tranche1), 1, 2)
        g = g.groupby(["pilot_code", "grp", "period"], as_index=False)[
            ["eligible_families", "eligible_covered", "recipients_assessed", "eligible_recipients",
             "allocated_amount", "disbursed_amount"]].agg(_sum)
        metrics = {
            "coverage": (g.eligible_covered, g.eligible_families),
            "exclusion_error": (g.eligible_families - g.eligible_covered, g.eligible_families),
            "inclusion_error": (g.recipients_assessed - g.eligible_recipients, g.recipients_assessed),
            "disbursement_rate": (g.disbursed_amount, g.allocated_amount),
        }
        long = pd.concat([
            pd.DataFrame({"pilot_code": g.pilot_code, "grp": g.grp, "period": g.period, "metric": metric,
                          "num": num, "den": den})
            for metric, (num, den) in metrics.items()
        ], ignore_index=True)
        out = long[["pilot_code", "metric"]].drop_duplicates()
        for prefix, grp in (("pilot", "pilot"), ("comp", "comparison")):
            for period in (1, 2):
                side = long[(long.grp == grp) & (long.period == period)].groupby(["pilot_code", "metric"], as_index=False)[
                    ["num", "den"]].max()
                side = side.rename(columns={"num": f"{prefix}_num_{period}", "den": f"{prefix}_den_{period}"})
                out = out.merge(side, on=["pilot_code", "metric"], how="left")
        for prefix in ("pilot", "comp"):
            for period in (1, 2):
                out[f"{prefix}_rate_{period}"] = _div(out[f"{prefix}_num_{period}"], out[f"{prefix}_den_{period}"])
        out["pilot_change"] = out.pilot_rate_2 - out.pilot_rate_1
        out["comp_change"] = out.comp_rate_2 - out.comp_rate_1
        out["did"] = out.pilot_change - out.comp_change
        dens = out[["pilot_den_1", "pilot_den_2", "comp_den_1", "comp_den_2"]]
        least_small = dens.min(axis=1, skipna=True) < self.min_families
        least_small = least_small.where(dens.notna().any(axis=1), True)
        out["small"] = (out.metric != "disbursement_rate") & least_small.astype(bool)
        c = self._comparison()
        codes = c.sort_values("comparison_code").groupby("pilot_code").comparison_code.agg(list)
        out = out.merge(self._region_names()[["region_code", "region_name"]], left_on="pilot_code", right_on="region_code")
        out["pilot_name"] = out.region_name
        out["comparison_codes"] = out.pilot_code.map(codes)
        columns = ["pilot_code", "pilot_name", "comparison_codes", "metric", "pilot_num_1", "pilot_den_1", "pilot_num_2",
                   "pilot_den_2", "comp_num_1", "comp_den_1", "comp_num_2", "comp_den_2", "pilot_rate_1",
                   "pilot_rate_2", "comp_rate_1", "comp_rate_2", "pilot_change", "comp_change", "did", "small"]
        return out.sort_values(["pilot_code", "metric"])[columns].reset_index(drop=True)

    # -- registration funnel -----------------------------------------------------------

    FUNNEL_COUNTS = ("families", "new_registrations", "channel_mandiri", "channel_agen", "channel_musdes",
                     "channel_dinsos", "channel_dtsen", "channel_blank", "decided", "layak", "tidak_layak",
                     "appealed", "upheld", "appeal_rejected", "final_layak")

    def _funnel_base(self, as_of, program, year, tranche, province, regions, registration_only: bool,
                     with_recipients: bool = True) -> pd.DataFrame:
        chosen = self._chosen(as_of)
        if isinstance(chosen, str):
            chosen = "absent"
        f = self._funnel(chosen)
        snap = self._snapshot(chosen)[["region_code", "snapshot_date", "has_decisions"]]
        f = f.merge(snap, on="region_code").merge(self._region_names()[["region_code", "region_name", "province_code"]],
                                                  on="region_code")
        if registration_only:
            f = f[(f.new_registrations > 0) | f.has_decisions.fillna(False)]
        if province is not None:
            f = f[f.province_code == province]
        f = f[_in_list(f.region_code, regions) & self._scoped(f.region_code)].copy()
        if with_recipients:
            fr = self._funnel_recipients(chosen, program, year, tranche).set_index("region_code")
            f["recipients"] = f.region_code.map(fr.recipients).fillna(0)
            f["paid"] = f.region_code.map(fr.paid).fillna(0)
        f["is_pilot"], f["pilot_status"] = self._pilot_flags(f.region_code)
        return f

    def funnel(self, as_of, program, year, tranche, province, regions) -> pd.DataFrame:
        f = self._funnel_base(as_of, program, year, tranche, province, regions, registration_only=False)
        out = f[["region_code", "region_name", "is_pilot"]].copy()
        out["register_snapshot"] = f.snapshot_date
        for column in self.FUNNEL_COUNTS:
            out[column] = f[column]
        out["recipients"], out["paid"] = f.recipients, f.paid
        out["self_registered_share"] = _div(f.channel_mandiri, f.new_registrations)
        out["layak_rate"] = _div(f.layak, f.decided)
        out["upheld_rate"] = _div(f.upheld, f.appealed)
        out["province_code"] = f.province_code
        out = out.sort_values(["province_code", "region_code"]).drop(columns="province_code")
        return out.reset_index(drop=True)

    def pendaftaran_steps(self, as_of, program, year, tranche, province, regions) -> pd.DataFrame:
        f = self._funnel_base(as_of, program, year, tranche, province, regions, registration_only=True)
        total = {c: pd.to_numeric(f[c]).fillna(0).sum() for c in ("new_registrations", "decided", "layak", "tidak_layak", "appealed", "upheld",
                                         "final_layak", "recipients", "paid")}
        steps = [
            (1, "new_registrations", "main", None), (2, "decided", "main", "new_registrations"),
            (3, "layak", "decision", "decided"), (4, "tidak_layak", "appeal", "decided"),
            (5, "appealed", "appeal", "tidak_layak"), (6, "upheld", "appeal", "appealed"),
            (7, "final_layak", "main", "decided"), (8, "recipients", "main", "final_layak"),
            (9, "paid", "main", "recipients"),
        ]
        out = pd.DataFrame([
            {"step_order": order, "step": step, "branch": branch, "families": total[step], "base_step": base,
             "base_families": float(total[base]) if base else np.nan}
            for order, step, branch, base in steps
        ])
        out["rate"] = _div(out.families, out.base_families)
        out["small"] = (out.base_families < self.min_families).fillna(False).astype(bool)
        out["regions"] = len(f)
        return out

    def pendaftaran_channels(self, as_of, province, regions) -> pd.DataFrame:
        f = self._funnel_base(as_of, None, None, None, province, regions, registration_only=True, with_recipients=False)
        counts = ["new_registrations", "channel_mandiri", "channel_agen", "channel_musdes", "channel_dinsos",
                  "channel_dtsen", "channel_blank"]
        regional = f[["region_code", "region_name", "is_pilot", *counts]].assign(is_total=False)
        parts = [regional]
        if len(f):
            parts.append(pd.DataFrame([{"is_total": True, "region_code": None, "region_name": None, "is_pilot": None,
                                        **{c: f[c].sum() for c in counts}}]))
        w = pd.concat(parts, ignore_index=True)
        long = pd.concat([
            w.assign(channel=channel, channel_order=order, families=w[f"channel_{channel}"])
            for channel, order in (("mandiri", 1), ("agen", 2), ("musdes", 3), ("dinsos", 4))
        ], ignore_index=True)
        long["share"] = _div(long.families, long.new_registrations)
        long["self_registered_share"] = _div(long.channel_mandiri, long.new_registrations)
        long["small"] = long.new_registrations < self.min_families
        long = long.sort_values(["is_total", "self_registered_share", "region_code", "channel_order"],
                                ascending=[False, False, True, True], na_position="last")
        columns = ["is_total", "region_code", "region_name", "is_pilot", "channel", "channel_order", "families",
                   "new_registrations", "share", "channel_mandiri", "self_registered_share", "small", "channel_dtsen",
                   "channel_blank"]
        return long[columns].reset_index(drop=True)

    def ringkasan_registration_totals(self, as_of, regions) -> pd.DataFrame:
        f = self._funnel_base(as_of, None, None, None, None, regions, registration_only=False, with_recipients=False)
        row = {"regions": len(f), "regions_with_registration": int((f.new_registrations > 0).sum())}
        for column in ("families", "new_registrations", "channel_mandiri", "channel_agen", "channel_musdes",
                       "channel_dinsos", "channel_dtsen", "decided", "layak", "final_layak"):
            row[column] = _sum(f[column])
        row["self_registered_share"] = (row["channel_mandiri"] / row["new_registrations"]
                                        if row["new_registrations"] and not pd.isna(row["new_registrations"]) else np.nan)
        row["first_snapshot"] = f.snapshot_date.min() if len(f) else None
        row["last_snapshot"] = f.snapshot_date.max() if len(f) else None
        return pd.DataFrame([row])

    # -- freshness and the pilot list ----------------------------------------------------

    def _all_snapshots(self) -> pd.DataFrame:
        """mart_snapshot over every as_of (region_code, as_of, snapshot_date, families)."""
        def build():
            parts = [self._snapshot(d).assign(as_of=d) for d in self._snapshot_dates()]
            return pd.concat(parts, ignore_index=True) if parts else self._slices().iloc[0:0].assign(as_of=None)
        return self._once("all_snapshots", build)

    def _freshness_parts(self):
        snaps = self._all_snapshots()
        reg = snaps.groupby("region_code").agg(latest_snapshot=("snapshot_date", "max"), snapshots=("snapshot_date", "nunique"))
        a = self._allocation_mart()
        period = a.year.astype(int) * 10 + a.tranche.astype(int)
        alloc = period.groupby(a.region_code).max().rename("latest_period")
        latest = a[period.to_numpy() == a.region_code.map(alloc).to_numpy()]
        progs = latest.groupby("region_code").program.agg(lambda s: ", ".join(sorted(set(s)))).rename("programs")
        return reg, alloc, progs, a, period

    def freshness(self) -> pd.DataFrame:
        reg, alloc, progs, a, period = self._freshness_parts()
        overall = period.max() if len(period) else np.nan
        latest_programs = sorted(set(a.program[period.to_numpy() == overall]))
        have = set(zip(a.region_code[period.to_numpy() == overall], a.program[period.to_numpy() == overall]))
        missing = {}
        for region in alloc.index[alloc.to_numpy() == overall]:
            gone = [p for p in latest_programs if (region, p) not in have]
            if gone:
                missing[region] = ", ".join(gone)
        x = pd.DataFrame({"region_code": sorted(set(reg.index) | set(alloc.index) | set(self.d.pilots.region_code))})
        x = x.merge(self._region_names()[["region_code", "region_name", "province_code"]], on="region_code")
        x["is_pilot"], x["pilot_status"] = self._pilot_flags(x.region_code)
        x["latest_snapshot"] = pd.to_datetime(x.region_code.map(reg.latest_snapshot.to_dict()))
        x["snapshots"] = x.region_code.map(reg.snapshots).fillna(0)
        latest_period = x.region_code.map(alloc)
        x["latest_year"] = latest_period // 10
        x["latest_tranche"] = latest_period % 10
        x["programs"] = x.region_code.map(progs)
        x["missing_programs"] = x.region_code.map(missing)
        x = x[self._scoped(x.region_code)].copy()
        x["group_latest_snapshot"] = x.groupby("is_pilot").latest_snapshot.transform("max")
        x["latest_year_all"] = overall // 10
        x["latest_tranche_all"] = overall % 10
        x["no_register"] = x.latest_snapshot.isna()
        x["no_allocations"] = latest_period.loc[x.index].isna()
        x["register_behind"] = (x.latest_snapshot < x.group_latest_snapshot).fillna(False)
        x["tranche_behind"] = (latest_period.loc[x.index] < overall).fillna(False)
        x["needs_attention"] = (x.no_register | x.no_allocations | x.register_behind | x.tranche_behind
                                | x.missing_programs.notna())
        return x.sort_values(["province_code", "region_code"]).reset_index(drop=True)

    def kualitas_pilots(self) -> pd.DataFrame:
        p = self.d.pilots
        p = p[self._scoped(p.region_code)].copy()
        names = self.d.regions.set_index("code").name
        provinces = self.d.provinces.set_index("code").name
        status_order = p.status.map({"confirmed": 1, "reported": 2}).fillna(3)
        out = pd.DataFrame({
            "region_code": p.region_code,
            "region_name": p.region_code.map(names).fillna(p.region_name),
            "province_code": p.province_code,
            "province_name": p.province_code.map(provinces).fillna(p.province_name),
            "cohort": p.cohort, "status": p.status, "source": p.source,
            "has_register": p.region_code.isin(self._all_snapshots().region_code.unique()),
            "has_allocations": p.region_code.isin(self._allocation_regions()),
            "pilots": len(p),
            "status_pilots": p.groupby("status", dropna=False).region_code.transform("size"),
            "order": status_order,
        })
        return out.sort_values(["order", "province_code", "region_code"]).drop(columns="order").reset_index(drop=True)

    def warehouse_status(self) -> pd.DataFrame:
        names = self.d.regions.set_index("code").name
        snaps = self._all_snapshots()
        snaps = snaps[(snaps.snapshot_date == snaps.as_of) & self._scoped(snaps.region_code)]
        snaps = snaps[snaps.region_code.isin(names.index)]
        reg = snaps.groupby(["region_code", "snapshot_date"], as_index=False).families.max()
        reg = pd.DataFrame({"kind": "keluarga", "region_code": reg.region_code, "region_name": reg.region_code.map(names),
                            "period": reg.snapshot_date.dt.strftime("%Y-%m-%d"), "snapshot_date": reg.snapshot_date,
                            "program": None, "year": None, "tranche": None, "rows": reg.families})
        a = self._allocation_mart()
        a = a[self._scoped(a.region_code) & a.region_code.isin(names.index)]
        a = a.groupby(["region_code", "program", "year", "tranche"], as_index=False).recipients.sum()
        alloc = pd.DataFrame({"kind": "penyaluran", "region_code": a.region_code, "region_name": a.region_code.map(names),
                              "period": a.program + " " + a.year.astype(int).astype(str) + "-T" + a.tranche.astype(int).astype(str),
                              "snapshot_date": None, "program": a.program, "year": a.year, "tranche": a.tranche,
                              "rows": a.recipients})
        out = pd.concat([reg, alloc], ignore_index=True)
        return out.sort_values(["kind", "region_code", "period"]).reset_index(drop=True)


    # -- leakage signals (docs/signals.md) --------------------------------------------

    SIGNALS = ("double_allocation", "paid_not_registered", "paid_off_window", "amount_mismatch", "concentration")

    def _signal_families(self, as_of) -> pd.DataFrame:
        """Who has each signal: signal, as_of (paid_not_registered only),
        program, year, tranche, region_code, family_key."""
        def build():
            a = self.d.allocation
            live = a[~a.is_reroute.astype(bool)]
            period = ["family_key", "program", "year", "tranche"]
            keys = ["program", "year", "tranche", "region_code", "family_key"]
            parts = []

            def add(signal, rows, when=None):
                parts.append(rows[keys].drop_duplicates().assign(signal=signal, as_of=when))

            add("double_allocation", live[live.groupby(period).family_key.transform("size") > 1])
            paid = live[live.status.eq("tersalur")]
            if as_of is not None and not isinstance(as_of, str):
                with_register = set(self._snapshot(as_of).region_code)
                registered = set(self._families(as_of).index)
                add("paid_not_registered", paid[paid.region_code.isin(with_register) & ~paid.family_key.isin(registered)], as_of)
            cal = self.d.calendar.set_index("tranche")
            start = pd.to_datetime(pd.DataFrame({"year": paid.year.astype(int), "month": paid.tranche.map(cal.start_month),
                                                 "day": paid.tranche.map(cal.start_day)}), errors="coerce")
            days = (pd.to_datetime(paid.paid_date) - start).dt.days
            add("paid_off_window", paid[paid.paid_date.notna() & start.notna() & ((days < 0) | (days > self.timely_days))])
            benefit = live.program.map(self.d.programs.set_index("code").benefit_per_tranche)
            add("amount_mismatch", live[benefit.notna() & (live.amount != benefit)])
            programmes = live.groupby(["family_key", "year", "tranche"]).program.transform("nunique")
            add("concentration", live[programmes >= 3])
            return pd.concat(parts, ignore_index=True)
        return self._once(("signal_families", as_of), build)

    def _signals(self, as_of, basis) -> pd.DataFrame:
        """mart_signal at one as_of and basis: every row of the targeting grid
        × each signal that applies, with families, recipients and the
        concentration companion (eligible families holding no programme)."""
        def build():
            t = self._targeting(as_of, basis)
            benefit = self.d.programs.set_index("code").benefit_per_tranche
            rows = []
            for signal in self.SIGNALS:
                part = t if signal != "amount_mismatch" else t[t.program.map(benefit).notna()]
                rows.append(part.assign(signal=signal))
            grid = pd.concat(rows, ignore_index=True) if rows else t.assign(signal=None)
            fam = self._signal_families(as_of)
            counted = fam.groupby(["signal", "program", "year", "tranche", "region_code"]).size().rename("families")
            grid = grid.merge(counted.reset_index(), on=["signal", "program", "year", "tranche", "region_code"], how="left")
            grid["families"] = grid.families.fillna(0)
            grid.loc[(grid.signal == "paid_not_registered") & ~grid.has_register.astype(bool), "families"] = np.nan
            # eligible (this programme, basis) and holding any programme in the tranche, per register region
            live = self.d.allocation[~self.d.allocation.is_reroute.astype(bool)]
            held = live[["family_key", "year", "tranche"]].drop_duplicates()
            reg = self._register(as_of) if not isinstance(as_of, str) else self.d.family.iloc[0:0].assign(layak=False)
            holding = reg.merge(held, on="family_key")
            counts = []
            for program in self._periods().program.unique():
                threshold = self._threshold(program)
                if basis == "desil":
                    flag = _true(holding.desil <= threshold) if threshold is not None else pd.Series(False, index=holding.index)
                else:
                    flag = _true(holding.layak)
                c = holding[flag].groupby(["region_code", "year", "tranche"]).size().rename("held").reset_index()
                counts.append(c.assign(program=program))
            held_counts = pd.concat(counts, ignore_index=True) if counts else pd.DataFrame(
                columns=["region_code", "year", "tranche", "held", "program"])
            grid = grid.merge(held_counts, on=["program", "year", "tranche", "region_code"], how="left")
            companion = grid.eligible_families - grid.held.fillna(0)
            grid["eligible_without_any"] = companion.where(grid.signal == "concentration")
            return grid
        return self._once(("signals", as_of, basis), build)

    def _signal_order(self, signal: pd.Series) -> pd.Series:
        return signal.map({s: i + 1 for i, s in enumerate(self.SIGNALS)})

    def signals_by_region(self, as_of, basis, program, year, tranche, province, regions) -> pd.DataFrame:
        chosen = self._chosen(as_of)
        s = self._signals(chosen, basis)
        s = s[(s.program == program) if program is not None else pd.Series(True, index=s.index)]
        if year is not None:
            s = s[s.year == year]
        if tranche is not None:
            s = s[s.tranche == tranche]
        s = s.merge(self.d.regions[["code", "name", "province_code"]], left_on="region_code", right_on="code")
        if province is not None:
            s = s[s.province_code == province]
        s = s[_in_list(s.region_code, regions) & self._scoped(s.region_code)]
        is_pilot, status = self._pilot_flags(s.region_code)
        out = pd.DataFrame({
            "region_code": s.region_code, "region_name": s.name, "province_code": s.province_code,
            "province_name": s.province_code.map(self.d.provinces.set_index("code").name),
            "is_pilot": is_pilot, "pilot_status": status, "program": s.program, "year": s.year, "tranche": s.tranche,
            "as_of": s.as_of, "signal": s.signal, "signal_order": self._signal_order(s.signal),
            "count": s.families, "recipients": s.recipients, "per_1000": 1000.0 * _div(s.families, s.recipients),
            "eligible_without_any": s.eligible_without_any, "small": s.recipients < self.min_families,
        })
        ranked = ~out.small & out.per_1000.notna()
        out["rank"] = out.per_1000.where(ranked).groupby([out.program, out.year, out.tranche, out.signal]).rank(
            method="min", ascending=False)
        return out.sort_values(["program", "year", "tranche", "signal_order", "province_code", "region_code"]).reset_index(drop=True)

    def signals_by_period(self, as_of, basis, program, regions) -> pd.DataFrame:
        s = self._signals(self._chosen(as_of), basis)
        s = s[(s.program == program) & _in_list(s.region_code, regions) & self._scoped(s.region_code)]
        s = s.assign(defined=s.recipients.where(s.families.notna()))
        g = s.groupby(["program", "year", "tranche", "signal"], as_index=False).agg(
            regions=("region_code", "size"), count=("families", lambda v: v.sum(min_count=1)),
            recipients=("defined", lambda v: v.sum(min_count=1)),
            eligible_without_any=("eligible_without_any", lambda v: v.sum(min_count=1)))
        g["signal_order"] = self._signal_order(g.signal)
        g["per_1000"] = 1000.0 * _div(g["count"], g.recipients)
        periods = g[["year", "tranche"]].drop_duplicates().sort_values(["year", "tranche"]).reset_index(drop=True)
        periods["period_index"] = range(1, len(periods) + 1)
        g = g.merge(periods, on=["year", "tranche"]).sort_values(["signal", "year", "tranche"])
        previous = g.groupby("signal")
        g["prev_year"], g["prev_tranche"] = previous.year.shift(1), previous.tranche.shift(1)
        g["prev_count"], g["prev_per_1000"] = previous["count"].shift(1), previous.per_1000.shift(1)
        g["count_change"] = g["count"] - g.prev_count
        columns = ["program", "year", "tranche", "signal", "signal_order", "regions", "count", "recipients",
                   "eligible_without_any", "per_1000", "period_index", "prev_year", "prev_tranche", "prev_count",
                   "prev_per_1000", "count_change"]
        return g.sort_values(["year", "tranche", "signal_order"])[columns].reset_index(drop=True)

    def signal_families(self, as_of, signal, program, year, tranche, province, regions) -> pd.DataFrame:
        chosen = self._chosen(as_of)
        f = self._signal_families(chosen if not isinstance(chosen, str) else None)
        if isinstance(chosen, str):  # a date with no register: no paid_not_registered list
            f = f[f.signal != "paid_not_registered"]
        f = f.merge(self.d.regions[["code", "name", "province_code"]], left_on="region_code", right_on="code")
        keep = pd.Series(True, index=f.index)
        if signal is not None:
            keep &= f.signal == signal
        if program is not None:
            keep &= f.program == program
        if year is not None:
            keep &= f.year == year
        if tranche is not None:
            keep &= f.tranche == tranche
        if province is not None:
            keep &= f.province_code == province
        f = f[keep & _in_list(f.region_code, regions) & self._scoped(f.region_code)]
        out = pd.DataFrame({
            "signal": f.signal, "signal_order": self._signal_order(f.signal), "region_code": f.region_code,
            "region_name": f.name, "province_code": f.province_code, "program": f.program, "year": f.year,
            "tranche": f.tranche, "as_of": f.as_of, "family_key": f.family_key.str.zfill(32),
        })
        return out.sort_values(["program", "year", "tranche", "signal_order", "region_code", "family_key"]).reset_index(drop=True)
