"""output/index.html: a static catalogue of every built PDF with a first-page thumbnail, grouped
by leaflet, language and audience, so a clinic can pick what to print without opening files one
by one; each group links its web editions (one per brand) next to its PDFs, and a release's
catalogue lists approved editions only. Written by every build from leaflets/templates/catalogue/;
thumbnails are made once per PDF version (named by the PDF's sha256) and removed with it."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .formats import FORMATS
from .htmlpages import render_page
from .model import WEB
from .write import atomic_write

THUMBS = ".thumbs"
THUMB_PX = 180  # the longer side of a thumbnail, as pdftoppm's -scale-to made them
READERS = {"patient": "patients"}  # any other audience: healthcare professionals


def write_catalogue(output: Path, entries: list[dict], brand_names: dict[str, str], release: bool = False) -> None:
    """Make the missing thumbnails, drop those of PDFs that are gone, then write index.html:
    every PDF and web page in the output folder, or for a release only the approved ones
    (`offered`). Thumbnails follow the files on disk, listed or not."""
    thumbs = output / THUMBS
    wanted = {e["sha256"]: output / e["path"] for e in entries if e["format"] != WEB}
    for sha, pdf in wanted.items():
        if not (thumbs / f"{sha}.png").is_file():
            thumbnail(pdf, thumbs / f"{sha}.png")
    for old in thumbs.glob("*.png") if thumbs.is_dir() else []:
        if old.stem not in wanted:
            old.unlink()  # thumbnails of PDFs that were rebuilt or removed
    atomic_write(output / "index.html", render_catalogue(output, offered(entries, release), brand_names).encode())


def offered(entries: list[dict], release: bool) -> list[dict]:
    """What the catalogue lists. A clinic prints from it, so a release's catalogue offers approved
    editions only: `--release` refuses drafts but never deletes what earlier builds wrote (the
    output folder keeps a draft PDF, and the manifest says `draft` for it), and a draft beside
    the approved editions, even marked, is one click from the printer. An ordinary build lists
    everything, each draft marked as one. An entry without a status counts as a draft."""
    return [e for e in entries if not release or e.get("status") == "approved"]


def thumbnail(pdf: Path, target: Path) -> bool:
    """The first page as a PNG whose longer side is THUMB_PX pixels; False if the PDF cannot be read
    (the catalogue then lists it without a picture)."""
    import pymupdf  # PyMuPDF comes with pdfimpose; imported only when a thumbnail is missing

    try:
        with pymupdf.open(pdf) as document:
            page = document[0]
            zoom = THUMB_PX / max(page.rect.width, page.rect.height)
            pixmap = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
    except (RuntimeError, ValueError, IndexError):  # MuPDF's errors are RuntimeErrors
        return False  # shown: the entry has no picture (the build already verified this PDF)
    target.parent.mkdir(parents=True, exist_ok=True)
    pixmap.save(target)
    return True


def render_catalogue(output: Path, entries: list[dict], brand_names: dict[str, str]) -> str:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for entry in entries:
        groups[(entry["leaflet"], entry["language"], entry["audience"], entry["title"],
                entry.get("status", "draft"))].append(entry)
    return render_page("catalogue/index.html.j2", count=sum(e["format"] != WEB for e in entries), width=THUMB_PX,
                       pages=sum(e["format"] == WEB for e in entries),
                       groups=[_group(key, items, output, brand_names) for key, items in sorted(groups.items())])


def _group(key: tuple, entries: list[dict], output: Path, brand_names: dict[str, str]) -> dict:
    leaflet, language, audience, title, status = key
    return {"leaflet": leaflet, "language": language, "title": title, "draft": status != "approved",
            "readers": READERS.get(audience, "healthcare professionals"),
            "pdfs": [_pdf(e, output, brand_names) for e in sorted(entries, key=lambda e: (e["brand"], e["format"]))
                     if e["format"] != WEB],
            "web": [{"path": e["path"], "brand": brand_names.get(e["brand"], e["brand"])}
                    for e in sorted(entries, key=lambda e: e["brand"]) if e["format"] == WEB]}


def _pdf(entry: dict, output: Path, brand_names: dict[str, str]) -> dict:
    fmt = FORMATS.get(entry["format"])
    thumb = f"{THUMBS}/{entry['sha256']}.png"
    return {"path": entry["path"], "pages": entry["pages"], "description": fmt.description if fmt else None,
            "label": f"{brand_names.get(entry['brand'], entry['brand'])}, {entry['format']}",
            "thumbnail": thumb if (output / thumb).is_file() else ""}
