"""Strings of the Kualitas Data (loads, quarantine, freshness) page."""

STRINGS = {
    "kualitas.intro": (
        "Apa yang sudah dimuat, apa yang ditolak ke karantina dan mengapa, wilayah mana yang datanya tertinggal, dan cara "
        "memperbaikinya di sumber.",
        "What has been loaded, what went to quarantine and why, which regions are behind, and how to fix it at source.",
    ),
    "kualitas.empty": (
        "Belum ada file yang dimuat. Operator memuat ekstrak di halaman Unggah Data, atau dengan "
        "`python -m bansos ingest FILE…`; hasil setiap file (baris dibaca, dimuat, dikarantina) akan tampil di sini.",
        "No file loaded yet. Operators load extracts on the Upload Data page, or with `python -m bansos ingest FILE…`; "
        "each file's outcome (rows read, loaded, quarantined) will show here.",
    ),
    # tiles
    "kualitas.tile.files": ("File dimuat", "Files loaded"),
    "kualitas.tile.files.caption": ("{keluarga} register · {penyaluran} penyaluran", "{keluarga} register · {penyaluran} disbursement"),
    "kualitas.tile.rows": ("Baris dimuat", "Rows loaded"),
    "kualitas.tile.rows.caption": ("dari {read} baris dibaca", "of {read} {read|row|rows} read"),
    "kualitas.tile.quarantine": ("Baris dikarantina", "Rows quarantined"),
    "kualitas.tile.quarantine.help": (
        "Baris yang melanggar aturan kontrak ekstrak, disimpan terpisah (identitas disamarkan) dan tidak dihitung. "
        "Baris dibaca = dimuat + dikarantina, untuk setiap file.",
        "Rows that broke a rule of the extract contract, kept apart (identifiers masked) and not counted. Rows read = "
        "loaded + quarantined, for every file.",
    ),
    "kualitas.tile.last": ("Muat terakhir", "Last load"),
    # The files with warnings, named when there is one (the ledger below lists every warning).
    "kualitas.tile.last.caption": ("pukul {time} · tidak ada file dengan peringatan", "at {time} · no file with warnings"),
    "kualitas.tile.last.caption.one": ("pukul {time} · peringatan pada {file}", "at {time} · a warning on {file}"),
    "kualitas.tile.last.caption.many": ("pukul {time} · {n} file dengan peringatan (lihat Catatan muat)",
                                        "at {time} · {n} {n|file|files} with warnings (see the load ledger)"),
    # ledger
    "kualitas.ledger.heading": ("Catatan muat", "Load ledger"),
    "kualitas.ledger.caption": (
        "Setiap file yang dimuat, terbaru di atas. File yang ditolak utuh (tidak terbaca, kolom wajib hilang) tidak "
        "masuk catatan ini: lihat «File yang ditolak utuh» di bawah.",
        "Every file loaded, newest first. A file rejected whole (unreadable, a required column missing) is not in this "
        "ledger: see “Files rejected whole” below.",
    ),
    "kualitas.col.load_id": ("No. muat", "Load no."),
    "kualitas.col.load_id.help": (
        "Nomor pemuatan. Operator membatalkan satu pemuatan dengan `python -m bansos unload NO`: barisnya dihapus dan "
        "baris yang digantikannya berlaku lagi.",
        "The load's number. An operator takes one load back out with `python -m bansos unload NO`: its rows go and "
        "the rows it replaced count again.",
    ),
    "kualitas.col.loaded_by": ("Dimuat oleh", "Loaded by"),
    "kualitas.col.unloaded": ("Dibatalkan (WIB)", "Unloaded (WIB)"),
    "kualitas.col.unloaded.help": (
        "Pemuatan ini sudah dibatalkan (`unload`): barisnya tidak dihitung lagi; catatannya tetap di sini.",
        "This load was taken back out (`unload`): its rows no longer count; its record stays here.",
    ),
    # files rejected whole
    "kualitas.rejected.heading": ("File yang ditolak utuh", "Files rejected whole"),
    "kualitas.rejected.none": ("Tidak ada file yang ditolak utuh.", "No file was rejected whole."),
    "kualitas.rejected.caption": (
        "{shown} dari {total} penolakan, terbaru di atas. Tidak ada isi file ini yang dimuat; perbaiki file lalu muat "
        "ulang. Catatan penolakan dihapus setelah {days} hari. Penolakan tidak punya wilayah: yang melihat semua "
        "wilayah melihat semuanya, yang lain hanya file kirimannya sendiri. Pesan dari pemuat ditulis dalam bahasa "
        "Inggris.",
        "{shown} of {total} rejections, newest first. Nothing of these files was loaded; fix the file and load it "
        "again. Rejection records are deleted after {days} days. A rejection has no region: those who see every "
        "region see all of them, anyone else only the files they sent themselves. Messages from the loader are in "
        "English.",
    ),
    "kualitas.col.rejected_at": ("Waktu ditolak (WIB)", "Rejected at (WIB)"),
    "kualitas.col.rejected_by": ("Dikirim oleh", "Sent by"),
    "kualitas.col.file": ("File", "File"),
    "kualitas.col.kind": ("Jenis", "Kind"),
    "kualitas.col.loaded_at": ("Waktu muat (WIB)", "Loaded at (WIB)"),
    # The same name as the upload form's date (unggah.as_of): the extract's tanggal_data, or the date given there.
    "kualitas.col.extract_date": ("Tanggal data", "Data date"),
    "kualitas.col.extract_date.help": (
        "Tanggal keadaan data di dalam file: kolom tanggal_data, atau tanggal yang diisi saat memuat.",
        "The date the data in the file describes: its tanggal_data column, or the date given when it was loaded.",
    ),
    "kualitas.col.read": ("Dibaca", "Read"),
    "kualitas.col.loaded": ("Dimuat", "Loaded"),
    "kualitas.col.quarantined": ("Karantina", "Quarantined"),
    "kualitas.col.superseded": ("Lebih lama", "Superseded"),
    "kualitas.col.removed": ("Dihapus", "Removed"),
    "kualitas.col.message": ("Pesan", "Message"),
    "kualitas.col.warnings": ("Peringatan", "Warnings"),
    "kualitas.warning.cp1252": ("dibaca sebagai Windows-1252, bukan UTF-8", "decoded as Windows-1252, not UTF-8"),
    "kualitas.warning.sheet": ("dibaca dari lembar «{sheet}»", "read from sheet “{sheet}”"),
    "kualitas.col.superseded.help": (
        "Baris valid yang lebih lama dari baris tersimpan dengan kunci yang sama (tidak diterapkan).",
        "Valid rows older than the stored row with the same key (not applied).",
    ),
    "kualitas.col.removed.help": (
        "Baris tersimpan yang tidak ada lagi di file perbaikan yang menggantikan terbitan sebelumnya (pilihan «ganti "
        "terbitan sebelumnya» di Unggah Data, atau `--replace` di baris perintah).",
        "Stored rows no longer in a correction that replaced the earlier issue (the “replace the earlier issue” "
        "choice on Upload Data, or `--replace` on the command line).",
    ),
    "kualitas.kind.keluarga": ("Register keluarga", "Family register"),
    "kualitas.kind.penyaluran": ("Penyaluran", "Disbursement"),
    # quarantine
    "kualitas.reasons.heading": ("Karantina menurut alasan", "Quarantine by reason"),
    "kualitas.reasons.title": ("Baris dikarantina menurut alasan", "Quarantined rows by reason"),
    "kualitas.reasons.x": ("Jumlah baris", "Rows"),
    "kualitas.reasons.y": ("Alasan", "Reason"),
    "kualitas.reasons.hover": ("{rows} baris di {files} file", "{rows} {rows|row|rows} in {files} {files|file|files}"),
    "kualitas.reasons.caption": (
        "Satu baris bisa melanggar beberapa aturan, jadi jumlah per alasan bisa lebih dari jumlah baris karantina "
        "({rows} baris).",
        "A row may break several rules, so the counts by reason can add up to more than the quarantined rows "
        "({rows} {rows|row|rows}).",
    ),
    "kualitas.reasons.none": ("Tidak ada baris yang dikarantina.", "No rows were quarantined."),
    "kualitas.by_file": ("Per file dan alasan", "By file and reason"),
    "kualitas.col.reason": ("Alasan", "Reason"),
    "kualitas.col.reason_code": ("Kode", "Code"),
    "kualitas.col.rows": ("Baris", "Rows"),
    "kualitas.col.first_line": ("Baris pertama", "First line"),
    "kualitas.col.first_line.help": (
        "Letak baris di file: CSV nomor baris (header = baris 1), XLSX nomor baris di sheet, Parquet urutan baris "
        "mulai dari 1.",
        "Where the row is in the file: CSV its line number (the header is line 1), XLSX the sheet's row number, "
        "Parquet its position counting from 1.",
    ),
    "kualitas.col.share": ("Bagian", "Share"),
    # sample
    "kualitas.sample.heading": ("Contoh baris karantina", "Sample of quarantined rows"),
    "kualitas.sample.file": ("File", "File"),
    "kualitas.sample.reason": ("Alasan", "Reason"),
    "kualitas.sample.all_files": ("Semua file", "All files"),
    "kualitas.sample.all_reasons": ("Semua alasan", "All reasons"),
    # Which rows the sample holds: all that match, or the first {limit} (of {total}, where a reason is chosen).
    "kualitas.sample.all": ("{shown||Semua }{shown} baris yang cocok.", "{shown||All }{shown} matching {shown|row|rows}."),
    "kualitas.sample.first": (
        "{limit} baris pertama yang cocok; pilih file atau alasan untuk mempersempit.",
        "The first {limit} matching {limit|row|rows}; choose a file or a reason to narrow them.",
    ),
    "kualitas.sample.first_of": (
        "{limit} baris pertama dari {total} yang cocok; pilih file untuk mempersempit.",
        "The first {limit} of {total} matching {total|row|rows}; choose a file to narrow them.",
    ),
    "kualitas.sample.first_of_file": (
        "{limit} baris pertama dari {total} yang cocok.", "The first {limit} of {total} matching {total|row|rows}.",
    ),
    "kualitas.sample.caption": (
        "{which} No KK dan NIK selalu disamarkan (6 digit awal dan "
        "4 digit akhir); nilai lain tampil seperti di file. Cari baris ini di file sumber lewat nomor barisnya (CSV: header = baris 1; "
        "XLSX: nomor baris di sheet; Parquet: urutan baris mulai dari 1).",
        "{which} KK numbers and NIKs are always masked (first 6 and last 4 "
        "digits); other values show as in the file. Find a row in the source file by its line number (CSV: the header is line "
        "1; XLSX: the sheet's row number; Parquet: its position counting from 1).",
    ),
    "kualitas.sample.none": ("Tidak ada baris karantina untuk pilihan ini.", "No quarantined rows for this choice."),
    "kualitas.col.line": ("Baris", "Line"),
    "kualitas.col.reasons": ("Alasan", "Reasons"),
    "kualitas.col.no_kk_masked": ("No KK (disamarkan)", "KK number (masked)"),
    "kualitas.col.nik_masked": ("NIK (disamarkan)", "NIK (masked)"),
    "kualitas.fix.for": ("Cara memperbaiki **{reason}**: {fix}", "How to fix **{reason}**: {fix}"),
    # freshness
    "kualitas.fresh.heading": ("Kemutakhiran per wilayah", "Freshness by region"),
    "kualitas.fresh.caption": (
        "Snapshot register dan tahap penyaluran terakhir yang dimuat per wilayah. Perlu perhatian: register lebih lama "
        "dari snapshot terbaru kelompoknya (pilot atau pembanding) di seluruh gudang data, tahap penyaluran terbaru belum "
        "dimuat, program tahap terbaru belum ada, atau pilot di daftar yang belum punya data sama sekali.",
        "Latest register snapshot and disbursement tranche loaded per region. Needs attention: a register older than "
        "the latest snapshot of its group (pilot or comparison) in the whole warehouse, the latest tranche not loaded, a "
        "programme of the latest tranche missing, or a pilot on the list with no data at all.",
    ),
    "kualitas.fresh.summary": ("{n} wilayah perlu perhatian:", "{n} {n|region needs|regions need} attention:"),
    "kualitas.fresh.all_ok": (
        "{total||Semua }{total} wilayah memiliki snapshot register terbaru kelompoknya dan tahap penyaluran terbaru, dan setiap "
        "pilot di daftar punya data.",
        "{total||All }{total} {total|region has its|regions have their} group's latest register snapshot and the latest tranche, and every pilot on the "
        "list has data.",
    ),
    "kualitas.matrix.title": ("Data yang sudah dimuat", "Data loaded"),
    "kualitas.matrix.x": ("Periode", "Period"),
    "kualitas.matrix.y": ("Kabupaten/kota", "Regency/city"),
    "kualitas.matrix.register": ("Register", "Register"),
    "kualitas.matrix.hover": ("{region} · {period}: {rows} keluarga", "{region} · {period}: {rows} {rows|family|families}"),
    "kualitas.matrix.caption": (
        "Kotak terisi = data dimuat untuk wilayah dan periode itu; kotak kosong = belum ada. Kolom register kosong "
        "bukan kekurangan bila wilayah itu punya snapshot terbaru kelompoknya (wilayah pembanding biasanya hanya "
        "punya register DTSEN yang lebih lama). Biru = pilot, oranye = pembanding. Arahkan kursor untuk jumlah keluarga.",
        "Filled cell = data loaded for that region and period; empty cell = not loaded. An empty register column is "
        "no gap when the region has its group's latest snapshot (comparison regions usually have only an older DTSEN "
        "register). Blue = pilot, orange = comparison. Hover for the number of families.",
    ),
    "kualitas.fresh.all_regions": ("Semua wilayah dengan data", "All regions with data"),
    "kualitas.col.region": ("Wilayah", "Region"),
    "kualitas.col.group": ("Kelompok", "Group"),
    "kualitas.col.status": ("Status", "Status"),
    "kualitas.col.snapshot": ("Snapshot register", "Register snapshot"),
    "kualitas.col.snapshots": ("Jumlah snapshot", "Snapshots"),
    "kualitas.col.tranche": ("Tahap terakhir", "Latest tranche"),
    "kualitas.col.programs": ("Program (tahap terakhir)", "Programmes (latest tranche)"),
    "kualitas.status.ok": ("✓ mutakhir", "✓ up to date"),
    "kualitas.status.no_data": ("⚠ pilot tanpa data", "⚠ pilot without data"),
    "kualitas.status.no_register": ("⚠ tanpa register", "⚠ no register"),
    "kualitas.status.no_allocations": ("⚠ tanpa penyaluran", "⚠ no disbursements"),
    "kualitas.status.register_behind": ("⚠ register tertinggal (terbaru {date})", "⚠ register behind (latest {date})"),
    "kualitas.status.tranche_behind": ("⚠ tahap tertinggal (terbaru {period})", "⚠ tranche behind (latest {period})"),
    "kualitas.status.missing_programs": ("⚠ belum ada {programs}", "⚠ {programs} missing"),
    # fixes
    "kualitas.fixes.heading": ("Cara memperbaiki kesalahan umum", "How to fix common errors"),
    "kualitas.fixes.caption": (
        "Perbaiki di sistem sumber lalu muat ulang file (baris yang sudah benar tidak dihitung dua kali). Alasan yang "
        "ada di gudang data ini tampil lebih dulu.",
        "Fix at the source system, then load the file again (rows already loaded are not counted twice). Reasons present "
        "in this warehouse come first.",
    ),
    "kualitas.fixes.present": ("{reason} — {rows} baris", "{reason} — {rows} {rows|row|rows}"),
    "kualitas.fixes.others": ("Alasan lain ({n})", "Other reasons ({n})"),
    "kualitas.fixes.all": ("Semua alasan ({n})", "All reasons ({n})"),
    # reason labels (meaning of each code in bansos.contract.REASONS)
    "kualitas.reason.missing_required": ("Kolom wajib kosong / baris terpotong", "Required value blank / row cut off"),
    "kualitas.reason.too_many_fields": ("Kolom lebih banyak dari judul", "More fields than the header"),
    "kualitas.reason.csv_malformed": ("Baris CSV tidak terbaca (tanda kutip)", "Unreadable CSV line (quotes)"),
    "kualitas.reason.no_kk_invalid": ("No KK bukan 16 digit teks", "KK number not 16 digits of text"),
    "kualitas.reason.nik_invalid": ("NIK bukan 16 digit teks", "NIK not 16 digits of text"),
    "kualitas.reason.kode_wilayah_unknown": ("Kode wilayah tidak dikenal", "Unknown region code"),
    "kualitas.reason.desil_out_of_range": ("Desil di luar 1-10", "Decile outside 1-10"),
    "kualitas.reason.jumlah_anggota_invalid": ("Jumlah anggota tidak sah", "Invalid family size"),
    "kualitas.reason.kanal_unknown": ("Kanal registrasi tidak dikenal", "Unknown registration channel"),
    "kualitas.reason.status_unknown": ("Status tidak dikenal", "Unknown status"),
    "kualitas.reason.sanggah_unknown": ("Nilai sanggah tidak dikenal", "Unknown appeal value"),
    "kualitas.reason.program_unknown": ("Program tidak dikenal", "Unknown programme"),
    "kualitas.reason.tahun_invalid": ("Tahun tidak sah", "Invalid year"),
    "kualitas.reason.tahap_invalid": ("Tahap tidak sah", "Invalid tranche"),
    "kualitas.reason.nominal_invalid": ("Nominal tidak sah", "Invalid amount"),
    "kualitas.reason.lembaga_unknown": ("Lembaga penyalur tidak dikenal", "Unknown paying institution"),
    "kualitas.reason.tanggal_invalid": ("Tanggal tidak sah", "Invalid date"),
    "kualitas.reason.duplicate_in_file": ("Duplikat dalam file", "Duplicate in the file"),
}
