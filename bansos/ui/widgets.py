"""Input widgets whose value lives in the link as a code (see bansos.urlstate).

Each widget's session-state key is its link parameter's name. Before the
widget is drawn, its value is settled: the link's new value when there is
one (matched against the options' codes and their labels in both
languages, so old label-style links still open), else the value it had,
else the default. A link value that matches nothing is reported on the page,
never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import streamlit as st

from bansos import i18n, urlstate
from bansos.ui.core import both, lang, period_aliases, period_label, q, split_period, tr

Labels = Callable[[str, str], str]  # (code, language) -> label


def _texts(labels: Labels, code) -> tuple[str, ...]:
    return tuple(labels(code, language) for language in i18n.LANGS)


def settle(key: str, options: Sequence[str], fallback, labels: Labels, what_key: str,
           aliases: dict[str, Iterable[str]] | None = None) -> None:
    """Put the value `key` should show in session state: the link's new
    value, the current one if still an option, else `fallback`."""
    state = st.session_state
    raw = urlstate.take(key)
    if raw is not None:
        names = aliases if aliases is not None else {code: _texts(labels, code) for code in options}
        code = urlstate.match(raw, names) if isinstance(raw, str) else None
        if code in options:
            state[key] = code
            return
        state[key] = fallback
        instead = _texts(labels, fallback) if fallback is not None else both("url.instead.none")
        urlstate.report(key, raw, both(what_key), instead, shown=fallback)
    elif state.get(key) not in options:
        state[key] = fallback


def choice(widget, label_key: str, options: Sequence[str], key: str, labels: Labels, *, default=None,
           pinned: bool = False, what_key: str | None = None, aliases: dict | None = None, **kwargs):
    """One choice (st.selectbox, st.radio, st.segmented_control or the same
    on a container) kept in the link as its code. `default` (else the first
    option) is left out of the link unless `pinned`: a pinned value is
    always written, because its default moves when data is loaded."""
    options = list(options)
    fallback = default if default in options else (options[0] if options else None)
    settle(key, options, fallback, labels, what_key or label_key, aliases)
    # Format functions must not read session state (Streamlit may call them
    # outside the script run): the language is captured here.
    language = lang()
    value = widget(tr(label_key), options, key=key, format_func=lambda code: labels(code, language), **kwargs)
    urlstate.keep(key, value, default=None if pinned else fallback)
    return value if value in options else fallback


def toggle(label_key: str, key: str, default: bool = True, **kwargs) -> bool:
    """An on/off switch kept in the link as 1 / 0 (left out at its default)."""
    state = st.session_state
    raw = urlstate.take(key)
    if raw is not None:
        value = urlstate.match(raw, {"1": ("true", "on", "ya", "yes"), "0": ("false", "off", "tidak", "no")}) if isinstance(raw, str) else None
        if value is None:
            urlstate.report(key, raw, both(label_key), both("word.yes" if default else "word.no"), shown=default)
            state[key] = default
        else:
            state[key] = value == "1"
    elif not isinstance(state.get(key), bool):
        state[key] = default
    on = st.toggle(tr(label_key), key=key, **kwargs)
    urlstate.keep(key, "1" if on else "0", default="1" if default else "0")
    return bool(on)


def with_outside(names: dict[str, str], allowed) -> dict[str, str]:
    """For reading a link: the names shown, plus every kab/kota outside the
    viewer's access (names from the reference table), so that a link naming
    one is told "outside your access" rather than "unknown" — without
    saying whether that region has data."""
    if allowed is None:
        return names
    reference = q("reference_regions", right="pages")
    outside = {code: name for code, name in zip(reference.region_code, reference.region_name)
               if code not in allowed and code not in names}
    return {**names, **outside}


def regions(label_key: str, options: Sequence[str], key: str, names: dict[str, str], default: Sequence[str],
            none_key: str, allowed=None, **kwargs) -> list[str]:
    """Several kab/kota (a multiselect) kept in the link as codes, read
    through the one region resolution (urlstate.resolve_codes). `none_key`
    says what an empty choice shows (for the notice)."""
    state = st.session_state
    options = list(options)
    raw = urlstate.take(key)
    if raw is not None:
        found = urlstate.resolve_codes(raw, with_outside(names, allowed), allowed)
        chosen = [code for code in found.codes if code in options][: kwargs.get("max_selections") or None]
        state[key] = chosen or list(default)
        instead = tuple(", ".join(names.get(c, c) for c in state[key]) for _ in i18n.LANGS) if state[key] else both(none_key)
        report_regions(key, found, options, both(label_key), instead, shown=state[key])
    elif not isinstance(state.get(key), list):
        state[key] = list(default)
    else:
        state[key] = [code for code in state[key] if code in options]
    label = kwargs.pop("format_func", None) or (lambda code: f"{names.get(code, code)} ({code})")
    chosen = st.multiselect(tr(label_key), options, key=key, format_func=label, **kwargs)
    urlstate.keep(key, chosen)
    return [code for code in chosen if code in options]


def region(label_key: str, options: Sequence[str], key: str, names: dict[str, str], default: str | None,
           allowed=None, container=None) -> str | None:
    """One kab/kota (a selectbox) kept in the link as its code, read through
    the one region resolution (urlstate.resolve_codes)."""
    options = list(options)
    fallback = default if default in options else (options[0] if options else None)
    raw = urlstate.take(key)
    if raw is not None:
        found = urlstate.resolve_codes(raw, with_outside(names, allowed), allowed)
        usable = [code for code in found.codes if code in options]
        st.session_state[key] = usable[0] if usable else fallback
        instead = tuple(names.get(fallback, fallback) if fallback else "" for _ in i18n.LANGS)
        if not usable:
            report_regions(key, found, options, both(label_key), instead, shown=fallback)
    elif st.session_state.get(key) not in options:
        st.session_state[key] = fallback
    value = (container or st).selectbox(tr(label_key), options, key=key,
                                        format_func=lambda code: f"{names.get(code, code)} ({code})")
    urlstate.keep(key, value, default=fallback)
    return value if value in options else fallback


def report_regions(key: str, found: urlstate.Resolved, options: Sequence[str], what: tuple, instead: tuple, shown) -> None:
    """Notices for region codes a link named but the page does not show."""
    not_offered = [code for code in found.codes if code not in options]
    if found.unknown:
        urlstate.report(key, list(found.unknown), what, instead, shown=shown)
    if not_offered:
        urlstate.report(key, not_offered, what, instead, shown=shown, reason="not_in_view")
    if found.outside:
        urlstate.report(key, list(found.outside), what, instead, shown=shown, reason="outside")


def period_pair(prefix: str, periods: Sequence[tuple[int, int]], t1_key: str, t2_key: str, one_key: str, same_key: str):
    """Two tranches side by side (`<prefix>_t1`, `<prefix>_t2` in the link;
    default: the first and the latest loaded, pinned). Returns
    ((y1, t1), (y2, t2)); None, with the empty state `one_key` or
    `same_key`, when there is only one tranche or the two are the same."""
    keys = [f"{y}-{t}" for y, t in periods]
    if len(keys) < 2:
        st.info(tr(one_key), icon=":material/info:")
        return None

    def labels(code: str, language: str) -> str:
        return period_label(*split_period(code), language=language)

    aliases = period_aliases(keys)
    left, right = st.columns(2)
    first = choice(left.selectbox, t1_key, keys, f"{prefix}_t1", labels, default=keys[0], pinned=True, aliases=aliases)
    second = choice(right.selectbox, t2_key, keys, f"{prefix}_t2", labels, default=keys[-1], pinned=True, aliases=aliases)
    if first == second:
        st.info(tr(same_key), icon=":material/info:")
        return None
    return split_period(first), split_period(second)
