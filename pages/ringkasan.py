"""Placeholder until the page lands."""

from bansos import ui

meta = ui.page_header("nav.ringkasan")
if ui.has_data(meta):
    f = ui.filters()
    ui.show_rule(f)
    import streamlit as st
    st.write(f)
