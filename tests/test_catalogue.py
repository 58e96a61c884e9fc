"""output/index.html, the catalogue of built PDFs: its exact bytes, escaping of what editors
wrote, and first-page thumbnails made with PyMuPDF at pdftoppm's sizes."""
from __future__ import annotations

import struct
from pathlib import Path

import pymupdf

from leaflets.catalogue import THUMBS, render_catalogue, thumbnail, write_catalogue

TITLE = 'Pijn <b>"&"</b> \'moe\''
ENTRIES = [
    {"path": "b&b/nl/x-patient-a4.pdf", "leaflet": "x", "audience": "patient", "language": "nl", "brand": "b&b",
     "format": "a4", "title": TITLE, "pages": 3, "sha256": "aa", "status": "draft"},
    {"path": "b&b/nl/x-patient-nope.pdf", "leaflet": "x", "audience": "patient", "language": "nl", "brand": "b&b",
     "format": "nope", "title": TITLE, "pages": 1, "sha256": "bb", "status": "draft"},
    {"path": "a/en/x-professional-a5.pdf", "leaflet": "x", "audience": "professional", "language": "en", "brand": "a",
     "format": "a5", "title": "Pain", "pages": 12, "sha256": "cc", "status": "approved"},
    {"path": "b&b/nl/x-patient.html", "leaflet": "x", "audience": "patient", "language": "nl", "brand": "b&b",
     "format": "web", "title": TITLE, "pages": 1, "sha256": "ee", "status": "draft"},
]
BRANDS = {"b&b": "Bed <&> Breakfast"}

# the exact page: escaping, grouping, a draft said in words, "1 page" in the singular, the web
# edition linked next to its PDFs, a main landmark and a page that reflows on a phone (axe-checked
# in tests/test_web_browser.py)
EXPECTED = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leaflets: catalogue of built PDFs</title>
<style>body{font-family:sans-serif;margin:2em;max-width:70em;color:#1a1a1a}\
ul.pdfs{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1em}\
ul.pdfs li{width:11em;font-size:.9em}ul.pdfs img{border:1px solid #999;max-width:100%}\
h2{border-bottom:2px solid #1f4e79;color:#1f4e79}a:focus-visible{outline:3px solid #1f4e79;outline-offset:2px}\
@media (max-width:40em){body{margin:1em}}</style></head><body><main>
<h1>Leaflets</h1>
<p>3 PDFs and 1 web page. Each picture shows the first page; click it to open the PDF.</p>
<h2 lang="en">Pain</h2>
<p>Leaflet <code>x</code> · language <code>en</code> · for healthcare professionals</p>
<ul class="pdfs">
<li><a href="a/en/x-professional-a5.pdf"><br>a, a5</a><br>12 pages — A5 pages, typography tuned for the smaller page</li>
</ul>
<h2 lang="nl">Pijn &lt;b&gt;&quot;&amp;&quot;&lt;/b&gt; &#x27;moe&#x27;</h2>
<p>Leaflet <code>x</code> · language <code>nl</code> · for patients · <strong>draft</strong>: not approved, \
not for distribution</p>
<p>Read online (web page): <a href="b&amp;b/nl/x-patient.html" hreflang="nl">Bed &lt;&amp;&gt; Breakfast</a></p>
<ul class="pdfs">
<li><a href="b&amp;b/nl/x-patient-a4.pdf"><img src=".thumbs/aa.png" \
alt="First page of Pijn &lt;b&gt;&quot;&amp;&quot;&lt;/b&gt; &#x27;moe&#x27; (Bed &lt;&amp;&gt; Breakfast, a4)" \
width="180"><br>Bed &lt;&amp;&gt; Breakfast, a4</a><br>3 pages — A4 for screens and office printers</li>
<li><a href="b&amp;b/nl/x-patient-nope.pdf"><br>Bed &lt;&amp;&gt; Breakfast, nope</a><br>1 page</li>
</ul>
</main></body></html>
"""


def test_catalogue_groups_escapes_and_keeps_its_bytes(tmp_path):
    (tmp_path / THUMBS).mkdir()
    (tmp_path / THUMBS / "aa.png").write_bytes(b"png")  # only this PDF has a picture
    assert render_catalogue(tmp_path, ENTRIES, BRANDS) == EXPECTED


def pdf(path: Path, width: float, height: float) -> Path:
    """A one-page PDF of the given size in points, with something drawn on it."""
    document = pymupdf.open()
    page = document.new_page(width=width, height=height)
    page.draw_rect(pymupdf.Rect(20, 20, width / 2, height / 3), color=(0, 0, 0), fill=(0.12, 0.31, 0.47))
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


def test_thumbnails_have_the_sizes_pdftoppm_gave_them(tmp_path):
    # `pdftoppm -scale-to 180`: the longer side 180 px, the other rounded up (WeasyPrint's sizes)
    sizes = {"a4": (595.2756, 841.8898, (128, 180)), "a5": (419.5276, 595.2756, (127, 180)),
             "letter": (612, 792, (140, 180)), "a4-landscape": (841.8898, 595.2756, (180, 128))}
    for name, (width, height, expected) in sizes.items():
        target = tmp_path / "thumbs" / f"{name}.png"
        assert thumbnail(pdf(tmp_path / f"{name}.pdf", width, height), target)
        assert png_size(target) == expected, name


def test_unreadable_pdf_is_listed_without_a_picture(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really\n")
    entry = dict(ENTRIES[2], path="a/broken.pdf", sha256="dd")
    write_catalogue(tmp_path, [entry], {})
    assert not (tmp_path / THUMBS / "dd.png").exists()
    assert '<a href="a/broken.pdf"><br>a, a5</a>' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_thumbnails_follow_the_pdfs(tmp_path):
    pdf(tmp_path / "a/en/x-professional-a5.pdf", 419.5276, 595.2756)
    (tmp_path / THUMBS).mkdir()
    (tmp_path / THUMBS / "old.png").write_bytes(b"png of a PDF since rebuilt")
    write_catalogue(tmp_path, [ENTRIES[2]], {})
    assert sorted(p.name for p in (tmp_path / THUMBS).iterdir()) == ["cc.png"]
    assert '<img src=".thumbs/cc.png"' in (tmp_path / "index.html").read_text(encoding="utf-8")
