"""Entry point: page config, the shared filters, navigation. Nothing else."""

import streamlit as st

from bansos import ui

st.set_page_config(page_title="Bansos · Pemantauan Pilot", page_icon=":material/monitoring:", layout="wide")

PAGES = {
    "nav.section.monitor": [
        ("pages/ringkasan.py", "nav.ringkasan", ":material/home:", True),
        ("pages/cakupan.py", "nav.cakupan", ":material/payments:", False),
        ("pages/sasaran.py", "nav.sasaran", ":material/target:", False),
        ("pages/perbandingan.py", "nav.perbandingan", ":material/leaderboard:", False),
        ("pages/pendaftaran.py", "nav.pendaftaran", ":material/how_to_reg:", False),
    ],
    "nav.section.data": [
        ("pages/ekspor.py", "nav.ekspor", ":material/download:", False),
        ("pages/kualitas.py", "nav.kualitas", ":material/fact_check:", False),
        ("pages/metodologi.py", "nav.metodologi", ":material/menu_book:", False),
    ],
}

ui.sidebar_filters()
navigation = st.navigation(
    {
        ui.tr(section): [
            st.Page(path, title=ui.tr(title), icon=icon, default=default, url_path=path.split("/")[-1][:-3])
            for path, title, icon, default in pages
        ]
        for section, pages in PAGES.items()
    }
)
navigation.run()
