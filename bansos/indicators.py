"""Indicator definitions: one record per metric.

Each record says what the metric is, how it reads in Indonesian and English,
how it is formatted and where its rule comes from. A rate's SQL is written
once, here: `numerator / denominator` over the columns the queries return.
The query loader puts it into the query files wherever they say
`{{rate:<id>}}` (bansos/queries.py), the methodology page shows that very
expression, and the exports' data dictionary is generated from the same
records. A test checks that every rate a query returns equals its record's
numerator / denominator (tests/test_metrics_once.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bansos import settings

# A numerator or denominator the queries can compute: column names joined by
# + and -. Anything else (a share of a total, a set) is described, not run.
_COLUMNS_EXPRESSION = re.compile(r"[a-z_][a-z0-9_]*(?: [-+] [a-z_][a-z0-9_]*)*")
_COLUMN = re.compile(r"[a-z_][a-z0-9_]*")

PROJECT = "project"  # the rule is this project's own definition (the Metodologi page states it)
DAYS = "{days}"  # in a definition: the timeliness setting's value, filled where it is shown (with_days)


@dataclass(frozen=True)
class Indicator:
    id: str
    # How the metric is computed. None for a rate: then it is the SQL the
    # queries run, made from numerator and denominator (see rate_sql).
    sql: str | None
    label_id: str
    label_en: str
    description_id: str
    description_en: str
    format: str  # "pct", "int", "rp", "pp" (percentage points), "date", "text", "bool"
    source: str = PROJECT
    numerator: str | None = None
    denominator: str | None = None
    lower_is_better: bool = False
    # A share whose level is neither good nor bad (a mix of institutions, how
    # decisions or appeals came out): no "better" direction, no green or red.
    neutral: bool = False
    # The query column that flags this rate as resting on fewer families than
    # the small-number threshold (its denominator's flag): shown as ⚠ beside
    # the rate wherever it appears, and the reason it is left out of ranks.
    small: str | None = None

    def __post_init__(self):
        if self.sql is None:
            object.__setattr__(self, "sql", self.rate_sql())

    @property
    def is_rate(self) -> bool:
        """Numerator and denominator are columns the queries return (or sums
        and differences of them), so the rate's SQL is generated from them."""
        return all(part is not None and _COLUMNS_EXPRESSION.fullmatch(part)
                   for part in (self.numerator, self.denominator))

    def rate_sql(self, columns: Mapping[str, str] | None = None) -> str:
        """The rate as SQL: `numerator / NULLIF(denominator, 0)`, NULL when
        the denominator is 0 or unknown. `columns` renames record columns for
        a query whose rows name them otherwise (e.g. the totals divide the
        inclusion error by `recipients_assessed`, the recipients of regions
        with a register)."""
        if not self.is_rate or self.numerator is None or self.denominator is None:
            raise ValueError(f"{self.id}: no numerator and denominator over query columns")
        numerator = rename_columns(self.numerator, columns or {})
        denominator = rename_columns(self.denominator, columns or {})
        if " " in numerator:
            numerator = f"({numerator})"
        return f"{numerator} / NULLIF({denominator}, 0)"

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_id

    def description(self, lang: str) -> str:
        return with_days(self.description_en if lang == "en" else self.description_id)


def with_days(text: str, days: int | str | None = None) -> str:
    """A definition with `{days}` filled: the timeliness setting in use
    (BANSOS_TIMELY_DAYS), so the words match the tiles ("≤ 30 days")."""
    return text.replace(DAYS, str(settings.get_int("timely_days") if days is None else days))


