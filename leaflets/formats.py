"""The paper formats, as data. A new format is one entry here plus its stylesheet in styles/."""
from __future__ import annotations

from .model import Format

FORMATS: dict[str, Format] = {
    f.id: f
    for f in (
        Format("a4", "A4", "a4.css", "A4 for screens and office printers"),
    )
}
DEFAULT_FORMATS = ("a4",)
