"""Strings of the Ekspor Data (export) page."""

STRINGS = {
    "ekspor.intro": (
        "Unduh tabel agregat yang sama dengan yang dibuat baris perintah: CSV, Excel atau Parquet, lengkap dengan filter, "
        "versi data dan definisi setiap kolom.",
        "Download the same aggregate tables the command line builds: CSV, Excel or Parquet, with the filters, data "
        "version and the definition of every column.",
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
    "ekspor.filters.regions.all": ("{n} wilayah (semua dalam kelompok)", "{n} regions (all in the group)"),
    "ekspor.filters.regions.chosen": ("{n} wilayah dipilih: {names}", "{n} regions chosen: {names}"),
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
        "Preview: {shown} of {rows} rows",
    ),
    "ekspor.no_rows": (
        "Tidak ada baris untuk filter ini. Ubah wilayah, program atau tahap di panel kiri.",
        "No rows for these filters. Change the regions, programme or tranche in the left panel.",
    ),
    "ekspor.refused": ("Ekspor ditolak: {reason}", "Export refused: {reason}"),
    "ekspor.meta": ("Unduh provenans (JSON)", "Download provenance (JSON)"),
    "ekspor.meta.help": (
        "Berkas pendamping CSV/Parquet: filter, snapshot, aturan kelayakan, versi data, waktu ekspor, definisi kolom. "
        "Simpan di samping file datanya.",
        "The CSV/Parquet sidecar: filters, snapshot, eligibility rule, data version, export time, column definitions. "
        "Keep it beside the data file.",
    ),
    "ekspor.formats": (
        "CSV: UTF-8 dengan BOM, koma, titik desimal, nama kolom mesin (terbuka rapi di Excel dan R/Python). Excel: judul "
        "kolom berbahasa Indonesia, angka sebagai angka, kode sebagai teks, lembar kedua berisi provenans. Parquet: untuk "
        "analisis besar; provenans juga tersimpan di metadata file.",
        "CSV: UTF-8 with BOM, comma separated, dot decimal, machine column names (opens cleanly in Excel and R/Python). "
        "Excel: Indonesian column labels, numbers as numbers, codes as text, a second sheet with the provenance. "
        "Parquet: for large analyses; the provenance is also in the file's metadata.",
    ),
    "ekspor.other.heading": ("Tabel kualitas data", "Data-quality tables"),
    "ekspor.other.about": (
        "Tidak bergantung pada filter wilayah, program atau tahap: selalu seluruh gudang data.",
        "Independent of the region, programme and tranche filters: always the whole warehouse.",
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
    "ekspor.rows": ("{rows} baris", "{rows} rows"),
    "ekspor.families.heading": ("Data per keluarga", "Family-level data"),
    "ekspor.families": (
        "Tabel per keluarga (kunci samaran, tanpa NIK/No KK asli) dan baris karantina lengkap **hanya tersedia lewat "
        "baris perintah** sampai ada kontrol akses di aplikasi ini, misalnya:",
        "The family-level table (pseudonymised keys, never raw NIK / KK numbers) and the full quarantine rows are "
        "**available from the command line only** until this app has access control, for example:",
    ),
}
