"""Strings of the Unggah Data page (loading extract files from the browser)."""

STRINGS = {
    "nav.unggah": ("Unggah Data", "Upload Data"),
    "unggah.intro": (
        "Muat file ekstrak (register keluarga atau penyaluran) dari komputer Anda. Pemuatannya sama dengan perintah "
        "`python -m bansos ingest`: baris yang melanggar aturan dikarantina, file yang tidak terbaca ditolak utuh, dan "
        "halaman lain menampilkan data baru setelah pemuatan selesai.",
        "Load extract files (family register or disbursement) from your computer. The load is the same as the "
        "`python -m bansos ingest` command: rows that break a rule are quarantined, an unreadable file is rejected "
        "whole, and the other pages show the new data once the load has finished.",
    ),
    "unggah.denied": (
        "Halaman ini untuk operator data. Akun Anda tidak memiliki hak memuat data; hubungi pengelola akses bila Anda "
        "perlu memuat file.",
        "This page is for data operators. Your account has no right to load data; contact the access administrator if "
        "you need to load files.",
    ),
    "unggah.scope": ("Anda dapat memuat data untuk: {regions}.", "You may load data for: {regions}."),
    "unggah.scope.help": (
        "File dengan baris di luar wilayah ini ditolak utuh, dengan nama wilayahnya.",
        "A file with rows outside these regions is rejected whole, naming those regions.",
    ),
    "unggah.demo": (
        "Ini gudang data **demo**: file yang Anda muat bercampur dengan data sintetis. Untuk data sebenarnya, "
        "jalankan aplikasi pada gudang data yang sebenarnya.",
        "This is the **demo** warehouse: files you load here mix with synthetic data. For real data, run the app "
        "on the real warehouse.",
    ),
    # the form
    "unggah.form.heading": ("Muat file", "Load files"),
    "unggah.files": ("File ekstrak (CSV, XLSX atau Parquet)", "Extract files (CSV, XLSX or Parquet)"),
    "unggah.files.help": (
        "Seret beberapa file sekaligus ke kotak ini, atau klik untuk memilih. Paling besar {limit} MB per file; "
        "file yang lebih besar dimuat oleh pengelola server dengan perintah `python -m bansos ingest`.",
        "Drag several files at once onto this box, or click to choose. At most {limit} MB per file; larger files are "
        "loaded by the server's administrator with the `python -m bansos ingest` command.",
    ),
    "unggah.as_of": ("Tanggal data", "Data date"),
    "unggah.as_of.help": (
        "Tanggal keadaan data di dalam file: hari register ditarik, atau tanggal laporan bank/PT Pos. Laporan dengan "
        "tanggal lebih baru memperbarui status pembayaran dari laporan lama; laporan lama tidak pernah menimpa yang "
        "baru. Biarkan kosong bila file register sudah punya kolom tanggal data; untuk file penyaluran tanpa tanggal, "
        "dipakai tanggal hari ini. Tanggal ini berlaku untuk semua file yang dimuat bersama.",
        "The date the data in the file describes: the day the register was drawn, or the date of the bank or PT Pos "
        "report. A report with a later date updates payment statuses from an earlier one; an earlier report never "
        "overwrites a later one. Leave it unset when a register file has its own data-date column; a disbursement "
        "file without a date gets today's date. This date applies to every file loaded together.",
    ),
    "unggah.replace": ("File ini perbaikan (ganti terbitan sebelumnya)", "These files are corrections (replace the earlier issue)"),
    "unggah.replace.help": (
        "Centang hanya bila file ini menggantikan file yang sudah pernah dimuat untuk wilayah, program, tahun, tahap "
        "dan lembaga penyalur yang sama (atau wilayah dan tanggal register yang sama): keluarga yang tidak ada lagi di "
        "file baru tidak dihitung lagi (catatannya disimpan sebagai riwayat). Jangan centang untuk laporan biasa atau "
        "file tambahan: keluarga lain akan hilang dari hitungan.",
        "Tick only when these files replace files already loaded for the same region, programme, year, tranche and "
        "paying institution (or the same region and register date): families no longer in the new file stop being "
        "counted (their records are kept as history). Do not tick for an ordinary report or an additional file: "
        "other families would drop out of the counts.",
    ),
    "unggah.submit": ("Muat", "Load"),
    "unggah.need_files": (
        "Belum ada file yang terkirim. Pilih minimal satu file, lalu tunggu sampai setiap file selesai terkirim "
        "(ikon putar di samping namanya hilang) sebelum menekan Muat.",
        "No file has arrived yet. Choose at least one file, then wait until each has been sent (the spinning icon "
        "beside its name is gone) before pressing Load.",
    ),
    "unggah.started": (
        "{n} file diterima dan sedang dimuat. Anda boleh membuka halaman lain; kemajuan dan hasilnya tetap di sini.",
        "{n} {n|file|files} received and being loaded. You may open other pages; the progress and the results stay here.",
    ),
    "unggah.start_failed": (
        "File tidak dapat diterima: {message}. Tidak ada yang dimuat.",
        "The files could not be accepted: {message}. Nothing was loaded.",
    ),
    # progress
    "unggah.jobs.heading": ("Pemuatan Anda", "Your loads"),
    "unggah.jobs.none": ("Belum ada file yang dimuat lewat halaman ini oleh akun ini dalam 7 hari terakhir. Semua "
                         "pemuatan, juga dari baris perintah, tercatat di Kualitas Data.",
                         "No files loaded through this page by this account in the last 7 days. Every load, from the "
                         "command line too, is listed on Data Quality."),
    "unggah.jobs.caption": (
        "Pemuatan 7 hari terakhir dari akun ini, terbaru di atas. File yang diunggah dihapus dari server segera setelah "
        "pemuatan selesai, berhasil atau gagal.",
        "Loads of the last 7 days from this account, newest first. Uploaded files are deleted from the server as soon "
        "as the load ends, whether it succeeded or failed.",
    ),
    "unggah.job.files": ("{n} file", "{n} {n|file|files}"),
    "unggah.job.state.queued": ("antre", "queued"),
    "unggah.job.state.waiting": ("menunggu giliran", "waiting its turn"),
    "unggah.job.state.running": ("sedang dimuat", "loading"),
    "unggah.job.state.finished": ("selesai", "finished"),
    "unggah.job.state.failed": ("gagal", "failed"),
    "unggah.progress": ("{state} — {done} dari {n} file selesai", "{state} — {done} of {n} {n|file|files} done"),
    "unggah.progress.finishing.marts": ("Memperbarui tabel ringkasan…", "Updating the summary tables…"),
    "unggah.progress.finishing.saving": ("Menyimpan gudang data…", "Saving the warehouse…"),
    "unggah.waiting": (
        "Menunggu pemuatan oleh **{who}** selesai (berjalan sejak {since}). Hanya satu pemuatan berjalan pada satu "
        "waktu; pemuatan Anda mulai otomatis setelahnya.",
        "Waiting for **{who}**'s load to finish (running since {since}). One load runs at a time; yours starts by "
        "itself afterwards.",
    ),
    "unggah.waiting.unknown": (
        "Menunggu pemuatan lain selesai. Hanya satu pemuatan berjalan pada satu waktu; pemuatan Anda mulai otomatis "
        "setelahnya.",
        "Waiting for another load to finish. One load runs at a time; yours starts by itself afterwards.",
    ),
    "unggah.stage.queued": ("antre", "queued"),
    "unggah.stage.waiting": ("menunggu giliran", "waiting its turn"),
    "unggah.stage.reading": ("membaca", "reading"),
    "unggah.stage.checking": ("memeriksa baris", "checking rows"),
    "unggah.stage.loading": ("menyimpan", "storing"),
    "unggah.stage.done": ("selesai", "done"),
    "unggah.col.file": ("File", "File"),
    "unggah.col.stage": ("Tahap proses", "Stage"),
    # results
    "unggah.failed": ("Pemuatan gagal, tidak ada yang berubah: {message}", "The load failed, nothing was changed: {message}"),
    "unggah.result.summary": (
        "{loaded} dimuat · {unchanged} tidak berubah · {rejected} ditolak",
        "{loaded} loaded · {unchanged} unchanged · {rejected} rejected",
    ),
    "unggah.result.caption": (
        "Dibaca = dimuat + karantina, untuk setiap file. Baris karantina tidak dihitung; contohnya (identitas "
        "disamarkan) dan cara memperbaikinya ada di Kualitas Data. No. muat dipakai untuk membatalkan satu pemuatan "
        "(`python -m bansos unload NO`). Pesan dari pemuat ditulis dalam bahasa Inggris.",
        "Read = loaded + quarantined, for every file. Quarantined rows are not counted; a sample (identifiers masked) "
        "and how to fix them are on Data Quality. The load no. is what undoes one load "
        "(`python -m bansos unload NO`). Messages from the loader are in English.",
    ),
    "unggah.to_kualitas": ("Lihat di Kualitas Data", "See on Data Quality"),
    "unggah.status.loaded": ("✓ dimuat", "✓ loaded"),
    "unggah.status.unchanged": ("= tidak berubah (sudah dimuat)", "= unchanged (already loaded)"),
    "unggah.status.rejected": ("✗ ditolak", "✗ rejected"),
    "unggah.col.status": ("Hasil", "Outcome"),
    "unggah.col.load_id": ("No. muat", "Load no."),
    "unggah.col.read": ("Dibaca", "Read"),
    "unggah.col.loaded": ("Dimuat", "Loaded"),
    "unggah.col.quarantined": ("Karantina", "Quarantined"),
    "unggah.col.reasons": ("Alasan karantina", "Quarantine reasons"),
    "unggah.col.message": ("Pesan pemuat", "Loader's message"),
    "unggah.col.warnings": ("Peringatan", "Warnings"),
    "unggah.server_folder": ("[folder server]", "[server folder]"),
}
