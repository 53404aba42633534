"""Leakage signals: one definition record per signal.

A signal is a count of families that a monitoring unit follows up one by one
(the same family allocated twice, paid while in no register, ...), not a rate
to rank regions by. Each record says what the signal is, how it reads in
Indonesian and English, where its rule comes from and the decisions taken
where the rule leaves room. The SQL that computes it exists once, in
queries/marts/60_signals.sql, between the markers `-- signal: <id>` and
`-- end: <id>`; `Signal.sql` reads it from there, so the methodology page
shows the very statement the numbers come from.

Counting, for every signal: families (distinct family keys) per region ×
programme × year × tranche, the region being where the family was
allocated (for the companion count of `concentration`, where it is
registered); per 1,000 recipients of the programme in that region and
tranche (|R_r|, the indicators' recipients). A province or the pilots
together add region counts and recipients, as the indicators do, so a
family allocated in two regions of a province counts twice there, as it
does among the recipients.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bansos import fmt, settings

MART_FILE = settings.QUERIES_DIR / "marts" / "60_signals.sql"
from bansos.indicators import PROJECT, with_days  # noqa: E402  (the rule is this project's own, stated on Metodologi)
# The companion count of `concentration` (a column of mart_signal and of the `signals` export).
COMPANION = "eligible_without_any"


@dataclass(frozen=True)
class Signal:
    id: str
    formula: str          # the rule in one line of set notation (like an indicator's `sql`); reroutes
                          # are never allocations, N is the timeliness setting
    label_id: str
    label_en: str
    description_id: str
    description_en: str
    decision_id: str      # what this project decided where the rule is silent
    decision_en: str
    source: str           # where the rule comes from
    format: str = "int"   # a count of families; shown beside its rate per 1,000 recipients
    register_based: bool = False   # depends on the register snapshot (counted per snapshot)
    needs_benefit: bool = False    # only for programmes with a benefit per tranche in the programme table
    companion: bool = False        # shown beside eligible families of the region holding no programme

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_id

    def description(self, lang: str) -> str:
        return with_days(self.description_en if lang == "en" else self.description_id)

    def decision(self, lang: str) -> str:
        return self.decision_en if lang == "en" else self.decision_id

    @property
    def sql(self) -> str:
        """The statement that finds this signal's families (from the mart file)."""
        return mart_blocks()[self.id]


SOURCE = PROJECT  # the monitoring rules of this project (docs/signals.md)

