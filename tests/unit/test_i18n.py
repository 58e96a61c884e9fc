"""UI strings and locale formats: every built language is complete."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from leaflets.i18n import long_date, number, quotes, text_direction

REPO = Path(__file__).parents[2]
BUILT_LANGUAGES = sorted({p.stem for p in REPO.glob("content/*/*.md")})


@pytest.fixture(scope="module")
def ui_strings(tmp_path_factory) -> set[str]:
    """Every marked UI string in templates and code, extracted the way `make translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg", "-o", str(pot), "."],
                   cwd=REPO, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_extraction_finds_the_ui_strings(ui_strings):
    assert {"Contents", "Page %(page)s of %(pages)s", "Sources", "Review by", "QR code for %(address)s"} <= ui_strings


@pytest.mark.parametrize("language", BUILT_LANGUAGES)
def test_every_built_language_translates_every_ui_string(ui_strings, language):
    po = REPO / "locales" / language / "LC_MESSAGES" / "messages.po"
    assert po.is_file(), f"no catalog for built language '{language}': run make translations"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    translated = {m.id for m in catalog if m.id and m.string}
    assert ui_strings - translated == set(), "untranslated: run make translations and fill the .po"


def test_placeholders_survive_translation():
    for language in BUILT_LANGUAGES:
        with (REPO / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id and "%(" in message.id:
                    assert set(re.findall(r"%\(\w+\)s", message.id)) == \
                        set(re.findall(r"%\(\w+\)s", message.string)), (language, message.id)


def test_dates_follow_each_language():
    day = date(2026, 11, 22)
    assert long_date(day, "nl") == "22 november 2026"
    assert long_date(day, "en") == "22 November 2026"
    assert "2026" in long_date(day, "ar") and "نوفمبر" in long_date(day, "ar")


def test_numbers_follow_each_language():
    assert number(4000, "nl") == "4.000"
    assert number(4000, "en") == "4,000"


def test_quotes_and_direction_per_language():
    assert quotes("de") == ("„", "“")
    assert text_direction("ar") == "rtl" and text_direction("nl") == "ltr"
