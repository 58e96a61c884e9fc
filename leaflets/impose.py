"""Imposition: the A5 leaflet two-up on A4 landscape sheets in saddle-stitch order.

pdfimpose does the page ordering and pads with blank pages to a multiple of four, so a duplex
print of the sheets folds and staples into the booklet. The result is a print product and is
not tagged: the accessible edition is the A5 PDF it is made from.
"""
from __future__ import annotations

from io import BytesIO

import pikepdf
from pdfimpose.schema import saddle

A4_LANDSCAPE = (841.89, 595.28)  # pt


def impose_booklet(a5_pdf: bytes, title: str, language: str) -> tuple[bytes, int]:
    """(booklet PDF bytes, sheet sides) for a PDF of A5 pages. Title and language are kept so
    the print file is still identified; the structure tree is not (it is a print product)."""
    out = BytesIO()
    saddle.impose([BytesIO(a5_pdf)], out, signature=(2, 1))
    with pikepdf.open(BytesIO(out.getvalue())) as pdf:
        for page in pdf.pages:
            _center_on_a4_landscape(page)
        # pdfimpose stamps dates and a random /ID; drop them so the same A5 gives the same bytes.
        for key in list(pdf.docinfo.keys()):
            del pdf.docinfo[key]
        if "/Metadata" in pdf.Root:
            del pdf.Root.Metadata
        if "/ID" in pdf.trailer:
            del pdf.trailer.ID
        pdf.Root.Lang = pikepdf.String(language)
        pdf.docinfo["/Title"] = pikepdf.String(title)
        final = BytesIO()
        pdf.save(final, deterministic_id=True, compress_streams=True, linearize=False)
        return final.getvalue(), len(pdf.pages)


def _center_on_a4_landscape(page: pikepdf.Page) -> None:
    """Two A5 pages are 296 × 210 mm; A4 is 297 mm wide: widen the box by 0.5 mm each side."""
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    pad_x = (A4_LANDSCAPE[0] - (x1 - x0)) / 2
    pad_y = (A4_LANDSCAPE[1] - (y1 - y0)) / 2
    page.mediabox = pikepdf.Array([x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y])
    if "/CropBox" in page.obj:
        del page.obj.CropBox
