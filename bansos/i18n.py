"""Translations: Bahasa Indonesia by default, English on a switch.

Strings live in bansos/translations/*.py as `STRINGS = {key: (id, en)}`,
one module per page or concern. A missing English text falls back to the
Indonesian one (the default language); a test fails when any key lacks a
translation, so the fallback is a safety net, not a habit.

English nouns after a count take a plural form, Indonesian ones do not
("1 wilayah", "3 wilayah"; "1 region", "3 regions"). A text says so with
`{n|region|regions}`: the first form when the value named `n` is one, the
second otherwise. The value may be a number or the text `fmt.number` made of
it; anything else ("< 10", "—") takes the second form. The marker names a
value the text also shows (`{n} {n|region|regions}`), which a test checks.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from bansos import translations

LANGS = ("id", "en")
DEFAULT_LANG = "id"


def _load() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for module_info in pkgutil.iter_modules(translations.__path__):
        module = importlib.import_module(f"{translations.__name__}.{module_info.name}")
        for key, texts in getattr(module, "STRINGS", {}).items():
            if key in merged:
                raise ValueError(f"Translation key {key!r} defined twice (in {module_info.name})")
            merged[key] = texts
    return merged


STRINGS = _load()


class MissingTranslation(KeyError):
    pass


# `{name|one form|other form}`: neither form holds braces or bars.
PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def is_one(value) -> bool:
    """Whether a count reads as one: 1, 1.0, or "1" as `fmt.number` writes it."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value == 1
    return str(value).strip() == "1"


def fill(text: str, **values) -> str:
    """A translated text with its values: plural forms chosen, then the
    `{placeholders}` filled. Without values the text is returned as it is: a
    template a chart fills row by row with this function."""
    if not values:
        return text

    def form(marker: re.Match) -> str:
        name, one, other = marker.groups()
        if name not in values:  # left for format() to name as the missing value
            return marker.group(0)
        return one if is_one(values[name]) else other

    return PLURAL.sub(form, text).format(**values)


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    try:
        texts = STRINGS[key]
    except KeyError:
        raise MissingTranslation(key) from None
    index = LANGS.index(lang) if lang in LANGS else 0
    text = texts[index] if index < len(texts) and texts[index] else texts[0]
    return fill(text, **values)
