"""Translations: Bahasa Indonesia by default, English on a switch.

Strings live in bansos/translations/*.py as `STRINGS = {key: (id, en)}`,
one module per page or concern. A missing English text falls back to the
Indonesian one (the default language); a test fails when any key lacks a
translation, so the fallback is a safety net, not a habit.
"""

from __future__ import annotations

import importlib
import pkgutil

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


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    try:
        texts = STRINGS[key]
    except KeyError:
        raise MissingTranslation(key) from None
    index = LANGS.index(lang) if lang in LANGS else 0
    text = texts[index] if index < len(texts) and texts[index] else texts[0]
    return text.format(**values) if values else text
