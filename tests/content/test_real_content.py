"""The real leaflets in content/, built once: the accessibility promises that tests/pdf/ pins
on fixtures hold for what the editors wrote.

This is the one test module that builds content/; code tests build fixtures of their own, so an
editor's edit cannot break them. Expectations come from the content files themselves (front
matter, leaflet.yaml), so an edit that keeps a leaflet sound keeps this module green, and one that
breaks it (a skipped heading level, a missing title, a build warning) fails here, by leaflet.
Every leaflet is built in Dutch for patients (A4, default brand), and every Arabic translation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pikepdf
import pytest
import yaml
from babel.dates import format_date
from conftest import (REPO, arabic_words_extracted, assert_fonts_embedded, assert_in_order, block_titles, bookmark_titles, heading_levels,
                      page_texts, section_titles, struct_elements)
from leaflets.expand import Selection
from leaflets.pipeline import build

CONTENT = REPO / "content"
LANGUAGES = ("nl", "ar")  # Dutch, the source language; Arabic, the right-to-left one


@dataclass(frozen=True)
class Leaflet:
    """One built variant of a real leaflet (patient edition, A4, default brand)."""

    leaflet: str
    language: str

    def __str__(self) -> str:
        return f"{self.leaflet}-{self.language}"

    @property
    def source(self) -> str:
        return (CONTENT / self.leaflet / f"{self.language}.md").read_text(encoding="utf-8")

    @property
    def front(self) -> dict:
        return yaml.safe_load(self.source.split("---", 2)[1])

    @property
    def meta(self) -> dict:
        return yaml.safe_load((CONTENT / self.leaflet / "leaflet.yaml").read_text(encoding="utf-8"))

    def pdf(self, output: Path) -> Path:
        return output / f"default/{self.language}/{self.leaflet}-patient-a4.pdf"


def _variants() -> list[Leaflet]:
    found = []
    for folder in sorted(p for p in CONTENT.iterdir() if (p / "leaflet.yaml").is_file()):
        if "patient" in Leaflet(folder.name, "nl").meta.get("audiences", ["patient"]):
            found += [Leaflet(folder.name, language) for language in LANGUAGES if (folder / f"{language}.md").is_file()]
    return found


VARIANTS = _variants()
DUTCH = [v for v in VARIANTS if v.language == "nl"]
ARABIC = [v for v in VARIANTS if v.language == "ar"]


@dataclass(frozen=True)
class Built:
    output: Path
    problems: list[str]
    ok: bool


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    out = tmp_path_factory.mktemp("real-content")
    report = build(REPO, Selection(leaflets=tuple(sorted({v.leaflet for v in VARIANTS})), languages=LANGUAGES,
                                   audiences=("patient",), brands=("default",), formats=("a4",)), jobs=2, output=out)
    return Built(out, [str(p) for p in report.problems], report.ok)


@pytest.fixture(params=VARIANTS, ids=str)
def variant(request) -> Leaflet:
    return request.param


@pytest.fixture(params=DUTCH, ids=str)
def dutch(request) -> Leaflet:
    return request.param


def test_every_real_leaflet_builds_without_problems(built):
    assert built.ok and not built.problems, built.problems  # no WeasyPrint warnings, PDF/UA-1 verified
    assert [v for v in VARIANTS if not v.pdf(built.output).is_file()] == []
    assert DUTCH and ARABIC


def test_pdf_is_tagged_and_declares_pdf_ua_1(built, variant):
    with pikepdf.open(variant.pdf(built.output)) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert len(list(struct_elements(pdf))) > 100
        assert str(pdf.open_metadata()["pdfuaid:part"]) == "1"


def test_language_title_and_metadata_come_from_the_leaflet(built, variant):
    owner = variant.meta["owner"]
    with pikepdf.open(variant.pdf(built.output)) as pdf:
        assert str(pdf.Root.Lang) == variant.language
        assert pdf.open_metadata()["dc:title"] == variant.front["title"]
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        info = pdf.docinfo
        assert str(info.Author) == (owner[variant.language] if isinstance(owner, dict) else owner)
        assert str(info.Subject) == variant.front["summary"]
        assert all(keyword in str(info.Keywords) for keyword in variant.front.get("keywords", []))


def test_bookmarks_follow_the_sections(built, variant):
    with pikepdf.open(variant.pdf(built.output)) as pdf:
        titles = bookmark_titles(pdf)
    sections = section_titles(variant.source, "patient")
    assert titles[0] == variant.front["title"] and sections
    assert [t for t in sections if t not in titles] == []


def test_headings_are_real_and_never_skip_a_level(built, variant):
    with pikepdf.open(variant.pdf(built.output)) as pdf:
        levels = heading_levels(pdf)
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:]))
    assert levels.count(2) >= len(section_titles(variant.source, "patient"))


def test_every_figure_has_alt_text(built, variant):
    with pikepdf.open(variant.pdf(built.output)) as pdf:
        figures = [e for e in struct_elements(pdf) if str(e.S) == "/Figure"]
    assert figures, "expected at least the logo"
    assert all(str(f.get("/Alt", "")).strip() for f in figures)


def test_all_fonts_are_embedded_with_unicode_maps(built, variant):
    families = ("Atkinson-Hyperlegible", "Tajawal") if variant.language == "ar" else ("Atkinson-Hyperlegible",)
    assert_fonts_embedded(variant.pdf(built.output), families)


def test_page_size_is_a4(built, variant):
    with pikepdf.open(variant.pdf(built.output)) as pdf:
        width, height = (float(x) for x in pdf.pages[0].MediaBox[2:])
    assert (round(width, 1), round(height, 1)) == (595.3, 841.9)


def test_headings_and_block_titles_extract_in_source_order(built, dutch):
    titles = block_titles(dutch.source, "patient")
    assert len(titles) > 5
    assert_in_order("".join(page_texts(dutch.pdf(built.output))), titles)


def test_long_leaflets_get_a_contents_list(built, dutch):
    pages = page_texts(dutch.pdf(built.output))
    assert ("Inhoud" in pages[0]) == (len(pages) > 4)


def test_footer_shows_page_x_of_y_version_and_review_date(built, dutch):
    texts = page_texts(dutch.pdf(built.output))
    pages, last = len(texts), texts[-1]
    review_by = dutch.meta["review_by"]
    assert isinstance(review_by, date)
    assert f"Pagina {pages} van {pages}" in last
    assert f"Versie {dutch.meta['version']}" in last and format_date(review_by, "long", locale="nl") in last


@pytest.mark.parametrize("arabic", ARABIC, ids=str)
def test_arabic_leaflet_is_right_to_left_tagged_and_extracts_as_arabic(built, arabic):
    path = arabic.pdf(built.output)
    with pikepdf.open(path) as pdf:
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
        # assistive technology gets each text block in logical order, whatever the glyph order
        actual = {str(e.S): str(e.ActualText) for e in struct_elements(pdf) if "/ActualText" in e}
    assert any("Tajawal" in name for name in fonts), fonts
    text, share = arabic_words_extracted(path, arabic.source)
    # regression: with Noto Sans Arabic under 2% of words came out right (WeasyPrint #2841)
    assert share >= 0.8
    title = arabic.front["title"]
    assert title.split()[1] in text  # a title word, in reading order
    assert actual["/H1"] == title
    assert "صفحة" in text  # the footer's "page x of y" is translated
