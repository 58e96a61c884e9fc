"""The paper formats, as data. A new format is one entry here plus its stylesheet in styles/."""
from __future__ import annotations

from .model import Format

FORMATS: dict[str, Format] = {
    f.id: f
    for f in (
        Format("a4", "A4", "a4.css", "A4 for screens and office printers"),
        Format("a5", "A5", "a5.css", "A5 pages, typography tuned for the smaller page", words_per_page=230,
               margins_mm=(14, 12, 17, 12), short_footer=True),
        Format("letter", "letter", "a4.css", "US Letter for brands that ask for it"),
        Format("large-print", "A4", "large-print.css", "A4 large print: body 16 pt or more, no hyphenation",
               min_body_pt=16.0, words_per_page=200, short_footer=True, margins_mm=(18, 16, 24, 16)),
        Format("print", "A4", "print.css", "A4 for a print shop: 3 mm bleed and crop marks", bleed_mm=3.0, crop_marks=True,
               marks_mm=9.0, derived_from="a4"),
        Format("booklet", "A4 landscape", "a5.css", "the A5 leaflet imposed two-up on A4 sheets, to fold and staple",
               margins_mm=(14, 12, 17, 12), imposed_from="a5"),
    )
}
