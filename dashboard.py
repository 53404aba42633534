"""Entry point: page config, the link, the shared filters, navigation.

The page files live in app_pages/, not pages/: Streamlit still treats a
folder named pages/ beside the entry file as an old-style multipage app, and
then a shared deep link (/sasaran?prog=…) opened first on a fresh server runs
the page without this file — no filters, no navigation.
"""

import streamlit as st

from bansos import ui, uploads, urlstate

st.set_page_config(page_title="Bansos · Pemantauan Pilot", page_icon=":material/monitoring:", layout="wide")

PAGES = {
    "nav.section.monitor": [
        ("app_pages/ringkasan.py", "nav.ringkasan", ":material/home:", True),
        ("app_pages/cakupan.py", "nav.cakupan", ":material/payments:", False),
        ("app_pages/sasaran.py", "nav.sasaran", ":material/target:", False),
        ("app_pages/perbandingan.py", "nav.perbandingan", ":material/leaderboard:", False),
        ("app_pages/pendaftaran.py", "nav.pendaftaran", ":material/how_to_reg:", False),
    ],
    "nav.section.data": [
        ("app_pages/ekspor.py", "nav.ekspor", ":material/download:", False),
        ("app_pages/kualitas.py", "nav.kualitas", ":material/fact_check:", False),
        *([("app_pages/unggah.py", "nav.unggah", ":material/upload:", False)] if uploads.uploader() else []),  # operators, local mode
        ("app_pages/metodologi.py", "nav.metodologi", ":material/menu_book:", False),
    ],
}

urlstate.start()  # what the link asks for (bansos/urlstate.py)
ui.guard(ui.sidebar_filters, container=st.sidebar)
navigation = st.navigation(
    {
        ui.tr(section): [
            st.Page(path, title=ui.tr(title), icon=icon, default=default, url_path=path.split("/")[-1][:-3])
            for path, title, icon, default in pages
        ]
        for section, pages in PAGES.items()
    }
)
ui.guard(navigation.run)  # a failing query shows a message, never a traceback
ui.show_link_notices()
urlstate.finish()  # the link now holds this view, as codes
