"""Pagination and print quality (#17), asserted on PDFs: boxes that split keep their text whole and
in order, large print is large in figures too, the cover's band and logo, fine typography.
docs/layout.md is the prose version of these rules."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer

from conftest import REPO, make_project, page_texts
from leaflets.expand import Selection
from leaflets.pipeline import build
from leaflets.render import box_size, keep_last_words, whole_last_words

MM = 72 / 25.4
SENTENCES = 36


def char_sizes(path: Path) -> list[float]:
    """The size of every visible character, as pdfminer reads it from the page (transforms
    included, so text inside a scaled SVG counts at its printed size)."""
    return [char.size for page in extract_pages(str(path)) for box in page if isinstance(box, LTTextContainer)
            for line in box for char in line if isinstance(char, LTChar) and char.get_text().strip()]


def svg_chart(font_size: float) -> str:
    """A chart 120 mm wide whose two labels are `font_size` user units in a 400-unit viewBox."""
    labels = "".join(f'<text font-family="Atkinson Hyperlegible" x="10" y="{y}" font-size="{font_size}">{text}</text>'
                     for y, text in ((40, "Maandag weinig energie"), (90, "Dinsdag de meeste energie")))
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="120mm" height="60mm" viewBox="0 0 400 200">'
            f'<rect width="400" height="200" fill="#eef3f8"/>{labels}</svg>')


LONG_CALLOUT = "\n".join(
    ["---", "title: Andere folder", "---", "## Alleen tekst", "", "Een tweede folder met een lang kader.", "",
     "/// callout | Een lang kader", *(f"Zin {n:02d} van het kader, met genoeg woorden om een regel te vullen."
                                        for n in range(1, SENTENCES + 1)), "///", "", "Tekst na het kader.", ""])


@pytest.fixture(scope="module")
def layout(tmp_path_factory) -> Path:
    """The fixture leaflet 'other' with a callout too long for one A5 page and two SVG charts
    (one whose labels can reach 16 pt in large print, one whose labels cannot), in A5, A4 and
    large print."""
    root = make_project(tmp_path_factory.mktemp("layout") / "p", files={
        "content/other/nl.md": LONG_CALLOUT.replace("\n\n/// callout", "\n\n/// figure | Energie per dag.\n"
                                                    "![Staafdiagram van de energie per dag.](images/chart.svg)\n///\n\n"
                                                    "/// callout"),
        "content/other/images/chart.svg": svg_chart(14),
    })
    report = build(root, Selection(leaflets=("other",), audiences=("patient",), formats=("a5", "a4", "large-print")),
                   jobs=2)
    assert report.ok and not report.problems, [str(p) for p in report.problems]
    return root / "output/default/nl"


def test_a_split_box_prints_its_text_once_and_in_order(layout):
    pages = page_texts(layout / "other-patient-a5.pdf")
    holding = [i for i, text in enumerate(pages) if "van het kader" in text]
    assert len(holding) >= 2, "the callout should run over two pages in A5"
    text = re.sub(r"\s+", " ", " ".join(pages))
    found = [int(n) for n in re.findall(r"Zin (\d\d) van het kader", text)]
    assert found == list(range(1, SENTENCES + 1))  # every sentence once, in reading order
    assert text.index("Zin 36") < text.index("Tekst na het kader")
    # (report.ok above: the split PDF still passes build.py verify's PDF/UA-1 checks)


def test_the_page_before_a_split_box_is_filled(layout):
    """Regression: every box was kept whole, so a long one left the page before it half empty."""
    import sys
    sys.path.insert(0, str(REPO / "scripts"))
    from page_fill import bands
    assert all(page.band < 0.25 for page in bands(layout / "other-patient-a5.pdf"))


def test_the_last_page_never_holds_only_the_colophon(tmp_path):
    """Regression (#17): the colophon stood alone on the last page; then, allowed to split on A5,
    its last two lines did. A short colophon stays whole and takes the last reference with it."""
    root = make_project(tmp_path / "p")
    report = build(root, Selection(leaflets=("demo",), languages=("nl",), audiences=("patient",), formats=("a5",)),
                   jobs=1)
    assert report.ok, [str(p) for p in report.problems]
    last = page_texts(root / "output/default/nl/demo-patient-a5.pdf")[-1]
    assert "Over deze folder" in last and "Uitgegeven door" in last  # the whole colophon ...
    assert re.search(r"\[\d+\]", last)  # ... with a reference before it


def test_large_print_figure_text_is_16pt_or_more(layout):
    a4 = char_sizes(layout / "other-patient-a4.pdf")
    large = char_sizes(layout / "other-patient-large-print.pdf")
    assert min(a4) < 12  # the chart's labels print at 11.9 pt on A4 ...
    assert min(large) >= 15.95  # ... and are widened to 16 pt in large print, like every other text


def test_a_figure_whose_text_cannot_reach_16pt_is_a_warning_with_file_and_line(tmp_path):
    root = make_project(tmp_path / "p", files={
        "content/other/nl.md": "---\ntitle: Andere folder\n---\n## Alleen tekst\n\nTekst.\n\n/// figure | Klein.\n"
                               "![Staafdiagram met kleine letters.](images/tiny.svg)\n///\n",
        "content/other/images/tiny.svg": svg_chart(8),
    })
    report = build(root, Selection(leaflets=("other",), audiences=("patient",), formats=("large-print",)), jobs=1)
    assert [str(p) for p in report.problems] == [
        "content/other/nl.md:9: warning: figure 'images/tiny.svg': its smallest text prints at 10.1 pt in "
        "large-print even at the full column width (needs 16 pt): make the text in the picture larger, or put "
        "the words in the caption"]


def test_real_large_print_leaflets_are_16pt_or_more(tmp_path):
    """The done-when of #17 on the real content: in a large-print PDF at least 99 % of the
    characters, figure text included, are 16 pt or more (measured on the rendered PDF)."""
    report = build(REPO, Selection(languages=("nl",), audiences=("patient",), brands=("default",),
                                   formats=("large-print",)), jobs=2, output=tmp_path)
    assert report.ok, [str(p) for p in report.problems]
    for pdf in sorted(tmp_path.rglob("*.pdf")):
        sizes = char_sizes(pdf)
        share = sum(size >= 15.95 for size in sizes) / len(sizes)
        assert share >= 0.99, f"{pdf.name}: only {share:.1%} of characters are 16 pt or more"


def _row(path: Path, y_mm: float, x_mm: float | None = None) -> tuple:
    """The colour of page 1 at `y_mm` from the top (and `x_mm` from the left, else the middle)."""
    subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-singlefile", str(path), str(path.with_suffix(""))],
                   check=True)
    _magic, size, _maxval, pixels = path.with_suffix(".ppm").read_bytes().split(b"\n", 3)
    width = int(size.split()[0])
    x = int(x_mm * MM) if x_mm is not None else width // 2
    start = (int(y_mm * MM) * width + x) * 3
    return tuple(pixels[start:start + 3])


def test_office_formats_keep_the_colour_band_inside_the_printable_area(layout):
    """Office printers leave about 5 mm at each edge unprinted: the band starts 5 mm in (the print
    format's band runs into the bleed: tests/pdf/test_formats.py)."""
    path = layout / "other-patient-a4.pdf"
    white, blue = (255, 255, 255), (0x1F, 0x4E, 0x79)
    assert _row(path, 2.5) == white  # above the band
    assert _row(path, 7.5) == blue  # the band
    assert _row(path, 7.5, x_mm=2.5) == white  # left of it
    assert _row(path, 7.5, x_mm=207.5) == white  # right of it


def test_a_logo_that_shows_the_name_is_not_captioned_with_it(tmp_path):
    root = make_project(tmp_path / "p")
    brand = root / "brands/default/brand.yml"
    brand.write_text(brand.read_text().replace("leaflets:\n", "leaflets:\n  logo_has_name: true\n"), encoding="utf-8")
    report = build(root, Selection(leaflets=("other",), formats=("a4",)), jobs=1)
    assert report.ok and not report.problems, [str(p) for p in report.problems]
    text = " ".join(page_texts(root / "output/default/nl/other-patient-a4.pdf"))
    assert text.count("MS-informatie") == 1  # only in the colophon ("Published by"), not beside the logo


def test_box_length_classes():
    assert box_size("<p>" + "woord " * 24 + "</p>") == "box-short"
    assert box_size("<p>" + "woord " * 60 + "</p>") == "box-medium"
    assert box_size("<p>" + "woord " * 80 + "</p>") == "box-long"


@pytest.mark.parametrize("html,expected", [
    ("<h1>Wellness and complementary therapies in MS</h1>",
     '<h1>Wellness and complementary therapies <span class="keep-together">in MS</span></h1>'),
    ('<p class="callout-title">Talk to your care team first</p>',
     '<p class="callout-title">Talk to your care <span class="keep-together">team first</span></p>'),
    ("<h3>Treating symptoms</h3>", "<h3>Treating symptoms</h3>"),  # a long last word may stand alone
    ("<h2>MS</h2>", "<h2>MS</h2>"),
    ('<h2 id="x">Wat is <abbr>MS</abbr></h2>', '<h2 id="x">Wat is <abbr>MS</abbr></h2>'),  # across a tag: left
    ("<p>Gewone tekst en MS</p>", "<p>Gewone tekst en MS</p>"),  # paragraphs are not titles
])
def test_a_title_never_ends_on_a_short_word_alone(html, expected):
    assert keep_last_words(html) == expected


@pytest.mark.parametrize("html,expected", [
    ("<p>Ask about your MS and exercise.</p>", '<p>Ask about your MS and <span class="last-word">exercise</span>.</p>'),
    ("<li>you have many limitations;</li>", '<li>you have many <span class="last-word">limitations</span>;</li>'),
    ("<p>Kort woord.</p>", "<p>Kort woord.</p>"),  # too short to be hyphenated anyway
    ('<p>See <a href="#x">the information</a></p>', '<p>See <a href="#x">the information</a></p>'),  # links: never
])
def test_a_paragraph_never_ends_on_a_hyphenated_word(html, expected):
    assert whole_last_words(html) == expected
