"""Accessibility promises, asserted on real PDFs the pipeline writes (not on HTML)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pdfminer.high_level import extract_text

from conftest import REPO, make_project
from leaflets.expand import Selection
from leaflets.pipeline import build


@pytest.fixture(scope="module")
def faq_pdf(tmp_path_factory) -> Path:
    """The real Dutch FAQ for patients, built from the repo's content."""
    out = tmp_path_factory.mktemp("faq")
    report = build(REPO, Selection(leaflets=("faq",), languages=("nl",), audiences=("patient",), brands=("default",), formats=("a4",)),
                   jobs=1, output=out)
    assert report.ok and not report.problems, [str(p) for p in report.problems]  # no WeasyPrint warnings either
    return out / "default/nl/faq-patient-a4.pdf"


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("demo") / "p")
    report = build(root, Selection(leaflets=("demo",), languages=("nl",), audiences=("professional",)), jobs=1)
    assert report.ok and not report.problems, [str(p) for p in report.problems]  # no WeasyPrint warnings either
    return root / "output/default/nl/demo-professional-a4.pdf"


def struct_elements(pdf: pikepdf.Pdf):
    """Every structure element, depth-first in document order."""
    def walk(node):
        if isinstance(node, pikepdf.Array):
            for item in node:
                yield from walk(item)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            if "/K" in node:
                yield from walk(node.K)
    yield from walk(pdf.Root.StructTreeRoot.K)


def test_pdf_is_tagged_with_a_structure_tree(faq_pdf):
    with pikepdf.open(faq_pdf) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert len(list(struct_elements(pdf))) > 100


def test_pdf_declares_pdf_ua_1(faq_pdf):
    with pikepdf.open(faq_pdf) as pdf:
        assert str(pdf.open_metadata()["pdfuaid:part"]) == "1"


def test_pdf_language_is_the_leaflet_language(faq_pdf):
    with pikepdf.open(faq_pdf) as pdf:
        assert str(pdf.Root.Lang) == "nl"


def test_pdf_title_is_shown_instead_of_file_name(faq_pdf):
    with pikepdf.open(faq_pdf) as pdf:
        assert pdf.open_metadata()["dc:title"] == "Vragen en antwoorden over MS"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True


def test_pdf_metadata_has_author_subject_keywords(faq_pdf):
    with pikepdf.open(faq_pdf) as pdf:
        info = pdf.docinfo
        assert str(info.Author) == "Redactie leaflets"
        assert str(info.Subject).startswith("Korte antwoorden")
        assert "multiple sclerose" in str(info.Keywords)


def test_bookmarks_follow_the_categories(faq_pdf):
    with pikepdf.open(faq_pdf) as pdf:
        with pdf.open_outline() as outline:
            titles = []
            def walk(items):
                for item in items:
                    titles.append(item.title)
                    walk(item.children)
            walk(outline.root)
    assert titles[0] == "Vragen en antwoorden over MS"
    for category in ("Medicijnen", "Stamceltherapie", "Vermoeidheid", "Betrouwbare websites over MS"):
        assert category in titles


def test_headings_are_real_and_never_skip_a_level(faq_pdf):
    with pikepdf.open(faq_pdf) as pdf:
        levels = [int(str(e.S)[2]) for e in struct_elements(pdf) if re.fullmatch(r"/H[1-6]", str(e.S))]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:]))
    assert levels.count(2) >= 12  # contents + about + 11 categories + websites


def test_every_figure_has_alt_text(faq_pdf, demo_pdf):
    for path in (faq_pdf, demo_pdf):
        with pikepdf.open(path) as pdf:
            figures = [e for e in struct_elements(pdf) if str(e.S) == "/Figure"]
            assert figures, "expected logo and QR code figures"
            assert all(str(f.get("/Alt", "")).strip() for f in figures)


def test_image_alt_text_from_markdown_reaches_the_pdf(demo_pdf):
    with pikepdf.open(demo_pdf) as pdf:
        alts = {str(e.get("/Alt", "")) for e in struct_elements(pdf) if str(e.S) == "/Figure"}
    assert {"Een blauwe cirkel", "Logo MS-informatie", "QR-code voor example.org/info"} <= alts


def test_all_fonts_are_embedded_with_unicode_maps(faq_pdf):
    with pikepdf.open(faq_pdf) as pdf:
        fonts = {f.objgen: f for page in pdf.pages for f in page.Resources.Font.values()}
        assert fonts
        for font in fonts.values():
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
            assert "/ToUnicode" in font
            assert "Atkinson-Hyperlegible" in str(font.BaseFont)


def test_text_extracts_in_source_order(faq_pdf):
    text = re.sub(r"\s+", " ", extract_text(str(faq_pdf)))
    source = (REPO / "content/faq/nl.md").read_text(encoding="utf-8")
    questions = re.findall(r"^/// question \| (.+)$", source, re.M)
    position = 0
    for question in questions:  # each question is found after the one before it
        position = text.find(question, position)
        assert position >= 0, f"not found in order: {question}"


