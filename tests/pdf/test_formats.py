"""Paper formats, asserted on the PDFs: page sizes, print boxes, imposition, large type."""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pikepdf
import pytest
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LTChar, LTTextContainer

from conftest import make_project
from leaflets.expand import Selection
from leaflets.pipeline import build


@pytest.fixture(scope="module")
def formats(tmp_path_factory) -> Path:
    """The fixture demo leaflet, Dutch, for patients, in every format."""
    root = make_project(tmp_path_factory.mktemp("formats") / "p")
    report = build(root, Selection(leaflets=("demo",), languages=("nl",), audiences=("patient",), brands=("default",)),
                   jobs=2)
    assert report.ok and not report.problems, [str(p) for p in report.problems]  # no WeasyPrint warnings either
    return root / "output/default/nl"


def boxes(path: Path, box: str = "/MediaBox") -> tuple[float, float]:
    with pikepdf.open(path) as pdf:
        x0, y0, x1, y1 = (float(v) for v in pdf.pages[0].obj[box])
    return round(x1 - x0, 1), round(y1 - y0, 1)


@pytest.mark.parametrize("fmt,size", [("a4", (595.3, 841.9)), ("a5", (419.5, 595.3)), ("letter", (612.0, 792.0)),
                                      ("large-print", (595.3, 841.9))])
def test_page_size_matches_the_format(formats, fmt, size):
    assert boxes(formats / f"demo-patient-{fmt}.pdf") == size


def test_print_format_has_3mm_bleed_around_the_a4_trim(formats):
    path = formats / "demo-patient-print.pdf"
    assert boxes(path, "/TrimBox") == (595.3, 841.9)
    assert boxes(path, "/BleedBox") == (595.3 + 17.0, 841.9 + 17.0)  # 8.5 pt each side
    assert boxes(path) > boxes(path, "/BleedBox")  # the media box leaves room for crop marks
    with pikepdf.open(path) as pdf:
        trim, bleed = (list(map(float, pdf.pages[0].obj[k])) for k in ("/TrimBox", "/BleedBox"))
    assert [round(t - b, 1) for t, b in zip(trim[:2], bleed[:2])] == [8.5, 8.5]


