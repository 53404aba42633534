"""Strings of the Metodologi (methods, indicator dictionary, glossary) page."""

STRINGS = {
    "metodologi.intro": (
        "Bagaimana setiap angka dihitung: aturan, definisi indikator, tabel program dan pengaturan yang sedang dipakai, "
        "asal daftar pilot, dan daftar istilah.",
        "How every figure is computed: the rules, the indicator definitions, the programme table and settings in use, "
        "where the pilot list comes from, and a glossary.",
    ),
    "metodologi.no_warehouse": (
        "Tanpa gudang data, tabel program dan daftar pilot yang dipakai tidak bisa ditampilkan; isinya ada di "
        "data/reference/programs.csv dan data/reference/pilots.csv.",
        "Without a warehouse the programme table and pilot list in use cannot be shown; they live in "
        "data/reference/programs.csv and data/reference/pilots.csv.",
    ),
    # rules
    "metodologi.rules.heading": ("Aturan perhitungan", "Rules"),
    "metodologi.rule.snapshot": (
        "**Snapshot register.** Untuk tanggal snapshot yang dipilih, setiap wilayah memakai snapshot register terakhirnya "
        "pada atau sebelum tanggal itu. Wilayah tanpa snapshot seperti itu tidak punya indikator berbasis register, dan "
        "halaman mengatakannya.",
        "**Register snapshot.** For the snapshot date chosen, each region uses its latest register snapshot on or before "
        "that date. A region with no such snapshot has no register-based indicators, and the pages say so.",
    ),
    "metodologi.rule.eligible": (
        "**Siapa yang layak.** Basis desil: desil ≤ ambang program (tabel di bawah). Basis keputusan: berstatus layak atau "
        "sanggahannya diterima — hanya untuk wilayah yang punya data pendaftaran.",
        "**Who is eligible.** Decile basis: decile ≤ the programme threshold (table below). Decision basis: decided eligible (layak) "
        "or appeal upheld — only for regions with registration data.",
    ),
    "metodologi.rule.membership": (
        "**Keanggotaan lintas wilayah.** Keluarga dikenali dari kunci No KK di semua wilayah: keluarga layak di register "
        "wilayah A yang menerima di wilayah B tetap dihitung tercakup di A dan sebagai penerima layak di B. Penerima yang "
        "tidak ada di register mana pun dihitung tidak layak.",
        "**Membership across regions.** A family is recognised by its KK key in every region: an eligible family in "
        "region A's register that receives in region B counts as covered in A and as an eligible recipient in B. "
        "Recipients absent from every register count as not eligible.",
    ),
    "metodologi.rule.sums": (
        "**Jumlah antarwilayah.** Untuk provinsi atau semua pilot, pembilang dan penyebut dijumlahkan dulu, baru dibagi "
        "— bukan rata-rata persentase wilayah.",
        "**Sums over regions.** For a province or all pilots, numerators and denominators are added first, then divided "
        "— never an average of regional percentages.",
    ),
    "metodologi.rule.periods": (
        "**Tahap tidak pernah dijumlahkan.** Tampilan memakai satu tahap, atau tren antartahap. \"Tahap sebelumnya\" = "
        "tahap tepat sebelumnya dari program yang sama.",
        "**Periods are never summed.** A view shows one tranche, or a trend of tranches. \"Previous period\" = the "
        "tranche just before, of the same programme.",
    ),
    "metodologi.rule.empty": (
        "**Rasio kosong.** Rasio dengan penyebut 0 ditampilkan kosong (–), bukan 0%. Setiap rasio ditampilkan bersama "
        "pembilang dan penyebutnya; exclusion dan inclusion error punya penyebut berbeda dan tidak dijumlahkan.",
        "**Empty rates.** A rate whose denominator is 0 shows as empty (–), not 0%. Every rate is shown with its "
        "numerator and denominator; the exclusion and inclusion errors have different denominators and do not add up.",
    ),
    "metodologi.rule.small": (
        "**Angka kecil.** Rasio yang dihitung dari kurang dari {n} keluarga ditandai ⚠ dan tidak dimasukkan dalam "
        "peringkat.",
        "**Small numbers.** A rate computed on fewer than {n} families is flagged ⚠ and left out of rankings.",
    ),
    "metodologi.rule.targets": (
        "**Target.** Exclusion dan inclusion error di bawah {now} pada 2026, lalu di bawah {next}; kedua garis target "
        "digambar pada grafik kesalahan.",
        "**Targets.** Exclusion and inclusion error below {now} in 2026, then below {next}; both target lines are drawn "
        "on the error charts.",
    ),
    "metodologi.rule.did": (
        "**Perbandingan (DiD).** Untuk pilot r dan wilayah pembandingnya C: perubahan Δ = indikator(t2) − indikator(t1); "
        "DiD = Δr − ΔC, dengan ΔC dari pembilang dan penyebut C yang dijumlahkan. t1 dan t2 dipilih pengguna (bawaan: "
        "tahap pertama dan terakhir yang dimuat); semua masukannya ditampilkan. Cara membacanya: {reading}.",
        "**Comparison (DiD).** For a pilot r and its comparison regions C: change Δ = metric(t2) − metric(t1); DiD = "
        "Δr − ΔC, with ΔC from C's summed numerators and denominators. t1 and t2 are chosen by the user (default: the "
        "first and the latest tranche loaded); all inputs are shown. How to read it: {reading}.",
    ),
    "metodologi.rule.funnel": (
        "**Corong pendaftaran.** Pendaftaran baru (kanal mandiri, agen, musdes, dinsos; dtsen terpisah) → diputus → "
        "layak / tidak layak → dari yang tidak layak: menyanggah → diterima → layak akhir (layak + sanggahan diterima) "
        "→ penerima program pada tahap itu → dibayar.",
        "**Registration funnel.** New registrations (channel mandiri, agen, musdes, dinsos; dtsen apart) → decided → "
        "eligible (layak) / not eligible (tidak layak) → of the not eligible: appealed → upheld → eligible in the end "
        "(layak + upheld) → recipient of the programme in the tranche → paid.",
    ),
    # indicators
    "metodologi.indicators.heading": ("Definisi indikator", "Indicator definitions"),
    "metodologi.indicators.caption": (
        "Dibuat langsung dari definisi indikator yang dipakai aplikasi (satu definisi per indikator, di berkas "
        "bansos/indicators.py): halaman, ekspor dan kamus data memakai definisi yang sama. Rumus memakai nama kolom "
        "gudang data dan lambang himpunan: `E` = keluarga layak di register yang dipakai, `E_r` = yang terdaftar di "
        "wilayah r; `R` = keluarga yang dialokasikan program pada tahap itu, `R_r` = yang dialokasikan di wilayah r.",
        "Generated from the indicator definitions the application uses (one definition per indicator, in the file "
        "bansos/indicators.py): pages, exports and the data dictionary use the same definitions. Formulas use the "
        "warehouse's column names and set symbols: `E` = eligible families of the register in use, `E_r` = those "
        "registered in region r; `R` = families allocated the programme in the tranche, `R_r` = those allocated in region r.",
    ),
    "metodologi.ind.formula": ("Rumus", "Formula"),
    "metodologi.ind.numerator": ("Pembilang", "Numerator"),
    "metodologi.ind.denominator": ("Penyebut", "Denominator"),
    "metodologi.ind.format": ("Format", "Format"),
    "metodologi.ind.source": ("Sumber aturan", "Source of the rule"),
    "metodologi.ind.lower": ("semakin rendah semakin baik", "lower is better"),
    "metodologi.ind.higher": ("semakin tinggi semakin baik", "higher is better"),
    "metodologi.ind.id": ("Nama kolom", "Column name"),
    "metodologi.format.pct": ("persen", "percent"),
    "metodologi.format.int": ("jumlah keluarga", "count of families"),
    "metodologi.format.rp": ("rupiah", "rupiah"),
    "metodologi.format.pp": ("poin persentase", "percentage points"),
    "metodologi.format.date": ("tanggal", "date"),
    "metodologi.format.text": ("teks", "text"),
    "metodologi.format.bool": ("ya/tidak", "yes/no"),
    "metodologi.source.project": (
        "definisi aplikasi ini (lihat Aturan perhitungan di atas)",
        "this application's definition (see the rules above)",
    ),
    # programmes
    "metodologi.programs.heading": ("Tabel program yang dipakai", "Programme table in use"),
    "metodologi.programs.caption": (
        "Tabel ini disimpan di berkas data/reference/programs.csv; pengelola data dapat mengubahnya lalu membangun "
        "ulang gudang data (`python -m bansos rebuild`). Catatan sumber dikutip apa adanya dari berkas itu, dalam "
        "bahasa Inggris.",
        "This table is kept in the file data/reference/programs.csv; the data team can edit it and then rebuild the "
        "warehouse (`python -m bansos rebuild`). The source notes are quoted as written in that file.",
    ),
    "metodologi.col.code": ("Kode", "Code"),
    "metodologi.col.name": ("Nama", "Name"),
    "metodologi.col.threshold": ("Ambang (basis desil)", "Threshold (decile basis)"),
    "metodologi.col.benefit": ("Manfaat per tahap", "Benefit per tranche"),
    "metodologi.col.tranches": ("Tahap per tahun", "Tranches a year"),
    "metodologi.col.aliases": ("Kode lain", "Aliases"),
    "metodologi.col.source": ("Sumber", "Source"),
    "metodologi.threshold": ("desil ≤ {n}", "decile ≤ {n}"),
    "metodologi.benefit.note": (
        "Manfaat kosong (–): besarnya bervariasi per keluarga atau bantuannya tidak tunai.",
        "Benefit empty (–): the amount varies by family, or the benefit is not cash.",
    ),
    # settings
    "metodologi.settings.heading": ("Pengaturan yang dipakai", "Settings in use"),
    "metodologi.settings.caption": (
        "Diubah lewat variabel lingkungan saat aplikasi dijalankan (lihat README, bagian Settings).",
        "Changed through environment variables when the app starts (see the README, Settings section).",
    ),
    "metodologi.col.setting": ("Pengaturan", "Setting"),
    "metodologi.col.value": ("Nilai", "Value"),
    "metodologi.col.env": ("Variabel", "Variable"),
    "metodologi.setting.timely_days": ("Batas tepat waktu", "Timely payment limit"),
    "metodologi.setting.timely_days.value": ("{n} hari sejak awal tahap", "{n} days from the tranche start"),
    "metodologi.setting.target_2026": ("Target kesalahan 2026", "Error target 2026"),
    "metodologi.setting.target_next": ("Target kesalahan berikutnya", "Next error target"),
    "metodologi.setting.target.value": ("di bawah {value}", "below {value}"),
    "metodologi.setting.min_families": ("Batas angka kecil", "Small-number threshold"),
    "metodologi.setting.min_families.value": ("{n} keluarga", "{n} families"),
    "metodologi.setting.export_max_rows": ("Batas baris ekspor", "Export row limit"),
    "metodologi.setting.export_max_rows.value": ("{n} baris (lebih dari itu ditolak, tidak dipotong)", "{n} {n|row|rows} (more is refused, never cut)"),
    # pilots
    "metodologi.pilots.heading": ("Asal daftar pilot", "Where the pilot list comes from"),
    "metodologi.pilots.text": (
        "Sekitar 40 kab/kota menjadi pilot digitalisasi bansos 2026, tetapi daftar resminya belum terbit. Daftar di "
        "aplikasi ini berasal dari **data/reference/pilots.csv**: hanya kab/kota "
        "yang disebut dalam laporan publik, masing-masing dengan tautan sumbernya. Saat ini berisi **{n}** wilayah: "
        "{statuses}. Aplikasi tidak pernah menambah wilayah yang tidak ada di daftar; ketika daftar resmi terbit, "
        "perbarui file itu lalu jalankan `python -m bansos rebuild`.",
        "About 40 kab/kota are 2026 bansos-digitalisation pilots, but the official list has not been published. The list "
        "in this app comes from **data/reference/pilots.csv**: only kab/kota "
        "named in public reports, each with its source link. It currently holds **{n}** regions: {statuses}. The app "
        "never adds a region the list does not hold; when the official list appears, update that file and run "
        "`python -m bansos rebuild`.",
    ),
    "metodologi.pilots.status.confirmed": ("{n} {word} (laporan menyebutnya jelas sebagai pilot)",
                                           "{n} {word} (the report names it as a pilot plainly)"),
    "metodologi.pilots.status.reported": ("{n} {word} (diberitakan, belum ada penegasan kedua)",
                                          "{n} {word} (reported, not yet corroborated)"),
    "metodologi.pilots.status.uncertain": ("{n} {word} (laporan tidak tegas menyebutnya pilot)",
                                           "{n} {word} (the report is not explicit that it is a pilot)"),
    "metodologi.pilots.empty": (
        "Daftar pilot kosong: isi data/reference/pilots.csv lalu jalankan `python -m bansos rebuild`.",
        "The pilot list is empty: fill in data/reference/pilots.csv and run `python -m bansos rebuild`.",
    ),
    "metodologi.col.region": ("Wilayah", "Region"),
    "metodologi.col.province": ("Provinsi", "Province"),
    "metodologi.col.cohort": ("Angkatan", "Cohort"),
    "metodologi.col.status": ("Status", "Status"),
    "metodologi.col.data": ("Data dimuat", "Data loaded"),
    "metodologi.data.both": ("register + penyaluran", "register + disbursement"),
    "metodologi.data.register": ("register saja", "register only"),
    "metodologi.data.allocations": ("penyaluran saja", "disbursement only"),
    "metodologi.data.none": ("belum ada", "none yet"),
    # glossary
    "metodologi.glossary.heading": ("Daftar istilah", "Glossary"),
    "metodologi.glossary.term": ("Istilah", "Term"),
    "metodologi.glossary.def": ("Arti", "Meaning"),
}
