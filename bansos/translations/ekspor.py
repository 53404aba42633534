"""Strings of the Ekspor Data (export) page."""

STRINGS = {
    "ekspor.intro": (
        "Unduh tabel yang sama dengan yang dibuat baris perintah, untuk wilayah dalam hak akses Anda: CSV, Excel atau "
        "Parquet, lengkap dengan filter, versi data dan definisi setiap kolom.",
        "Download the same tables the command line builds, for the regions of your access: CSV, Excel or Parquet, with "
        "the filters, data version and the definition of every column.",
    ),
    "ekspor.scope": ("Cakupan program dan tahap", "Programme and tranche scope"),
    "ekspor.scope.tranche": ("Tahap ini", "This tranche"),
    "ekspor.scope.program": ("Semua tahap program ini", "All tranches of this programme"),
    "ekspor.scope.all": ("Semua program dan tahap", "All programmes and tranches"),
    "ekspor.scope.help": (
        "Tahap ini: satu baris per wilayah. Semua tahap: satu baris per wilayah × tahap (tren). Angka antar tahap tidak "
        "boleh dijumlahkan.",
        "This tranche: one row per region. All tranches: one row per region × tranche (a trend). Figures of different "
        "tranches must never be summed.",
    ),
    "ekspor.ri.heading": ("Indikator per wilayah (region-indicators)", "Region indicators (region-indicators)"),
    "ekspor.ri.about": (
        "Satu baris per wilayah × program × tahun × tahap: keluarga layak, penerima, cakupan, exclusion dan inclusion "
        "error, nilai dialokasikan dan tersalur — dengan pembilang dan penyebut setiap rasio. Rasio sebagai pecahan 0-1; "
        "rasio kosong berarti penyebutnya 0.",
        "One row per region × programme × year × tranche: eligible families, recipients, coverage, exclusion and "
        "inclusion error, amounts allocated and paid — with the numerator and denominator of every rate. Rates as "
        "fractions 0-1; an empty rate has a denominator of 0.",
    ),
    "ekspor.filters.heading": ("Filter yang dipakai", "Filters used"),
    "ekspor.filters.province": ("Provinsi", "Province"),
    "ekspor.filters.group": ("Kelompok wilayah", "Region group"),
    "ekspor.filters.regions": ("Wilayah", "Regions"),
    "ekspor.filters.regions.all": ("{n} wilayah (semua dalam kelompok)", "{n} {n|region|regions} (all in the group)"),
    "ekspor.filters.regions.chosen": ("{n} wilayah dipilih: {names}", "{n} {n|region|regions} chosen: {names}"),
    "ekspor.filters.program": ("Program", "Programme"),
    "ekspor.filters.period": ("Tahap", "Tranche"),
    "ekspor.filters.all_programs": ("semua program", "all programmes"),
    "ekspor.filters.all_periods": ("semua tahap", "all tranches"),
    "ekspor.filters.snapshot": ("Snapshot register", "Register snapshot"),
    "ekspor.filters.basis": ("Basis kelayakan", "Eligibility basis"),
    "ekspor.filters.change": (
        "Ubah filter di panel kiri; file mengikuti tampilan ini persis.",
        "Change the filters in the left panel; the files follow this view exactly.",
    ),
    "ekspor.preview": (
        "Pratinjau: {shown} dari {rows} baris",
        "Preview: {shown} of {rows} {rows|row|rows}",
    ),
    "ekspor.no_rows": (
        "Tidak ada baris untuk filter ini. Ubah wilayah, program atau tahap di panel kiri.",
        "No rows for these filters. Change the regions, programme or tranche in the left panel.",
    ),
    "ekspor.refused": (
        "Ekspor ditolak: tabel ini melebihi batas baris ekspor (lihat Metodologi, Pengaturan) atau tidak dapat dibaca. "
        "Persempit filter di panel kiri.",
        "Export refused: this table is over the export row limit (see Methodology, Settings) or cannot be read. Narrow "
        "the filters in the left panel.",
    ),
    "ekspor.meta": ("Unduh provenans (JSON)", "Download provenance (JSON)"),
    "ekspor.formats": (
        "Untuk Excel dengan pengaturan regional Indonesia pilih **Excel (.xlsx)** atau **CSV untuk Excel (Indonesia)**: CSV "
        "standar memakai koma dan titik desimal, sehingga di Excel berpengaturan Indonesia ia terbuka sebagai satu "
        "kolom dan kode wilayah seperti 35.10 menjadi angka 35,1. CSV standar untuk R, Python dan basis data. Parquet "
        "untuk analisis besar. Setiap file membawa filter, versi data dan definisi kolom (di lembar kedua Excel, atau "
        "di berkas provenans JSON).",
        "For Excel with Indonesian regional settings choose **Excel (.xlsx)** or **CSV for Excel (Indonesia)**: the "
        "standard CSV uses commas and dot decimals, so Excel with Indonesian settings opens it as one column and turns "
        "a region code such as 35.10 into the number 35.1. The standard CSV is for R, Python and databases; Parquet "
        "for large analyses. Every file carries the filters, the data version and the column definitions (in the "
        "Excel file's second sheet, or in the JSON provenance file).",
    ),
    "ekspor.format.csv": (
        "Koma sebagai pemisah, titik desimal, UTF-8 dengan BOM, nama kolom mesin; rasio sebagai pecahan 0–1.",
        "Comma separated, dot decimal, UTF-8 with BOM, machine column names; rates as fractions 0–1.",
    ),
    "ekspor.format.csv-id": (
        "Untuk Excel dengan pengaturan regional Indonesia: titik koma sebagai pemisah, koma desimal, judul kolom "
        "berbahasa yang tampil, kode wilayah tetap teks; tidak ada sel yang dijalankan Excel sebagai rumus.",
        "For Excel with Indonesian regional settings: semicolon separated, decimal comma, column labels in the language "
        "shown, region codes kept as text; no cell that Excel would run as a formula.",
    ),
    "ekspor.format.xlsx": (
        "Terbuka benar di Excel apa pun: angka sebagai angka, kode sebagai teks, lembar kedua berisi provenans.",
        "Opens correctly in any Excel: numbers as numbers, codes as text, a second sheet with the provenance.",
    ),
    "ekspor.format.parquet": ("Untuk analisis besar; provenans tersimpan di metadata file.",
                              "For large analyses; the provenance is in the file's metadata."),
    "ekspor.format.meta": (
        "Berkas pendamping CSV/Parquet: filter, snapshot, aturan kelayakan, versi data, waktu ekspor, definisi kolom. "
        "Simpan di samping file datanya.",
        "The CSV/Parquet sidecar: filters, snapshot, eligibility rule, data version, export time, column definitions. "
        "Keep it beside the data file.",
    ),
    # definitions of the region-indicators columns that are not indicators
    "ekspor.def.region_code": ("Kode Kemendagri kabupaten/kota (PP.KK).", "Kemendagri code of the kabupaten/kota (PP.KK)."),
    "ekspor.def.region_name": ("Nama kabupaten/kota.", "Name of the kabupaten/kota."),
    "ekspor.def.province_code": ("Kode Kemendagri provinsi (PP).", "Kemendagri province code (PP)."),
    "ekspor.def.province_name": ("Nama provinsi.", "Name of the province."),
    "ekspor.def.is_pilot": ("Ya untuk setiap wilayah di daftar pilot, apa pun statusnya.",
                            "True for every region on the pilot list, whatever its status."),
    "ekspor.def.pilot_status": ("Status di daftar pilot: terkonfirmasi, diberitakan atau belum pasti; kosong untuk bukan pilot.",
                                "Status on the pilot list: confirmed, reported or uncertain; empty for non-pilots."),
    "ekspor.def.program": ("Kode program (baku: SEMBAKO untuk BPNT).", "Programme code (canonical: SEMBAKO for BPNT)."),
    "ekspor.def.year": ("Tahun tahap.", "Year of the tranche."),
    "ekspor.def.tranche": ("Tahap 1–4.", "Tranche (tahap) 1–4."),
    "ekspor.def.as_of": ("Tanggal register yang dipilih: setiap wilayah memakai snapshot terakhirnya pada atau sebelum tanggal ini.",
                         "The register date chosen: each region uses its latest snapshot on or before it."),
    "ekspor.def.register_snapshot": (
        "Snapshot register wilayah yang dipakai; kosong = tanpa register, jadi indikator berbasis register kosong.",
        "The region's register snapshot in use; empty = no register, so register-based indicators are empty.",
    ),
    "ekspor.def.paid_families": ("Keluarga yang dialokasikan dengan status salur tersalur.",
                                 "Families allocated whose payment status is tersalur (paid)."),
    "ekspor.def.timely_families": (
        "Keluarga yang dibayar paling lambat {days} hari sejak awal tahap (pengaturan BANSOS_TIMELY_DAYS).",
        "Families paid within {days} days of the tranche start (setting BANSOS_TIMELY_DAYS).",
    ),
    "ekspor.def.coverage_small": (
        "Ya bila penyebut cakupan di bawah batas angka kecil: angkanya tidak stabil.",
        "True when the coverage denominator is below the small-number threshold: the rate is unstable.",
    ),
    "ekspor.def.inclusion_small": ("Ya bila penyebut inclusion error di bawah batas angka kecil.",
                                   "True when the inclusion-error denominator is below the small-number threshold."),
    "ekspor.other.heading": ("Tabel kualitas data", "Data-quality tables"),
    "ekspor.other.about": (
        "Tidak bergantung pada filter wilayah, program atau tahap: semua file dalam hak akses Anda (file yang memuat "
        "baris dari wilayah Anda).",
        "Independent of the region, programme and tranche filters: every file within your access (files with rows of "
        "your regions).",
    ),
    "ekspor.table.loads": ("Catatan muat (loads)", "Load ledger (loads)"),
    "ekspor.table.loads.about": (
        "Setiap file yang dimuat: baris dibaca, dimuat, dikarantina, pesan dan peringatan.",
        "Every file loaded: rows read, loaded, quarantined, message and warnings.",
    ),
    "ekspor.table.quarantine-summary": ("Ringkasan karantina (quarantine-summary)", "Quarantine summary (quarantine-summary)"),
    "ekspor.table.quarantine-summary.about": (
        "Baris karantina per file dan alasan, dengan baris pertama yang bermasalah.",
        "Quarantined rows by file and reason, with the first line affected.",
    ),
    "ekspor.rows": ("{rows} baris", "{rows} {rows|row|rows}"),
    "ekspor.families.heading": ("Data per keluarga", "Family-level data"),
    "ekspor.families.about": (
        "Satu baris per keluarga di register yang dipakai (snapshot dan wilayah dari filter), dengan kunci samaran "
        "saja, tidak pernah NIK atau No KK asli. Hanya wilayah dalam hak akses Anda; paling banyak {limit} baris "
        "(persempit filter bila lebih). Berkas dibuat saat tombol diklik dan dicatat di log audit.",
        "One row per family in the register in use (snapshot and regions from the filters), with pseudonymised keys "
        "only, never a raw NIK or KK number. Only the regions of your access; at most {limit} rows (narrow the "
        "filters if there are more). The file is made when you click and recorded in the audit log.",
    ),
    "ekspor.families.outside": (
        "Wilayah yang dipilih di luar hak ekspor per keluarga Anda: pilih wilayah dalam hak akses Anda.",
        "The regions chosen are outside your family-level export access: choose regions within your access.",
    ),
    "ekspor.table.quarantine": ("Baris karantina (quarantine)", "Quarantined rows (quarantine)"),
    "ekspor.table.quarantine.about": (
        "Setiap baris yang dikarantina, dengan isi baris (nomor identitas disamarkan) dan kunci samaran.",
        "Every quarantined row, with its values (identity numbers masked) and pseudonymised keys.",
    ),
}