def rename_columns(expression: str, columns: Mapping[str, str]) -> str:
    """A numerator or denominator with its column names replaced as `columns` says."""
    return _COLUMN.sub(lambda m: columns.get(m.group(), m.group()), expression)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "eligible_families", "count(E_r)", "Keluarga layak", "Eligible families",
        "Keluarga di register wilayah (snapshot terakhir ≤ tanggal terpilih) yang memenuhi syarat program: desil ≤ ambang program (basis desil), atau berstatus layak / sanggahan diterima (basis keputusan).",
        "Families in the region's register (latest snapshot on or before the chosen date) who qualify for the programme: decile ≤ the programme threshold (decile basis), or decided eligible (layak) / appeal upheld (decision basis).",
        "int",
    ),
    Indicator(
        "eligible_covered", "count(E_r ∩ R)", "Keluarga layak yang menerima", "Eligible families receiving",
        "Keluarga layak di wilayah ini yang dialokasikan program pada tahap ini (status apa pun), di wilayah mana pun.",
        "Eligible families of the region allocated the programme in the tranche (any status), in any region.",
        "int",
    ),
    Indicator(
        "recipients", "count(R_r)", "Penerima (KPM)", "Recipients (KPM)",
        "Keluarga yang dialokasikan program pada tahap ini di wilayah ini, apa pun status salurnya.",
        "Families allocated the programme in the tranche in the region, whatever the payment status.",
        "int",
    ),
    Indicator(
        "eligible_recipients", "count(R_r ∩ E)", "Penerima yang layak", "Eligible recipients",
        "Penerima di wilayah ini yang layak menurut register mana pun.",
        "Recipients in the region who are eligible in any region's register.",
        "int",
    ),
    Indicator(
        "not_in_register", "count(R_r \\ register)", "Penerima di luar register", "Recipients not in the register",
        "Penerima yang tidak ada di register wilayah mana pun; dihitung tidak layak.",
        "Recipients absent from every region's register; they count as not eligible.",
        "int",
    ),
    Indicator(
        "coverage", None, "Cakupan", "Coverage",
        "Bagian keluarga layak yang menerima program: |E_r ∩ R| / |E_r|.",
        "Share of eligible families who receive the programme: |E_r ∩ R| / |E_r|.",
        "pct", numerator="eligible_covered", denominator="eligible_families", small="coverage_small",
    ),
    Indicator(
        "exclusion_error", None, "Exclusion error", "Exclusion error",
        "Bagian keluarga layak yang tidak menerima: 1 − cakupan. Penyebutnya keluarga layak, berbeda dari inclusion error; keduanya tidak dijumlahkan.",
        "Share of eligible families left out: 1 − coverage. Its denominator is eligible families, unlike the inclusion error; the two do not add up.",
        "pct", numerator="eligible_families - eligible_covered", denominator="eligible_families", lower_is_better=True, small="coverage_small",
    ),
    Indicator(
        "inclusion_error", None, "Inclusion error", "Inclusion error",
        "Bagian penerima yang tidak layak (termasuk yang tidak ada di register): |R_r \\ E| / |R_r|.",
        "Share of recipients who are not eligible (including those not in the register): |R_r \\ E| / |R_r|.",
        "pct", numerator="recipients - eligible_recipients", denominator="recipients", lower_is_better=True, small="inclusion_small",
    ),
    Indicator(
        "allocated_amount", "sum(nominal)", "Nilai dialokasikan", "Amount allocated",
        "Jumlah nominal yang dialokasikan, dalam rupiah.", "Amount allocated, in rupiah.", "rp",
    ),
    Indicator(
        "disbursed_amount", "sum(nominal) where status_salur = tersalur", "Nilai tersalur", "Amount paid",
        "Jumlah nominal berstatus tersalur, dalam rupiah.", "Amount with status tersalur (paid), in rupiah.", "rp",
    ),
    Indicator(
        "disbursement_rate", None, "Realisasi penyaluran (nilai)", "Disbursement rate (amount)",
        "Nilai tersalur dibagi nilai dialokasikan.", "Amount paid divided by amount allocated.",
        "pct", numerator="disbursed_amount", denominator="allocated_amount", small="inclusion_small",
    ),
    Indicator(
        "disbursement_rate_families", None, "Realisasi penyaluran (keluarga)", "Disbursement rate (families)",
        "Keluarga yang sudah dibayar dibagi keluarga yang dialokasikan.", "Families paid divided by families allocated.",
        "pct", numerator="paid_families", denominator="recipients", small="inclusion_small",
    ),
    Indicator(
        "timeliness", None, "Ketepatan waktu", "Timeliness",
        "Keluarga yang dibayar paling lambat {days} hari sejak awal tahap (sebuah pengaturan), dibagi keluarga yang dialokasikan.",
        "Families paid within {days} days of the tranche start (a setting), divided by families allocated.",
        "pct", numerator="timely_families", denominator="recipients", small="inclusion_small",
    ),
    Indicator(
        "channel_share", "disbursed_amount(institution) / disbursed_amount", "Bauran lembaga penyalur", "Channel mix",
        "Bagian nilai tersalur per lembaga penyalur (bank Himbara, BSI, PT Pos).",
        "Share of the amount paid by paying institution (state banks, BSI, PT Pos).",
        "pct", numerator="disbursed_amount (institution)", denominator="disbursed_amount", neutral=True,
    ),
    Indicator(
        "self_registered_share", None, "Daftar mandiri", "Self-registered",
        "Bagian pendaftaran baru yang dilakukan sendiri lewat aplikasi (kanal mandiri).",
        "Share of new registrations made by the family in the app (channel mandiri).",
        "pct", numerator="channel_mandiri", denominator="new_registrations",
    ),
    Indicator(
        "layak_rate", None, "Diputus layak", "Decided eligible",
        "Bagian pendaftaran baru yang sudah diputus dan dinyatakan layak.",
        "Share of decided new registrations found eligible (layak).",
        "pct", numerator="layak", denominator="decided", neutral=True,
    ),
    Indicator(
        "upheld_rate", None, "Sanggahan diterima", "Appeals upheld",
        "Bagian sanggahan atas keputusan tidak layak yang diterima. Sanggahan yang belum diputus ikut di penyebut, "
        "sehingga angka ini bisa naik saat sanggahan itu diputus.",
        "Share of appeals against a not-eligible (tidak layak) decision that were upheld. Appeals not yet decided count in the "
        "denominator, so the share can rise as they are decided.",
        "pct", numerator="upheld", denominator="appealed", neutral=True,
    ),
    Indicator(
        "did", "(pilot_rate_2 - pilot_rate_1) - (comp_rate_2 - comp_rate_1)", "Selisih perubahan (DiD)", "Difference in differences (DiD)",
        "Perubahan indikator di wilayah pilot antara dua tahap dikurangi perubahannya di wilayah pembanding (pembilang dan penyebut dijumlahkan).",
        "The change of a metric in the pilot between two tranches minus its change in the comparison regions (numerators and denominators summed).",
        "pp",
    ),
)

BY_ID = {indicator.id: indicator for indicator in INDICATORS}

# The metrics whose difference in differences the comparison page shows
# (queries/comparison_did.sql returns one row for each).
DID_METRICS = ("exclusion_error", "inclusion_error", "coverage", "disbursement_rate")


def did_better(indicator_id: str) -> str:
    """Which sign of a DiD (or any change) of this metric is an improvement:
    "negative" for the errors (lower is better), else "positive"."""
    return "negative" if BY_ID[indicator_id].lower_is_better else "positive"
