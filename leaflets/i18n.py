"""UI strings through gettext (babel catalogs in locales/<lang>/LC_MESSAGES/messages.po) and
locale-aware dates, numbers and quotation marks.

Catalogs are compiled in memory from the .po files, so editing a .po needs no separate step.
"""
from __future__ import annotations

import gettext
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations


@lru_cache(maxsize=None)
def translations(locales_dir: Path, language: str) -> gettext.NullTranslations:
    """The compiled catalog for `language`, or English source strings when there is none."""
    po = locales_dir / language / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


# The regional conventions our editions follow where a language has several (British English).
DATE_LOCALES = {"en": "en_GB"}


def long_date(value: date, language: str) -> str:
    """'25 november 2026' (nl), '25 November 2026' (en), '25 نوفمبر 2026' (ar)."""
    return format_date(value, format="long", locale=DATE_LOCALES.get(language, language))


def number(value: float, language: str) -> str:
    """'4.000' (nl), '4,000' (en): thousands and decimals as the language writes them."""
    from babel.numbers import format_decimal
    return format_decimal(value, locale=DATE_LOCALES.get(language, language))


# CLDR's primary quotation marks (babel does not expose them); others fall back to “ ”.
QUOTES = {"nl": ("“", "”"), "en": ("“", "”"), "de": ("„", "“"), "fr": ("«\u202f", "\u202f»"),
          "ar": ("”", "“"), "tr": ("“", "”")}


def quotes(language: str) -> tuple[str, str]:
    """The language's own primary quotation marks."""
    return QUOTES.get(language, ("“", "”"))


# Fonts for scripts the brand font may lack, from pip font packages: (package family, languages).
# Tajawal, not Noto Sans Arabic: Noto draws dotted letters as a shared skeleton plus dots, and
# WeasyPrint 70 then maps shared glyphs to the first letter drawn with them (Kozea/WeasyPrint
# #2841), so the text layer reads wrong letters. Tajawal's one-glyph-per-form design extracts right.
SCRIPT_FONTS = {"Tajawal": ("ar", "fa", "ur")}


def script_fonts(language: str) -> list[str]:
    """Font families to put before the brand font for this language's script."""
    return [family for family, languages in SCRIPT_FONTS.items() if language in languages]


def known_language(code: str) -> bool:
    """Whether CLDR (via babel) knows the language, so dates, direction and plurals work."""
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def text_direction(language: str) -> str:
    """'rtl' or 'ltr', from CLDR via babel."""
    return Locale.parse(language).text_direction


def script_direction(text: str) -> str:
    """'rtl' when the text is written in a right-to-left script (Arabic, Hebrew), else 'ltr'."""
    return "rtl" if any("\u0590" <= c <= "\u08ff" or "\ufb1d" <= c <= "\ufefc" for c in text) else "ltr"