SIGNALS: tuple[Signal, ...] = (
    Signal(
        "double_allocation", "|{f ∈ R_r : allocations(f, p, t) ≥ 2}|",
        "Alokasi ganda", "Double allocation",
        "Keluarga yang dialokasikan program yang sama pada tahap yang sama lebih dari sekali: oleh dua kabupaten/kota "
        "atau dua lembaga penyalur. Dihitung di setiap wilayah tempat keluarga itu dialokasikan.",
        "Families allocated the same programme in the same tranche more than once: by two kab/kota or by two paying "
        "institutions. Counted in every region where the family was allocated.",
        "Pembayaran ulang (baris gagal/retur yang dibayar lagi lewat baris lain, mis. PT Pos) bukan alokasi, jadi bukan "
        "alokasi ganda. Keluarga yang pindah wilayah di antara dua snapshot register dan dialokasikan di wilayah lama "
        "pada satu tahap lalu di wilayah baru pada tahap berikutnya tidak terhitung: sinyal ini membandingkan alokasi "
        "dalam satu tahap saja, register tidak dipakai. Dua alokasi hidup pada tahap yang sama tetap terhitung, apa pun "
        "isi register, karena uangnya dialokasikan dua kali; dua alokasi yang sama-sama gagal juga terhitung.",
        "A reroute (a failed or returned row paid again through another row, e.g. PT Pos) is not an allocation, so not "
        "a double allocation. A family that moved between two register snapshots and was allocated by its old region "
        "in one tranche and by its new region in the next does not count: the signal compares allocations within one "
        "tranche only and does not read the register. Two live allocations in the same tranche count whatever the "
        "register says, since the money was allocated twice; two allocations that both failed count too.",
        SOURCE,
    ),
    Signal(
        "paid_not_registered", "|{f ∈ R_r : paid(f) ∧ f ∉ register(s)}|",
        "Dibayar tanpa register", "Paid, not in any register",
        "Penerima yang sudah dibayar (tersalur) tetapi tidak ada di register wilayah mana pun pada tanggal snapshot "
        "terpilih: penerima di luar register (indikator) yang dibayar.",
        "Recipients who were paid (tersalur) but are absent from every region's register at the chosen snapshot "
        "date: the recipients not in the register (the indicator) who were paid.",
        "Register yang dipakai sama dengan indikator: untuk setiap wilayah snapshot terakhirnya pada atau sebelum "
        "tanggal terpilih. Keluarga yang dikeluarkan dari register terbaru (meninggal, pindah) tetapi masih dibayar "
        "ikut terhitung. Wilayah tanpa register pada tanggal itu tidak punya angka untuk sinyal ini (kosong, bukan 0).",
        "The register in use is the indicators': each region's latest snapshot on or before the chosen date. A family "
        "dropped from the latest register (died, moved away) but still paid counts. A region without a register at "
        "that date has no figure for this signal (empty, not 0).",
        SOURCE, register_based=True,
    ),
    Signal(
        "paid_off_window", "|{f ∈ R_r : paid(f) ∧ (paid_date < start(t) ∨ paid_date − start(t) > N)}|",
        "Dibayar di luar jendela", "Paid off window",
        "Keluarga yang dibayar sebelum tahapnya dimulai, atau lebih dari {days} hari (pengaturan ketepatan waktu) "
        "sesudah awal tahap.",
        "Families paid before their tranche started, or more than {days} days (the timeliness setting) "
        "after the tranche start.",
        "Awal tahap dari kalender tahap. Bagian \"terlambat\" adalah kebalikan indikator ketepatan waktu di antara yang "
        "dibayar; bagian \"terlalu awal\" tidak ditangkap indikator itu. Pembayaran tersalur tanpa tanggal tidak "
        "dapat dinilai dan tidak dihitung.",
        "The tranche start comes from the tranche calendar. The late part is the complement of the timeliness "
        "indicator among those paid; the early part is what that indicator does not catch. A payment marked paid "
        "without a date cannot be judged and is not counted.",
        SOURCE,
    ),
    Signal(
        "amount_mismatch", "|{f ∈ R_r : amount(f) ≠ benefit_per_tranche(p)}|",
        "Nominal tidak sesuai", "Amount mismatch",
        "Keluarga dengan nominal alokasi yang berbeda dari manfaat per tahap di tabel program, untuk program yang "
        "punya satu nilai manfaat.",
        "Families whose allocated amount differs from the programme table's benefit per tranche, for programmes that "
        "have a single benefit amount.",
        "Program tanpa nilai manfaat di tabel program (PKH: manfaatnya bergantung pada komponen keluarga) tidak punya "
        "sinyal ini sama sekali, bukan nol. Pembayaran rapel (dua tahap sekaligus) ikut terhitung: itu memang yang "
        "perlu diperiksa. Baris pembayaran ulang tidak dinilai (bukan alokasi).",
        "A programme without a benefit amount in the programme table (PKH: its benefit depends on the family's "
        "components) has no such signal at all, not zero. A combined payment of two tranches counts: that is what "
        "needs checking. Reroute rows are not judged (they are not allocations).",
        SOURCE, needs_benefit=True,
    ),
    Signal(
        "concentration", "|{f ∈ R_r : programmes(f, t) ≥ 3}| · |{f ∈ E_r : programmes(f, t) = 0}|",
        "Penumpukan bantuan", "Concentration",
        "Penerima program ini yang memegang tiga program atau lebih pada tahap yang sama, ditampilkan berdampingan "
        "dengan keluarga layak program ini di wilayah yang sama yang tidak memegang program apa pun pada tahap itu "
        "(kedua angka ditampilkan).",
        "Recipients of this programme holding three or more programmes in the same tranche, shown beside the families "
        "of the same region eligible for this programme who hold no programme at all in that tranche (both counts "
        "shown).",
        "Dihitung per program: baris program p memuat penerima p yang memegang ≥ 3 program (keluarga yang sama "
        "muncul di setiap programnya). Keluarga layak mengikuti basis dan snapshot terpilih (seperti cakupan) dan "
        "dihitung di wilayah registernya; \"tidak memegang apa pun\" berlaku di wilayah mana pun. Per 1.000 dihitung "
        "untuk angka penumpukan saja.",
        "Counted per programme: the row of programme p holds the recipients of p holding ≥ 3 programmes (the same "
        "family appears under each of its programmes). Eligible families follow the chosen basis and snapshot (as "
        "coverage does) and are counted in the region of their register; \"holding none\" means in any region. The "
        "rate per 1,000 is for the concentration count only.",
        SOURCE, register_based=False, companion=True,
    ),
)

BY_ID = {signal.id: signal for signal in SIGNALS}
IDS = tuple(BY_ID)


@lru_cache(maxsize=1)
def mart_blocks() -> dict[str, str]:
    """Each signal's statement in the mart file, between its markers."""
    text = MART_FILE.read_text()
    blocks = {}
    for match in re.finditer(r"^-- signal: (\w+)\n(.*?)^-- end: \1$", text, re.M | re.S):
        blocks[match.group(1)] = match.group(2).strip()
    return blocks


def applies(signal_id: str, benefit_per_tranche) -> bool:
    """Whether a programme has this signal (amount_mismatch needs a benefit amount)."""
    return not BY_ID[signal_id].needs_benefit or not fmt.is_missing(benefit_per_tranche)
