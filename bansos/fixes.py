"""How to fix the common errors that send rows to quarantine.

One short, practical fix per reason code of `bansos.contract.REASONS`, in
Bahasa Indonesia and English, for the people who produce the extracts (dinas
sosial operators, bank and PT Pos staff). Kept as data so that the Kualitas
Data page, the docs and a future CLI hint share one text; a test fails when a
reason has no fix in both languages.
"""

from __future__ import annotations

FIXES: dict[str, tuple[str, str]] = {
    "missing_required": (
        "Kolom wajib kosong, atau baris terpotong di akhir file. Isi no_kk, kode_wilayah (dan tanggal_data / program, "
        "tahun, tahap, nominal, status_salur untuk penyaluran) di sistem sumber, lalu ekspor ulang seluruh file; "
        "jangan memotong file dengan tangan.",
        "A required column is blank, or the row was cut off at the end of the file. Fill in no_kk, kode_wilayah (and "
        "tanggal_data / program, tahun, tahap, nominal, status_salur for disbursements) in the source system and export "
        "the whole file again; never cut files by hand.",
    ),
    "too_many_fields": (
        "Baris punya lebih banyak kolom dari judul: biasanya koma atau titik koma di dalam nama/alamat. Ekspor dengan "
        "tanda kutip di sekitar teks (opsi \"quote all\"), atau simpan sebagai XLSX.",
        "The row has more fields than the header: usually a comma or semicolon inside a name or address. Export with "
        "quotes around text (\"quote all\"), or save as XLSX.",
    ),
    "csv_malformed": (
        "Baris tidak bisa dipecah menjadi kolom: ada tanda kutip (\") di dalam nilai yang tidak digandakan, atau "
        "barisnya lebih dari 10 MB. Ekspor ulang dengan tanda kutip di sekitar teks (opsi \"quote all\"), atau simpan "
        "sebagai XLSX.",
        "The line cannot be split into fields: a quote (\") inside a value was not doubled, or the line is over 10 MB. "
        "Export again with quotes around text (\"quote all\"), or save as XLSX.",
    ),
    "no_kk_invalid": (
        "Excel mengubah No KK menjadi angka dan digit ke-16 hilang (mis. 3.51001E+15). Format kolom sebagai Teks "
        "sebelum menempel, atau ekspor CSV langsung dari sistem sumber; jangan pernah mengetik ulang.",
        "Excel turned the KK into a number and lost the 16th digit (e.g. 3.51001E+15): format the column as Text before "
        "pasting, or export as CSV from the source system; never retype.",
    ),
    "nik_invalid": (
        "NIK bukan 16 digit teks: sama seperti No KK, Excel memotongnya. Format kolom sebagai Teks atau ekspor CSV dari "
        "sistem sumber; kosongkan bila memang tidak ada, jangan isi 0.",
        "The NIK is not 16 digits of text: as with the KK, Excel cut it. Format the column as Text or export CSV from the "
        "source system; leave it blank when unknown, never 0.",
    ),
    "kode_wilayah_unknown": (
        "Kode wilayah tidak ada dalam daftar Kemendagri: pakai kode Kemendagri (bukan kode BPS), lengkap dengan nol di "
        "depan (35.10.05.2001 atau 3510052001), dan format kolom sebagai Teks agar nol tidak hilang.",
        "The region code is not in the Kemendagri list: use the Kemendagri code (not the BPS code), with its leading "
        "zeros (35.10.05.2001 or 3510052001), and format the column as Text so zeros are not dropped.",
    ),
    "desil_out_of_range": (
        "Desil harus bilangan bulat 1-10. Kosongkan bila keluarga belum diperingkat DTSEN; jangan isi 0, 99 atau teks "
        "seperti \"desil 3\".",
        "The decile must be a whole number 1-10. Leave it blank when the family is not ranked in DTSEN; never 0, 99 or "
        "text like \"desil 3\".",
    ),
    "jumlah_anggota_invalid": (
        "Jumlah anggota harus bilangan bulat minimal 1. Periksa apakah kolom tertukar dengan kolom lain; kosongkan bila "
        "tidak diketahui.",
        "Family members must be a whole number of at least 1. Check whether columns were swapped; leave it blank when "
        "unknown.",
    ),
    "kanal_unknown": (
        "Kanal registrasi harus salah satu: mandiri, agen, musdes, dinsos atau dtsen. Samakan istilah lokal (mis. "
        "\"aplikasi\" → mandiri, \"pendamping\" → agen) di sistem sumber sebelum ekspor.",
        "The registration channel must be one of mandiri, agen, musdes, dinsos or dtsen. Map local terms (e.g. "
        "\"aplikasi\" → mandiri, \"pendamping\" → agen) in the source system before exporting.",
    ),
    "status_unknown": (
        "Status tidak dikenal. Penyaluran: tersalur, gagal, retur atau proses. Kelayakan: layak atau tidak_layak "
        "(kosong = belum diputus). Perbaiki ejaan atau singkatan di sistem sumber.",
        "Unknown status. Disbursement: tersalur, gagal, retur or proses. Eligibility: layak or tidak_layak (blank = not "
        "decided yet). Fix spelling or abbreviations in the source system.",
    ),
    "sanggah_unknown": (
        "Sanggah harus: tidak, diajukan, diterima atau ditolak. Kosongkan bila tidak ada sanggahan.",
        "The appeal must be tidak, diajukan, diterima or ditolak. Leave it blank when there is no appeal.",
    ),
    "program_unknown": (
        "Kode program tidak ada di tabel program: pakai PKH, SEMBAKO (atau BPNT), BLT, PBI. Program baru ditambahkan "
        "dulu ke data/reference/programs.csv, lalu jalankan `python -m bansos rebuild` dan muat ulang file.",
        "The programme code is not in the programme table: use PKH, SEMBAKO (or BPNT), BLT, PBI. Add a new programme to "
        "data/reference/programs.csv first, run `python -m bansos rebuild`, then load the file again.",
    ),
    "tahun_invalid": (
        "Tahun harus empat digit (2026). Periksa kolom tahun tidak berisi tanggal atau angka dua digit (26).",
        "The year must have four digits (2026). Check the year column does not hold a date or a two-digit year (26).",
    ),
    "tahap_invalid": (
        "Tahap harus 1 sampai jumlah tahap program per tahun (1-4), atau periode seperti 2026-T1 / 2026-Q1 / 2026/1. "
        "Jangan tulis \"Tahap I\" atau nama bulan.",
        "The tranche must be 1 up to the programme's tranches per year (1-4), or a period (column periode) like 2026-T1 / 2026-Q1 / "
        "2026/1. Do not write \"Tahap I\" or a month name.",
    ),
    "nominal_invalid": (
        "Nominal harus rupiah utuh ≥ 0 (600000, 600.000 atau Rp 600.000). Hapus teks seperti \"enam ratus ribu\", "
        "tanda minus atau sen yang bukan ,00.",
        "The amount must be whole rupiah ≥ 0 (600000, 600.000 or Rp 600.000). Remove text like \"six hundred "
        "thousand\", minus signs or cents other than ,00.",
    ),
    "lembaga_unknown": (
        "Lembaga penyalur harus BRI, BNI, MANDIRI, BTN, BSI atau POS. Tulis nama bank, bukan nama cabang atau kantor pos.",
        "The paying institution must be BRI, BNI, MANDIRI, BTN, BSI or POS. Write the bank, not the branch or post "
        "office name.",
    ),
    "tanggal_invalid": (
        "Tanggal tidak terbaca atau tidak nyata (mis. 31/02/2026). Pakai 2026-02-03 atau 03/02/2026 (hari dulu), atau "
        "sel tanggal Excel; jangan format bulan/hari gaya Amerika.",
        "The date cannot be read or does not exist (e.g. 31/02/2026). Use 2026-02-03 or 03/02/2026 (day first), or an "
        "Excel date cell; never the American month/day order.",
    ),
    "duplicate_in_file": (
        "Keluarga yang sama muncul dua kali dalam satu file (untuk penyaluran: program, tahun dan tahap yang sama). "
        "Baris pertama dipakai; hapus duplikat di sumber, dan jangan menggabungkan dua ekspor ke satu file.",
        "The same family appears twice in one file (for disbursements: same programme, year and tranche). The first row "
        "is kept; remove duplicates at source, and do not paste two exports into one file.",
    ),
}


def fix(reason: str, lang: str) -> str | None:
    """The fix for a reason code in the language (None for an unknown code)."""
    texts = FIXES.get(reason)
    if texts is None:
        return None
    return texts[1] if lang == "en" and texts[1] else texts[0]
