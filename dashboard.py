"""Entry point: page config, who is looking, the link, the shared filters,
navigation.

Who may open which page, and which regions every query is limited to, is
decided here once per run from the login and the access file
(bansos.ui.account.sign_in, bansos.ui.navigation.run): each page names its
right in the table below.

The page files live in app_pages/, not pages/: Streamlit still treats a
folder named pages/ beside the entry file as an old-style multipage app, and
then a shared deep link (/sasaran?prog=…) opened first on a fresh server runs
the page without this file — no filters, no navigation.
"""

import streamlit as st

from bansos import logs, ui, urlstate
from bansos.ui import Entry

st.set_page_config(page_title="Bansos · Pemantauan Pilot", page_icon=":material/monitoring:", layout="wide")

PUBLIC = "app_pages/publik/"
PAGES = {
    "nav.section.monitor": [
        Entry("app_pages/ringkasan.py", "nav.ringkasan", ":material/home:", default=True, public=PUBLIC + "ringkasan.py"),
        Entry("app_pages/cakupan.py", "nav.cakupan", ":material/payments:", public=PUBLIC + "cakupan.py"),
        Entry("app_pages/sasaran.py", "nav.sasaran", ":material/target:", public=PUBLIC + "sasaran.py"),
        Entry("app_pages/perbandingan.py", "nav.perbandingan", ":material/leaderboard:", public=PUBLIC + "perbandingan.py"),
        Entry("app_pages/pendaftaran.py", "nav.pendaftaran", ":material/how_to_reg:", public=PUBLIC + "pendaftaran.py"),
        # Signals name small groups of families: not in the public view.
        Entry("app_pages/akuntabilitas.py", "nav.akuntabilitas", ":material/policy:"),
    ],
    "nav.section.data": [
        Entry("app_pages/ekspor.py", "nav.ekspor", ":material/download:", right="aggregate_export", public=PUBLIC + "ekspor.py"),
        # Every region and file in the viewer's scope: the sidebar says its filters do not apply.
        Entry("app_pages/kualitas.py", "nav.kualitas", ":material/fact_check:", right="quality_summary", filters=False),
        Entry("app_pages/unggah.py", "nav.unggah", ":material/upload:", right="upload", filters=False),
        Entry("app_pages/metodologi.py", "nav.metodologi", ":material/menu_book:", public="app_pages/metodologi.py"),
    ],
}

try:
    logs.configure()  # the server log: text or JSON lines, identifiers masked (bansos/logs.py)
except ValueError as error:
    st.error(str(error), icon=":material/block:")
    st.stop()
urlstate.start()  # what the link asks for (bansos/urlstate.py)
ui.language()
access = ui.sign_in()  # this run's access; a broken access file stops here with its line named
ui.account_box(access)
if access.can("pages"):
    ui.guard(ui.sidebar_filters, container=st.sidebar)
ui.run_pages(PAGES)  # the page asked for, under its right's scope; a refusal for a page outside the rights
ui.show_link_notices()
ui.record_link_denials()
urlstate.finish()  # the link now holds this view, as codes
