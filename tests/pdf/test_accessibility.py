"""Accessibility promises, asserted on real PDFs the pipeline writes (not on HTML).

Built from fixture leaflets (tests/fixtures), so an edit to content/ cannot break these tests;
tests/content/test_real_content.py asserts the same promises on the real leaflets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

from conftest import (FIXTURES, REPO, arabic_words_extracted, assert_fonts_embedded, assert_in_order, block_titles, bookmark_titles,
                      heading_levels, make_project, page_texts, section_titles, struct_elements)
from leaflets.expand import Selection
from leaflets.pipeline import build


@dataclass(frozen=True)
class Built:
    guide: Path   # the long fixture FAQ, Dutch, for patients (7 pages, with a contents list)
    arabic: Path  # its short Arabic translation
    demo: Path    # the short demo leaflet, Dutch, for professionals (no contents list)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    root = make_project(tmp_path_factory.mktemp("accessibility") / "p", leaflets=("demo", "other", "guide"))
    for selection in (Selection(leaflets=("guide",), languages=("nl", "ar"), audiences=("patient",), formats=("a4",)),
                      Selection(leaflets=("demo",), languages=("nl",), audiences=("professional",), formats=("a4",))):
        report = build(root, selection, jobs=1)
        assert report.ok and not report.problems, [str(p) for p in report.problems]  # no WeasyPrint warnings either
    out = root / "output/default"
    return Built(out / "nl/guide-patient-a4.pdf", out / "ar/guide-patient-a4.pdf", out / "nl/demo-professional-a4.pdf")


@pytest.fixture(scope="module")
def guide_pdf(built) -> Path:
    return built.guide


@pytest.fixture(scope="module")
def demo_pdf(built) -> Path:
    return built.demo


GUIDE_NL = (FIXTURES / "guide/nl.md").read_text(encoding="utf-8")


def test_pdf_is_tagged_with_a_structure_tree(guide_pdf):
    with pikepdf.open(guide_pdf) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert len(list(struct_elements(pdf))) > 100


def test_pdf_declares_pdf_ua_1(guide_pdf):
    with pikepdf.open(guide_pdf) as pdf:
        assert str(pdf.open_metadata()["pdfuaid:part"]) == "1"


def test_pdf_language_is_the_leaflet_language(guide_pdf):
    with pikepdf.open(guide_pdf) as pdf:
        assert str(pdf.Root.Lang) == "nl"


def test_pdf_title_is_shown_instead_of_file_name(guide_pdf):
    with pikepdf.open(guide_pdf) as pdf:
        assert pdf.open_metadata()["dc:title"] == "Gids voor de proef"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True


def test_pdf_metadata_has_author_subject_keywords(guide_pdf):
    with pikepdf.open(guide_pdf) as pdf:
        info = pdf.docinfo
        assert str(info.Author) == "Testredactie"
        assert str(info.Subject) == "Een lange testfolder met onderwerpen, vragen en antwoorden."
        assert "proefgids" in str(info.Keywords)


def test_bookmarks_follow_the_categories(guide_pdf):
    with pikepdf.open(guide_pdf) as pdf:
        titles = bookmark_titles(pdf)
    assert titles[0] == "Gids voor de proef"
    for category in ("Medicijnen", "Koorts, griep en corona", "Hulp en steun", "Betrouwbare websites"):
        assert category in titles


def test_headings_are_real_and_never_skip_a_level(guide_pdf):
    with pikepdf.open(guide_pdf) as pdf:
        levels = heading_levels(pdf)
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:]))
    assert levels.count(2) >= 1 + len(section_titles(GUIDE_NL, "patient"))  # contents + about + 6 categories + websites
    assert levels.count(3) == 12  # the questions


def test_every_figure_has_alt_text(guide_pdf, demo_pdf):
    for path in (guide_pdf, demo_pdf):
        with pikepdf.open(path) as pdf:
            figures = [e for e in struct_elements(pdf) if str(e.S) == "/Figure"]
            assert figures, "expected logo and QR code figures"
            assert all(str(f.get("/Alt", "")).strip() for f in figures)


def test_image_alt_text_from_markdown_reaches_the_pdf(demo_pdf):
    with pikepdf.open(demo_pdf) as pdf:
        alts = {str(e.get("/Alt", "")) for e in struct_elements(pdf) if str(e.S) == "/Figure"}
    assert {"Een blauwe cirkel", "Logo MS-informatie", "QR-code voor example.org/info"} <= alts


def test_all_fonts_are_embedded_with_unicode_maps(guide_pdf):
    assert_fonts_embedded(guide_pdf, ("Atkinson-Hyperlegible",))


def test_text_extracts_in_source_order(guide_pdf):
    questions = re.findall(r"^/// question \| (.+)$", GUIDE_NL, re.M)
    assert len(questions) == 12
    assert_in_order("".join(page_texts(guide_pdf)), questions)


@pytest.mark.parametrize("leaflet,audience", [("guide", "patient"), ("demo", "professional")])
def test_headings_and_block_titles_extract_in_source_order(built, leaflet, audience):
    """Headings and block titles (therapy, question, callout, links) of the edition appear in the
    PDF's text in source order; the other audience's blocks are left out."""
    titles = block_titles((FIXTURES / leaflet / "nl.md").read_text(encoding="utf-8"), audience)
    assert len(titles) > 5
    assert_in_order("".join(page_texts(getattr(built, leaflet))), titles)


def test_long_leaflet_gets_a_contents_list_and_short_one_does_not(guide_pdf, demo_pdf):
    guide, demo = page_texts(guide_pdf), page_texts(demo_pdf)
    assert len(guide) > 4 and "Inhoud" in guide[0]
    assert len(demo) <= 4 and "Inhoud" not in "".join(demo)


def test_footer_shows_page_x_of_y_version_and_review_date(guide_pdf):
    texts = page_texts(guide_pdf)
    pages, last = len(texts), texts[-1]
    assert f"Pagina {pages} van {pages}" in last
    assert "Versie 3.2" in last and "10 maart 2028" in last


def test_page_size_is_a4(guide_pdf):
    with pikepdf.open(guide_pdf) as pdf:
        width, height = (float(x) for x in pdf.pages[0].MediaBox[2:])
    assert (round(width, 1), round(height, 1)) == (595.3, 841.9)


def test_citations_link_to_the_reference_list(demo_pdf):
    text = re.sub(r"\s+", " ", "".join(page_texts(demo_pdf)))
    assert "[1] Doe J, Roe R. Alpha study of walking. Journal of Tests, 2023. DOI: 10.1000/alpha.1. PMID: 12345678." in text


def test_arabic_leaflet_is_right_to_left_tagged_and_extracts_as_arabic(built):
    with pikepdf.open(built.arabic) as pdf:
        assert str(pdf.Root.Lang) == "ar"
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
        # assistive technology gets each text block in logical order, whatever the glyph order
        actual = {str(e.S): str(e.ActualText) for e in struct_elements(pdf) if "/ActualText" in e}
    assert any("Tajawal" in name for name in fonts), fonts
    source = (FIXTURES / "guide/ar.md").read_text(encoding="utf-8")
    catalog = (REPO / "locales/ar/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    ui_strings = "\n".join(re.findall(r'^msgstr "(.*)"$', catalog, re.M))  # a short text: its UI words count
    text, share = arabic_words_extracted(built.arabic, source + ui_strings)
    # regression: with Noto Sans Arabic under 2% of words came out right (WeasyPrint #2841)
    assert share >= 0.8
    title = re.search(r"^title: (.+)$", source, re.M)[1].strip()
    assert title.split()[2] in text  # a title word, in reading order
    assert actual["/H1"] == title
    assert actual["/H3"] == "هل تساعد الأدوية؟"
    assert re.search(r"صفحة\s*1\s*من\s*1", text)  # the footer's "page x of y" is translated


def test_print_css_has_bleed_and_marks_and_rtl_mirrors_the_footer(project):
    from leaflets.model import Variant
    from leaflets.project import load_project
    from leaflets.render import render
    loaded, _ = load_project(project)
    css = render(loaded, Variant("demo", "patient", "nl", "default", "print")).html
    assert "bleed: 12.0mm" in css and "marks: crop" in css
    assert "@bottom-left {\n    content: \"Demofolder" in css
