"""Strings of access control: login, roles, the public view, refusals, downloads."""

STRINGS = {
    # the account box in the sidebar
    "akses.login": ("Masuk", "Log in"),
    "akses.logout": ("Keluar", "Log out"),
    "akses.login.help": (
        "Masuk dengan akun instansi Anda untuk melihat wilayah dan data sesuai hak akses Anda.",
        "Log in with your organisation's account to see the regions and data your access allows.",
    ),
    "akses.signed_in": ("Masuk sebagai **{name}**", "Logged in as **{name}**"),
    "akses.roles": ("Peran: {roles}", "Role: {roles}"),
    "akses.scope.all": ("Wilayah: semua kabupaten/kota", "Regions: every regency/city"),
    "akses.scope.some": ("Wilayah: {names} ({n} kabupaten/kota)", "Regions: {names} ({n} {n|regency/city|regencies/cities})"),
    "akses.scope.public": ("Wilayah: wilayah pilot, angka kecil disamarkan", "Regions: pilot regions, small numbers suppressed"),
    "akses.role.publik": ("Publik", "Public"),
    "akses.role.pimpinan": ("Pimpinan daerah", "Regional leadership"),
    "akses.role.evaluator": ("Evaluator", "Evaluator"),
    "akses.role.analis": ("Analis", "Analyst"),
    "akses.role.operator": ("Operator data", "Data operator"),
    "akses.local": (
        "**Mode lokal**: tanpa login, satu orang di komputer ini dengan semua hak akses. Dasbor hanya dilayani di "
        "localhost; untuk dibuka banyak orang, pasang penyedia login (lihat bagian Access control di README).",
        "**Local mode**: no login, one person at this computer with every right. The dashboard is served on localhost "
        "only; to open it to others, configure a login provider (see Access control in the README).",
    ),
    "akses.local.short": ("Mode lokal · semua hak akses", "Local mode · every right"),
    "akses.public": (
        "**Tampilan publik**: indikator utama wilayah pilot. Jumlah 1–{k1} keluarga ditampilkan sebagai «< {k}», dan "
        "angka yang dapat dipakai untuk menghitungnya disembunyikan («—»). Masuk untuk melihat lebih banyak.",
        "**Public view**: the pilot regions' headline indicators. Counts of 1–{k1} families read “< {k}”, and figures "
        "that would let someone work them out are hidden (“—”). Log in to see more.",
    ),
    "akses.public.no_grant": (
        "Akun **{email}** belum mendapat hak akses, jadi Anda melihat tampilan publik. Untuk meminta akses, hubungi "
        "{contact}.",
        "The account **{email}** has no access yet, so you see the public view. To ask for access, contact {contact}.",
    ),
    "filter.snapshot.latest": ("snapshot terbaru", "the latest snapshot"),
    # pages people cannot open
    "akses.none.title": ("Tidak ada akses", "No access"),
    "akses.none.body": (
        "Akun **{email}** tidak memiliki hak akses ke dasbor ini. Untuk meminta akses, hubungi **{contact}** dan "
        "sebutkan alamat e-mail ini.",
        "The account **{email}** has no access to this dashboard. To ask for access, contact **{contact}** and give "
        "this e-mail address.",
    ),
    "akses.none.contact_unknown": ("pengelola dasbor di instansi Anda", "the dashboard's administrator in your organisation"),
    "akses.login_required.title": ("Masuk untuk melihat dasbor", "Log in to see the dashboard"),
    "akses.login_required.body": (
        "Dasbor ini memuat data pribadi (UU PDP 27/2022) dan hanya terbuka bagi yang mendapat hak akses. Masuk dengan "
        "akun instansi Anda. Belum punya akses? Hubungi **{contact}**.",
        "This dashboard holds personal data (Indonesia's personal data protection law, UU PDP 27/2022) and is open "
        "only to people granted access. Log in with your organisation's account. No access yet? Contact **{contact}**.",
    ),
    "akses.refused.title": ("Halaman ini tidak termasuk hak akses Anda", "This page is not part of your access"),
    "akses.refused.body": (
        "**{page}** hanya untuk peran {roles}. Peran Anda: {yours}. Untuk meminta akses, hubungi {contact}.",
        "**{page}** is for the roles {roles} only. Your role: {yours}. To ask for access, contact {contact}.",
    ),
    "akses.refused.public": (
        "**{page}** tidak termasuk tampilan publik. Masuk dengan akun yang mendapat hak akses untuk membukanya.",
        "**{page}** is not part of the public view. Log in with an account that has access to open it.",
    ),
    "akses.refused.section": (
        "Bagian ini tidak termasuk hak akses Anda, jadi tidak ditampilkan.",
        "This part is not within your access, so it is not shown.",
    ),
    # problems that stop the app
    "akses.file_error": (
        "Dasbor berhenti: berkas hak akses tidak dapat dipakai, jadi tidak ada yang dapat diberi akses sampai "
        "diperbaiki. Pengelola dasbor: perbaiki baris yang disebut di bawah ini.",
        "The dashboard has stopped: the access file cannot be used, so nobody can be let in until it is fixed. "
        "Administrator: fix the line named below.",
    ),
    "akses.local_refused": (
        "Dasbor berhenti: tanpa penyedia login, dasbor berjalan dalam mode lokal, yang hanya boleh dilayani di "
        "localhost. Jalankan dengan --server.address localhost, atau pasang penyedia login.",
        "The dashboard has stopped: without a login provider it runs in local mode, which may be served on localhost "
        "only. Serve it with --server.address localhost, or configure a login provider.",
    ),
    "akses.audit_error": (
        "Dasbor berhenti: log audit tidak dapat ditulis, dan tanpa log audit tidak ada data yang dibuka. Hubungi "
        "pengelola dasbor (rinciannya tercatat di log server).",
        "The dashboard has stopped: the audit log cannot be written, and without it no data is opened. Contact the "
        "dashboard's administrator (the details are in the server log).",
    ),
    "error.warehouse_damaged": (
        "Gudang data rusak atau tidak dapat dibaca, jadi halaman ini tidak dapat menampilkan angka. Pengelola data: "
        "pulihkan cadangan terakhir (python -m bansos restore) atau muat ulang ekstrak (lihat docs/operations.md).",
        "The warehouse is damaged or cannot be read, so this page cannot show any figures. Data team: restore the "
        "latest backup (python -m bansos restore) or load the extracts again (see docs/operations.md).",
    ),
    "error.warehouse_outdated": (
        "Gudang data dibuat oleh versi dasbor yang lebih lama, jadi halaman ini belum dapat ditampilkan. Pengelola "
        "data: jalankan `python -m bansos migrate` sekali (lihat docs/operations.md).",
        "The warehouse was made by an earlier version of the dashboard, so this page cannot be shown yet. Data "
        "team: run `python -m bansos migrate` once (see docs/operations.md).",
    ),
    # downloads
    "unduh.chart": ("Unduh data grafik", "Download chart data"),
    "unduh.chart.help": (
        "Angka di balik grafik ini, dengan filter yang sama: CSV standar, atau CSV untuk Excel berbahasa Indonesia.",
        "The figures behind this chart, with the same filters: standard CSV, or CSV for Excel in Indonesian.",
    ),
    "unduh.csv": ("CSV", "CSV"),
    "unduh.csv_id": ("CSV untuk Excel (Indonesia)", "CSV for Excel (Indonesia)"),
    "unduh.refused": (
        "Unduhan tidak tersedia: log audit tidak dapat ditulis, dan tidak ada berkas yang diberikan tanpa dicatat. "
        "Hubungi pengelola dasbor.",
        "Downloads are unavailable: the audit log cannot be written, and no file is handed out without being "
        "recorded. Contact the dashboard's administrator.",
    ),
    "unduh.recorded": (
        "Setiap unduhan dicatat di log audit (siapa, tabel, filter, jumlah baris).",
        "Every download is recorded in the audit log (who, table, filters, rows).",
    ),
}
