"""The extract contract (docs/extract-contract.md): the two kinds of extract, their columns,
header variants and enumerated values.

Everything ingestion knows about the *shape* of an input file lives here, as
data, so that adding a header variant or an alias is a one-line change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KELUARGA = "keluarga"
PENYALURAN = "penyaluran"
KINDS = (KELUARGA, PENYALURAN)


def normalise_header(name: object) -> str:
    """Headers match case-insensitively with spaces, dots, dashes and
    underscores ignored (`NO KK`, `No_KK`, `no.kk` → `nokk`)."""
    return re.sub(r"[\s._\-]+", "", str(name or "")).lower().lstrip("\ufeff")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    variants: tuple[str, ...] = ()
    is_identifier: bool = False  # a raw NIK/KK: hashed and masked, never stored
    is_date: bool = False

    def normalised_names(self) -> set[str]:
        return {normalise_header(self.name), *(normalise_header(v) for v in self.variants)}


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the row key within the kind ("Rows are keyed" in docs/extract-contract.md), over canonical columns
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # A required column that may be given as another set of columns instead
    # (`periode` for `tahun` + `tahap`).

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


NO_KK = Column(
    "no_kk",
    required=True,
    variants=("kk", "nomor_kk", "nomor kartu keluarga", "no kartu keluarga", "nokk_kepala"),
    is_identifier=True,
)
KODE_WILAYAH = Column(
    "kode_wilayah",
    required=True,
    variants=("kode wil", "kd_wilayah", "kode_desa", "kode_kelurahan", "kode desa/kelurahan", "kode_kemendagri"),
)

KELUARGA_KIND = Kind(
    KELUARGA,
    columns=(
        NO_KK,
        Column("nik_kepala", variants=("nik kepala keluarga", "nik_krt", "nik_kk"), is_identifier=True),
        KODE_WILAYAH,
        Column("desil", variants=("desil_dtsen", "desil kesejahteraan", "peringkat_desil")),
        Column("jumlah_anggota", variants=("jml_anggota", "jumlah anggota keluarga", "jumlah_art", "jml_art")),
        Column("kanal_registrasi", variants=("kanal", "kanal_pendaftaran", "saluran_registrasi", "sumber_registrasi")),
        Column("tanggal_registrasi", variants=("tgl_registrasi", "tanggal_pendaftaran", "tgl_daftar"), is_date=True),
        Column("status_kelayakan", variants=("kelayakan", "status_layak", "hasil_verifikasi", "keputusan")),
        Column("alasan", variants=("alasan_tidak_layak", "keterangan", "alasan_penolakan")),
        Column("sanggah", variants=("status_sanggah", "sanggahan")),
        Column("tanggal_data", required=True, variants=("tgl_data", "tanggal_snapshot", "tanggal_ekstrak"), is_date=True),
    ),
    key=("no_kk", "tanggal_data"),
)

PENYALURAN_KIND = Kind(
    PENYALURAN,
    columns=(
        Column("id_transaksi", variants=("no_transaksi", "nomor_transaksi", "id_trx", "transaction_id")),
        NO_KK,
        Column("nik", variants=("nik_penerima", "nik_kpm", "nomor induk kependudukan"), is_identifier=True),
        Column("program", required=True, variants=("program_bansos", "jenis_bantuan", "jenis_program", "bansos")),
        Column("tahun", required=True, variants=("thn", "tahun_anggaran")),
        Column("tahap", required=True, variants=("tahap_salur", "tranche", "triwulan")),
        Column("periode", variants=("periode_salur", "periode_penyaluran")),
        KODE_WILAYAH,
        Column("nominal", required=True, variants=("nilai", "jumlah_bantuan", "nominal_bantuan", "nilai_bantuan", "jumlah_uang")),
        Column("status_salur", required=True, variants=("status", "status_penyaluran", "status_pembayaran")),
        Column("lembaga_penyalur", variants=("penyalur", "lembaga", "bank", "bank_penyalur", "lembaga_bayar")),
        Column("tanggal_salur", variants=("tgl_salur", "tanggal_penyaluran", "tanggal_bayar", "tgl_bayar"), is_date=True),
    ),
    # Blank lembaga_penyalur is a value of its own; kab/kota is the one
    # kode_wilayah lies in.
    key=("no_kk", "program", "tahun", "tahap", "kode_wilayah", "lembaga_penyalur"),
    alternatives={"tahun": ("periode",), "tahap": ("periode",)},
)

KIND_BY_NAME = {KELUARGA: KELUARGA_KIND, PENYALURAN: PENYALURAN_KIND}
# Detection order matters: a penyaluran file also has every keluarga
# required column but one, so penyaluran is tried first.
DETECTION_ORDER = (PENYALURAN_KIND, KELUARGA_KIND)

# Enumerated values, matched case-insensitively after trimming; aliases map to
# the canonical value. Programme codes live in the programme table instead
# (reference data), because a user adds programmes.
KANAL_REGISTRASI = {"mandiri": "mandiri", "agen": "agen", "musdes": "musdes", "dinsos": "dinsos", "dtsen": "dtsen"}
STATUS_KELAYAKAN = {"layak": "layak", "tidak_layak": "tidak_layak", "tidak layak": "tidak_layak", "tidaklayak": "tidak_layak"}
SANGGAH = {"tidak": "tidak", "diajukan": "diajukan", "diterima": "diterima", "ditolak": "ditolak"}
STATUS_SALUR = {"tersalur": "tersalur", "gagal": "gagal", "retur": "retur", "proses": "proses"}
LEMBAGA_PENYALUR = {
    "bri": "BRI",
    "bni": "BNI",
    "mandiri": "MANDIRI",
    "bank mandiri": "MANDIRI",
    "btn": "BTN",
    "bsi": "BSI",
    "pos": "POS",
    "pt pos": "POS",
    "pt pos indonesia": "POS",
    "pos indonesia": "POS",
}

# Reason codes, one per rule; quarantine rows carry one per broken rule.
REASONS = {
    "missing_required": "a required value is blank, or the row was cut off",
    "too_many_fields": "the row has more fields than the header",
    "no_kk_invalid": "no_kk is not 16 digits written as text",
    "nik_invalid": "NIK is not 16 digits written as text",
    "kode_wilayah_unknown": "region code not in the Kemendagri code list of its level",
    "desil_out_of_range": "desil is not a whole number from 1 to 10",
    "jumlah_anggota_invalid": "jumlah_anggota is not a whole number of at least 1",
    "kanal_unknown": "kanal_registrasi is not mandiri, agen, musdes, dinsos or dtsen",
    "status_unknown": "status is not one of the listed values",
    "sanggah_unknown": "sanggah is not tidak, diajukan, diterima or ditolak",
    "program_unknown": "programme code not in the programme table",
    "tahun_invalid": "year is not a four-digit year from 2000 to 2100",
    "tahap_invalid": "tranche is not 1 to the programme's tranches per year, or periode cannot be read",
    "nominal_invalid": "amount is not whole rupiah of at least 0",
    "lembaga_unknown": "paying institution is not BRI, BNI, MANDIRI, BTN, BSI or POS",
    "tanggal_invalid": "date cannot be read, or is not a real date between 2000 and 2100",
    "duplicate_in_file": "a row with the same key appears earlier in the same file",
    "csv_malformed": "the line cannot be split into fields (a quote inside a value that was not doubled, or a line over 10 MB)",
}
