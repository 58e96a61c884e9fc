"""The print-shop PDF made from the A4 PDF: the same pages on larger paper, not laid out again.

A print shop needs the finished page (TrimBox), 3 mm of bleed around it (BleedBox) into which
whatever runs to the edge carries on, crop marks outside the bleed, and paper for those marks
(MediaBox). The print format's layout is the A4 layout (`templates/page.css.j2` gives both the
same pages; a test typesets the print format directly and compares), so the A4 PDF is re-boxed:

- the MediaBox grows around the unchanged page coordinates, to a negative origin as WeasyPrint
  writes its own bleed; text, links, destinations and the structure tree are untouched;
- the first page's colour band is painted again over the A4 band, from the bleed edge down to
  where the A4 band ends (`Format.band_bottom_mm`), across the bleed on both sides;
- crop marks are drawn at the four corners along the trim lines, in the outer half of the
  margin beyond the trim, so they stay clear of the bleed.

Both are artifacts (the band a /Layout one, the marks a /Page one, ISO 32000-1 14.8.2.2): not
in the structure tree, not in the extracted text. The page's own content is wrapped in q … Q
first, so the added drawing starts from the default coordinate system.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from io import BytesIO

import pikepdf

from ..jobs import PrintBoxes

MM = 72 / 25.4
MARK_WIDTH_PT = 0.75  # a hairline a print shop's cutter can follow: WeasyPrint's 1 CSS px


def set_bleed_boxes(doc: pikepdf.Pdf, bleed_pt: float) -> None:
    """Each page's BleedBox: the TrimBox plus `bleed_pt` on every side."""
    for page in doc.pages:
        if "/TrimBox" in page.obj:
            x0, y0, x1, y1 = (float(v) for v in page.obj.TrimBox)
            page.obj.BleedBox = _box(x0 - bleed_pt, y0 - bleed_pt, x1 + bleed_pt, y1 + bleed_pt)


def add_bleed(pdf: bytes, boxes: PrintBoxes, identifier: str, siblings: Mapping[str, str] | None = None) -> bytes:
    """`pdf` (office pages, MediaBox at the trim) as a print-shop PDF. `identifier`: the
    variant's id, the first element of the new file's /ID (WeasyPrint's own is the source's).
    `siblings` (the source's file name of another leaflet → this variant's): links to other
    leaflets' PDFs name the same format's file, as typesetting this format would have."""
    bleed, outer = boxes.bleed_mm * MM, (boxes.bleed_mm + boxes.marks_mm) * MM
    with pikepdf.open(BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages):
            x0, y0, x1, y1 = (float(v) for v in page.obj.MediaBox)
            for name in ("/CropBox", "/ArtBox"):  # a CropBox at the trim would hide bleed and marks
                if name in page.obj:
                    del page.obj[name]
            page.obj.MediaBox = _box(x0 - outer, y0 - outer, x1 + outer, y1 + outer)
            page.obj.TrimBox = _box(x0, y0, x1, y1)
            drawing = _crop_marks(x0, y0, x1, y1, boxes) if boxes.marks_mm else b""
            if siblings:
                _retarget_siblings(page, siblings)
            if number == 0 and boxes.band_rgb:
                drawing = _band(x0, x1, y1, boxes) + drawing
            page.contents_add(b"q\n", prepend=True)
            page.contents_add(b"\nQ\n" + drawing)
        set_bleed_boxes(doc, bleed)
        first = hashlib.sha256(identifier.encode()).hexdigest()[:32].encode()
        doc.trailer.ID = pikepdf.Array([pikepdf.String(first), pikepdf.String(first)])
        out = BytesIO()
        doc.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def _retarget_siblings(page: pikepdf.Page, names: Mapping[str, str]) -> None:
    """GoToR links (`postprocess.links.relative_file_links`: a bare file name) to the new names."""
    for annotation in page.obj.get("/Annots", pikepdf.Array()):
        action = annotation.get("/A")
        if not isinstance(action, pikepdf.Dictionary) or action.get("/S") != pikepdf.Name.GoToR:
            continue
        spec = action.get("/F")
        name = str(spec.get("/F", "")) if isinstance(spec, pikepdf.Dictionary) else ""
        if name in names:
            spec.F = spec.UF = pikepdf.String(names[name])


def _box(*values: float) -> pikepdf.Array:
    return pikepdf.Array([round(v, 4) for v in values])


def _band(x0: float, x1: float, top: float, boxes: PrintBoxes) -> bytes:
    bleed = boxes.bleed_mm * MM
    red, green, blue = (int(boxes.band_rgb[i:i + 2], 16) / 255 for i in (1, 3, 5))
    bottom = top - boxes.band_bottom_mm * MM
    return (b"/Artifact <</Type /Layout>> BDC\nq\n"
            + f"{red:.6f} {green:.6f} {blue:.6f} rg\n"
              f"{x0 - bleed:.4f} {bottom:.4f} {x1 - x0 + 2 * bleed:.4f} {top + bleed - bottom:.4f} re\nf\n".encode()
            + b"Q\nEMC\n")


def _crop_marks(x0: float, y0: float, x1: float, y1: float, boxes: PrintBoxes) -> bytes:
    """At each corner, the two trim lines drawn on beyond the page, from halfway out to the
    paper's edge: never inside the bleed (bleed ≤ half the margin, `formats`)."""
    outer = (boxes.bleed_mm + boxes.marks_mm) * MM
    near, far = outer / 2, outer
    lines = []
    for x, outward_x in ((x0, -1), (x1, 1)):
        for y, outward_y in ((y0, -1), (y1, 1)):
            lines.append((x + outward_x * near, y, x + outward_x * far, y))  # along the horizontal trim line
            lines.append((x, y + outward_y * near, x, y + outward_y * far))  # along the vertical one
    path = "".join(f"{a:.4f} {b:.4f} m {c:.4f} {d:.4f} l\n" for a, b, c, d in lines)
    return (b"/Artifact <</Type /Page>> BDC\nq\n"
            + f"0 0 0 RG {MARK_WIDTH_PT} w 0 J [] 0 d\n{path}S\n".encode()
            + b"Q\nEMC\n")