def test_print_format_band_reaches_into_the_bleed_and_crop_marks_lie_outside_it(formats):
    """Rows of pixels down the middle of page 1 at 72 dpi (1 px = 1 pt): paper for the marks,
    then the default brand's blue from the bleed edge (8.5 pt above the trim) into the page."""
    import subprocess
    path = formats / "demo-patient-print.pdf"
    with pikepdf.open(path) as pdf:
        media_top = float(pdf.pages[0].MediaBox[3])
        trim_top = float(pdf.pages[0].TrimBox[3])
    subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-singlefile", str(path), str(formats / "band")], check=True)
    _magic, width_height, _maxval, pixels = (formats / "band.ppm").read_bytes().split(b"\n", 3)
    width = int(width_height.split()[0])

    def row(y: float) -> tuple:
        start = (int(y) * width + width // 2) * 3
        return tuple(pixels[start:start + 3])
    bleed_edge = media_top - trim_top - 8.5  # pixels from the media top
    assert bleed_edge > 20  # room for crop marks beyond the bleed
    assert row(bleed_edge / 2) == (255, 255, 255)
    assert row(bleed_edge + 2) == (0x1F, 0x4E, 0x79)
    assert row(bleed_edge + 8.5 + 5) == (0x1F, 0x4E, 0x79)  # and on into the trimmed page


def test_booklet_is_a5_imposed_on_a4_landscape_in_fours(formats):
    with pikepdf.open(formats / "demo-patient-a5.pdf") as a5:
        a5_pages = len(a5.pages)
    with pikepdf.open(formats / "demo-patient-booklet.pdf") as booklet:
        sides = len(booklet.pages)
    assert boxes(formats / "demo-patient-booklet.pdf") == (841.9, 595.3)
    assert sides == math.ceil(a5_pages / 4) * 2  # two A5 pages per side, padded to a multiple of four


def test_manifest_says_what_the_booklet_was_imposed_from(formats):
    manifest = json.loads((formats.parents[1] / "manifest.json").read_text())
    booklet = next(e for e in manifest["pdfs"] if e["format"] == "booklet")
    assert booklet["imposed_from"] == "default/nl/demo-patient-a5.pdf"


def test_large_print_text_is_at_least_16pt(formats):
    sizes = [round(char.size, 1) for page in extract_pages(str(formats / "demo-patient-large-print.pdf"))
             for box in page if isinstance(box, LTTextContainer)
             for line in box for char in line if isinstance(char, LTChar) and char.get_text().strip()]
    share = sum(s >= 15.95 for s in sizes) / len(sizes)
    assert share >= 0.95, f"only {share:.1%} of characters are 16 pt or more"


def test_a5_body_text_stays_readable(formats):
    sizes = [round(char.size, 1) for page in extract_pages(str(formats / "demo-patient-a5.pdf"), page_numbers=[1])
             for box in page if isinstance(box, LTTextContainer)
             for line in box for char in line if isinstance(char, LTChar)]
    body = max(set(sizes), key=sizes.count)
    assert body >= 11.0


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib
    raw = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_print_format_warns_about_raster_images_under_300_dpi(tmp_path):
    root = make_project(tmp_path / "p")
    (root / "content/other/images").mkdir()
    (root / "content/other/images/photo.png").write_bytes(_png(100, 100))  # 100 px at 96 px/in: 96 dpi
    page = root / "content/other/nl.md"
    page.write_text(page.read_text() + "\n![Een foto van een wandeling](images/photo.png)\n")
    report = build(root, Selection(leaflets=("other",), formats=("print", "a4")), jobs=1)
    assert [str(p) for p in report.problems] == [
        "other/patient/nl/default/print: warning: image 'photo.png' on page 1 prints at 96 dpi "
        "(print shops need 300 dpi): use a larger picture"]
    assert len(report.built) == 2  # a warning, not a failure (unless --strict)


@pytest.fixture(scope="module")
def clinic_builds(tmp_path_factory) -> tuple[Path, Path]:
    """The demo leaflet in the fixture brand 'clinic' (a variable font, a footer line), built
    twice, a second apart: (first, second) PDF."""
    root = make_project(tmp_path_factory.mktemp("clinic") / "p", brands=("clinic",))
    selection = Selection(leaflets=("demo",), languages=("en",), audiences=("patient",), brands=("clinic",),
                          formats=("a4",))
    report = build(root, selection, jobs=1, output=root / "first")
    assert report.ok and not report.problems, [str(p) for p in report.problems]
    time.sleep(1.1)  # HarfBuzz's stamp (below) has one-second resolution
    build(root, selection, jobs=1, output=root / "second")
    name = "clinic/en/demo-patient-a4.pdf"
    return root / "first" / name, root / "second" / name


def test_brand_footer_line_runs_on_every_page_as_an_artifact(clinic_builds):
    path = clinic_builds[0]
    with pikepdf.open(path) as pdf:
        pages = len(pdf.pages)
    assert pages > 1
    for page in range(pages):
        assert "Kliniek Proefstad · 010 123 45 67" in extract_text(str(path), page_numbers=[page])
    # verification (part of report.ok) would fail if the footer text were untagged, not an artifact


def test_variable_font_brands_give_the_same_bytes_on_every_build(clinic_builds):
    # regression: HarfBuzz stamped the current time into instanced variable fonts (head.modified)
    first, second = clinic_builds
    with pikepdf.open(first) as pdf:
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
    assert any("Source-Sans-3" in name for name in fonts), fonts  # a variable font, instanced by HarfBuzz
    assert first.read_bytes() == second.read_bytes()