def test_long_leaflet_gets_a_contents_list_and_short_one_does_not(faq_pdf, demo_pdf):
    faq_text = extract_text(str(faq_pdf), page_numbers=[0])
    assert "Inhoud" in faq_text
    with pikepdf.open(demo_pdf) as pdf:
        assert len(pdf.pages) <= 4
    assert "Inhoud" not in extract_text(str(demo_pdf))


def test_footer_shows_page_x_of_y_version_and_review_date(faq_pdf):
    with pikepdf.open(faq_pdf) as pdf:
        pages = len(pdf.pages)
    last = extract_text(str(faq_pdf), page_numbers=[pages - 1])
    assert f"Pagina {pages} van {pages}" in last
    assert "Versie 1.0" in last and "25 november 2028" in last


def test_page_size_is_a4(faq_pdf):
    with pikepdf.open(faq_pdf) as pdf:
        width, height = (float(x) for x in pdf.pages[0].MediaBox[2:])
    assert (round(width, 1), round(height, 1)) == (595.3, 841.9)


def test_citations_link_to_the_reference_list(demo_pdf):
    text = re.sub(r"\s+", " ", extract_text(str(demo_pdf)))
    assert "[1] Doe J, Roe R. Alpha study of walking. Journal of Tests, 2023. DOI: 10.1000/alpha.1. PMID: 12345678." in text


@pytest.mark.parametrize("leaflet", ["exercise", "therapies"])
def test_every_leaflet_extracts_in_source_order(tmp_path, leaflet):
    """Headings and block titles of the patient edition appear in the PDF's text in source order."""
    report = build(REPO, Selection(leaflets=(leaflet,), languages=("nl",), audiences=("patient",), brands=("default",),
                                   formats=("a4",)), jobs=1, output=tmp_path)
    assert report.ok and not report.problems, [str(p) for p in report.problems]  # no WeasyPrint warnings either
    text = re.sub(r"\s+", " ", extract_text(str(tmp_path / f"default/nl/{leaflet}-patient-a4.pdf")))
    def norm(value: str) -> str:  # hyphenated line ends and typographic quotes, on both sides
        return value.replace("- ", "").replace("’", "'").replace("“", '"').replace("”", '"')
    text = norm(text)
    source = (REPO / f"content/{leaflet}/nl.md").read_text(encoding="utf-8")
    source = re.sub(r"/// audience \| professional.*?^///$", "", source, flags=re.S | re.M)
    titles = [norm(re.sub(r"\s*\{#[^}]+\}$|[*_]", "", t).strip())
              for t in re.findall(r"^(?:## |### |/// (?:therapy|question|callout|links) \| )(.+)$", source, re.M)]
    assert len(titles) > 5
    position = text.find(titles[0])
    for title in titles:
        found = text.find(title, position)
        assert found >= 0, f"not found after position {position}: {title}"
        position = found


def test_arabic_leaflet_is_right_to_left_tagged_and_extracts_as_arabic(tmp_path):
    report = build(REPO, Selection(leaflets=("faq",), languages=("ar",), audiences=("patient",), brands=("default",),
                                   formats=("a4",)), jobs=1, output=tmp_path)
    assert report.ok, [str(p) for p in report.problems]  # includes the PDF/UA-1 verification
    path = tmp_path / "default/ar/faq-patient-a4.pdf"
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "ar"
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
        # assistive technology gets each text block in logical order, whatever the glyph order
        actual = {str(e.S): str(e.ActualText) for e in struct_elements(pdf) if "/ActualText" in e}
    assert any("Tajawal" in name for name in fonts), fonts
    source = (REPO / "content/faq/ar.md").read_text(encoding="utf-8")
    # poppler's pdftotext puts right-to-left text in logical order; pdfminer does not
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r"[\u0621-\u064a]+", text)  # letters only: marks and ligatures may be reordered
    known = set(re.findall(r"[\u0621-\u064a]+", re.sub(r"[\u064b-\u0652]", "", source)))
    # regression: with Noto Sans Arabic under 2% of words came out right (WeasyPrint #2841)
    assert sum(w in known for w in words) / len(words) >= 0.8
    title = re.search(r"^title: (.+)$", source, re.M)[1].strip()
    assert title.split()[1] in text  # a title word, in reading order
    assert actual["/H1"] == title
    assert "صفحة" in text  # the footer's "page x of y" is translated


def test_print_css_has_bleed_and_marks_and_rtl_mirrors_the_footer(project):
    from leaflets.model import Variant
    from leaflets.project import load_project
    from leaflets.render import render
    loaded, _ = load_project(project)
    css = render(loaded, Variant("demo", "patient", "nl", "default", "print")).html
    assert "bleed: 12.0mm" in css and "marks: crop" in css
    assert "@bottom-left {\n    content: \"Demofolder" in css
