"""Glossary: the domain words the app uses, in both languages.

Shown on the Metodologi page in the order of TERMS. Each term has a name
(`glossary.<id>.term`) and a definition (`glossary.<id>.def`). Domain words
with no better English (desil, tahap, KPM, sanggah) are explained here once.
"""

TERMS = (
    "bansos", "dtsen", "desil", "layak", "registrasi", "kanal", "mandiri", "agen", "musdes", "dinsos",
    "sanggah", "kpm", "pkh", "sembako", "blt", "pbi", "tahap", "status_salur", "himbara", "pos",
    "kabkota", "kecamatan", "desa", "kode_wilayah", "nik", "no_kk", "pseudonym", "snapshot", "coverage",
    "exclusion", "inclusion", "not_in_register", "disbursement", "timeliness", "pilot", "comparison", "did",
    "quarantine",
)

STRINGS = {
    "glossary.bansos.term": ("Bansos", "Bansos"),
    "glossary.bansos.def": (
        "Bantuan sosial dari pemerintah untuk keluarga miskin dan rentan (PKH, Sembako/BPNT, BLT, PBI JKN, …).",
        "Bantuan sosial: government social assistance for poor and vulnerable families (PKH, Sembako/BPNT, BLT, PBI JKN, …).",
    ),
    "glossary.dtsen.term": ("DTSEN", "DTSEN"),
    "glossary.dtsen.def": (
        "Data Tunggal Sosial dan Ekonomi Nasional: register tunggal keluarga yang memeringkat setiap keluarga ke dalam "
        "desil kesejahteraan; menggabungkan data lama seperti DTKS, Regsosek dan P3KE.",
        "Data Tunggal Sosial dan Ekonomi Nasional: the single national socio-economic register, which ranks every family "
        "into a welfare decile; it merges earlier data such as DTKS, Regsosek and P3KE.",
    ),
    "glossary.desil.term": ("Desil", "Desil (decile)"),
    "glossary.desil.def": (
        "Peringkat kesejahteraan keluarga di DTSEN, 1-10: desil 1 = 10% keluarga termiskin. Kosong = belum diperingkat "
        "(tidak pernah layak pada basis desil).",
        "A family's welfare rank in DTSEN, 1-10: desil 1 = the poorest 10% of families. Blank = not ranked (never "
        "eligible on the decile basis).",
    ),
    "glossary.layak.term": ("Layak / tidak layak", "Layak / tidak layak"),
    "glossary.layak.def": (
        "Keputusan kelayakan atas pendaftar: layak (memenuhi syarat) atau tidak layak, dengan alasan. Kosong = belum "
        "diputus. Layak akhir = layak, atau tidak layak yang sanggahannya diterima.",
        "The eligibility decision on a registrant: layak (eligible) or tidak layak (not eligible), with a reason. Blank = "
        "not decided yet. Eligible in the end (layak akhir) = layak, or tidak layak with an upheld appeal.",
    ),
    "glossary.registrasi.term": ("Pendaftaran baru", "New registration"),
    "glossary.registrasi.def": (
        "Keluarga yang mendaftar lewat kanal mandiri, agen, musdes atau dinsos. Keluarga yang sudah ada di DTSEN (kanal "
        "dtsen) bukan pendaftaran baru.",
        "A family registering through the mandiri, agen, musdes or dinsos channel. Families already in DTSEN (channel "
        "dtsen) are not new registrations.",
    ),
    "glossary.kanal.term": ("Kanal registrasi", "Registration channel"),
    "glossary.kanal.def": (
        "Jalan masuk pendaftaran: mandiri, agen, musdes, dinsos, atau dtsen (sudah di register).",
        "How a family entered: mandiri, agen, musdes, dinsos, or dtsen (already in the register).",
    ),
    "glossary.mandiri.term": ("Mandiri", "Mandiri (self)"),
    "glossary.mandiri.def": (
        "Keluarga mendaftar sendiri di aplikasi.",
        "The family registers itself in the app.",
    ),
    "glossary.agen.term": ("Agen", "Agen (agent)"),
    "glossary.agen.def": (
        "Petugas lapangan atau pendamping yang mendaftarkan keluarga.",
        "A field agent or facilitator registers the family.",
    ),
    "glossary.musdes.term": ("Musdes", "Musdes"),
    "glossary.musdes.def": (
        "Musyawarah desa/kelurahan yang mengusulkan keluarga.",
        "Musyawarah desa: a village (or kelurahan) meeting proposes the family.",
    ),
    "glossary.dinsos.term": ("Dinsos", "Dinsos"),
    "glossary.dinsos.def": (
        "Dinas Sosial kabupaten/kota; juga kanal usulan oleh kantor tersebut.",
        "Dinas Sosial: the kab/kota social affairs office; also the channel of proposals by that office.",
    ),
    "glossary.sanggah.term": ("Sanggah", "Sanggah (appeal)"),
    "glossary.sanggah.def": (
        "Keberatan keluarga atas keputusan tidak layak: diajukan, diterima (keputusan dibalik), atau ditolak.",
        "A family's appeal against a tidak layak decision: lodged (diajukan), upheld (diterima: the decision is "
        "reversed) or rejected (ditolak).",
    ),
    "glossary.kpm.term": ("KPM", "KPM"),
    "glossary.kpm.def": (
        "Keluarga Penerima Manfaat: keluarga yang dialokasikan suatu program pada suatu tahap.",
        "Keluarga Penerima Manfaat: a beneficiary family, allocated a programme in a tranche.",
    ),
    "glossary.pkh.term": ("PKH", "PKH"),
    "glossary.pkh.def": (
        "Program Keluarga Harapan: bantuan tunai bersyarat (kesehatan, pendidikan); besarannya bergantung pada komponen keluarga.",
        "Program Keluarga Harapan: conditional cash transfer (health, education); the amount depends on the family's members.",
    ),
    "glossary.sembako.term": ("Sembako / BPNT", "Sembako / BPNT"),
    "glossary.sembako.def": (
        "Bantuan pangan (Bantuan Pangan Non-Tunai). Di data, BPNT ditulis sebagai kode SEMBAKO.",
        "Food assistance (Bantuan Pangan Non-Tunai, non-cash food aid). In the data BPNT is written as the code SEMBAKO.",
    ),
    "glossary.blt.term": ("BLT", "BLT"),
    "glossary.blt.def": (
        "Bantuan Langsung Tunai: bantuan tunai tanpa syarat, biasanya sementara.",
        "Bantuan Langsung Tunai: unconditional cash transfer, usually temporary.",
    ),
    "glossary.pbi.term": ("PBI JKN", "PBI JKN"),
    "glossary.pbi.def": (
        "Penerima Bantuan Iuran: iuran BPJS Kesehatan (JKN) dibayar pemerintah.",
        "Penerima Bantuan Iuran: the government pays the family's national health insurance (JKN) premium.",
    ),
    "glossary.tahap.term": ("Tahap", "Tahap (tranche)"),
    "glossary.tahap.def": (
        "Periode penyaluran dalam setahun (PKH dan Sembako: 4 tahap). Tahap tidak pernah dijumlahkan: tampilan memakai "
        "satu tahap atau tren antartahap.",
        "A payment period within the year (PKH and Sembako: 4 tranches). Tranches are never summed: a view shows one "
        "tranche or a trend across tranches.",
    ),
    "glossary.status_salur.term": ("Status salur", "Payment status"),
    "glossary.status_salur.def": (
        "tersalur (sudah dibayar), gagal, retur (dikembalikan) atau proses (belum selesai).",
        "tersalur (paid), gagal (failed), retur (returned) or proses (pending).",
    ),
    "glossary.himbara.term": ("Himbara", "Himbara"),
    "glossary.himbara.def": (
        "Himpunan Bank Milik Negara — BRI, BNI, Mandiri, BTN — yang menyalurkan bansos ke rekening KPM; di data BSI "
        "(bank syariah) dicatat terpisah.",
        "The state-owned banks (Himpunan Bank Milik Negara) — BRI, BNI, Mandiri, BTN — that pay bansos into "
        "beneficiaries' accounts; BSI (the sharia bank) is recorded separately in the data.",
    ),
    "glossary.pos.term": ("PT Pos", "PT Pos"),
    "glossary.pos.def": (
        "PT Pos Indonesia: menyalurkan bansos tunai di kantor pos atau langsung ke rumah.",
        "PT Pos Indonesia, the postal company: pays bansos in cash at post offices or at home.",
    ),
    "glossary.kabkota.term": ("Kab/kota", "Kab/kota"),
    "glossary.kabkota.def": (
        "Kabupaten atau kota: wilayah tingkat dua di bawah provinsi (514 di Indonesia). Satuan pilot dan perbandingan.",
        "Kabupaten (regency) or kota (city): the second-level region under a province (514 in Indonesia). The unit of "
        "pilots and comparisons.",
    ),
    "glossary.kecamatan.term": ("Kecamatan", "Kecamatan"),
    "glossary.kecamatan.def": ("Wilayah di bawah kab/kota.", "District: the level below a kab/kota."),
    "glossary.desa.term": ("Desa / kelurahan", "Desa / kelurahan"),
    "glossary.desa.def": (
        "Wilayah terkecil: desa (perdesaan) atau kelurahan (perkotaan).",
        "The smallest administrative unit: desa (rural village) or kelurahan (urban ward).",
    ),
    "glossary.kode_wilayah.term": ("Kode wilayah", "Region code"),
    "glossary.kode_wilayah.def": (
        "Kode Kemendagri bertitik: provinsi 35, kab/kota 35.10, kecamatan 35.10.05, desa 35.10.05.2001. Kode BPS "
        "berbeda untuk 166 kab/kota dan tidak dipakai.",
        "Kemendagri code with dots: province 35, kab/kota 35.10, kecamatan 35.10.05, desa 35.10.05.2001. BPS codes differ "
        "for 166 kab/kota and are not used.",
    ),
    "glossary.nik.term": ("NIK", "NIK"),
    "glossary.nik.def": (
        "Nomor Induk Kependudukan, 16 digit: kode wilayah + tanggal lahir + nomor urut. Tidak pernah disimpan asli.",
        "Nomor Induk Kependudukan, the 16-digit personal id number: region + birth date + serial. Never stored raw.",
    ),
    "glossary.no_kk.term": ("No KK", "No KK"),
    "glossary.no_kk.def": (
        "Nomor Kartu Keluarga, 16 digit: kunci keluarga di semua data. Tidak pernah disimpan asli.",
        "Nomor Kartu Keluarga, the 16-digit family card number: the family key across all data. Never stored raw.",
    ),
    "glossary.pseudonym.term": ("Kunci samaran", "Pseudonymous key"),
    "glossary.pseudonym.def": (
        "Hash berkunci dari No KK / NIK yang menggantikan nomor asli di gudang data, sehingga keluarga dapat dihubungkan "
        "antarfile tanpa nomor aslinya tersimpan.",
        "A keyed hash of the KK number / NIK that replaces the real number in the warehouse, so families can be linked "
        "across files without the real number being stored.",
    ),
    "glossary.snapshot.term": ("Snapshot register", "Register snapshot"),
    "glossary.snapshot.def": (
        "Salinan lengkap register keluarga sebuah wilayah pada satu tanggal (tanggal_data).",
        "A full copy of a region's family register on one date (tanggal_data).",
    ),
    "glossary.coverage.term": ("Cakupan", "Coverage"),
    "glossary.coverage.def": (
        "Bagian keluarga layak yang menerima program pada tahap itu.",
        "Share of eligible families who receive the programme in the tranche.",
    ),
    "glossary.exclusion.term": ("Exclusion error", "Exclusion error"),
    "glossary.exclusion.def": (
        "Bagian keluarga layak yang tidak menerima (1 − cakupan). Penyebut: keluarga layak.",
        "Share of eligible families left out (1 − coverage). Denominator: eligible families.",
    ),
    "glossary.inclusion.term": ("Inclusion error", "Inclusion error"),
    "glossary.inclusion.def": (
        "Bagian penerima yang tidak layak. Penyebut: penerima — karena itu tidak dijumlahkan dengan exclusion error.",
        "Share of recipients who are not eligible. Denominator: recipients — so it does not add up with the exclusion error.",
    ),
    "glossary.not_in_register.term": ("Di luar register", "Not in the register"),
    "glossary.not_in_register.def": (
        "Penerima yang tidak ada di register wilayah mana pun; dihitung tidak layak.",
        "Recipients absent from every region's register; counted as not eligible.",
    ),
    "glossary.disbursement.term": ("Realisasi penyaluran", "Disbursement rate"),
    "glossary.disbursement.def": (
        "Nilai (atau keluarga) tersalur dibagi yang dialokasikan.",
        "Amount (or families) paid divided by amount (or families) allocated.",
    ),
    "glossary.timeliness.term": ("Ketepatan waktu", "Timeliness"),
    "glossary.timeliness.def": (
        "Bagian penerima yang dibayar paling lambat {days} hari sejak awal tahap (pengaturan BANSOS_TIMELY_DAYS).",
        "Share of recipients paid within {days} days of the tranche start (setting BANSOS_TIMELY_DAYS).",
    ),
    "glossary.pilot.term": ("Wilayah pilot", "Pilot region"),
    "glossary.pilot.def": (
        "Kab/kota dalam uji coba digitalisasi bansos (daftar di data/reference/pilots.csv).",
        "A kab/kota in the bansos digitalisation trial (list in data/reference/pilots.csv).",
    ),
    "glossary.comparison.term": ("Wilayah pembanding", "Comparison region"),
    "glossary.comparison.def": (
        "Kab/kota bukan pilot yang dipakai sebagai pembanding: bawaannya kab/kota bukan pilot di provinsi yang sama.",
        "A non-pilot kab/kota used for comparison: by default the non-pilot kab/kota of the same province.",
    ),
    "glossary.did.term": ("DiD (selisih perubahan)", "DiD (difference in differences)"),
    "glossary.did.def": (
        "Perubahan indikator di pilot antara dua tahap dikurangi perubahannya di wilayah pembanding.",
        "The change of a metric in a pilot between two tranches minus its change in the comparison regions.",
    ),
    "glossary.quarantine.term": ("Karantina", "Quarantine"),
    "glossary.quarantine.def": (
        "Baris ekstrak yang melanggar aturan, disimpan terpisah dengan kode alasannya dan tidak dihitung.",
        "Extract rows that broke a rule, kept apart with their reason codes and not counted.",
    ),
}
