"""output/index.html: a static catalogue of every built PDF with a first-page thumbnail, grouped
by leaflet, language, audience, brand and format, so a clinic can pick what to print without
opening files one by one. Written by every build; thumbnails are made once per PDF version."""
from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

from .formats import FORMATS
from .write import atomic_write

THUMBS = ".thumbs"


def thumbnail(pdf: Path, target: Path) -> bool:
    """First page as a small PNG via poppler's pdftoppm; False when it is not installed."""
    if shutil.which("pdftoppm") is None:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    stem = target.with_suffix("")
    result = subprocess.run(["pdftoppm", "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to", "180",
                             str(pdf), str(stem)], capture_output=True)
    return result.returncode == 0 and target.is_file()


def write_catalogue(output: Path, entries: list[dict], brand_names: dict[str, str]) -> None:
    thumbs = output / THUMBS
    wanted = {e["sha256"]: output / e["path"] for e in entries}
    missing = {sha: pdf for sha, pdf in wanted.items() if not (thumbs / f"{sha}.png").is_file()}
    with ThreadPoolExecutor(max_workers=4) as pool:  # pdftoppm runs outside the GIL
        list(pool.map(lambda item: thumbnail(item[1], thumbs / f"{item[0]}.png"), missing.items()))
    for old in thumbs.glob("*.png") if thumbs.is_dir() else []:
        if old.stem not in wanted:
            old.unlink()  # thumbnails of PDFs that were rebuilt or removed
    atomic_write(output / "index.html", render_catalogue(output, entries, brand_names).encode())


def render_catalogue(output: Path, entries: list[dict], brand_names: dict[str, str]) -> str:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for entry in entries:
        groups[(entry["leaflet"], entry["language"], entry["audience"], entry["title"])].append(entry)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>Leaflets: catalogue of built PDFs</title>",
             "<style>body{font-family:sans-serif;margin:2em;max-width:70em;color:#1a1a1a}"
             "ul.pdfs{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1em}"
             "ul.pdfs li{width:11em;font-size:.9em}ul.pdfs img{border:1px solid #999;max-width:100%}"
             "h2{border-bottom:2px solid #1f4e79;color:#1f4e79}</style></head><body>",
             "<h1>Leaflets</h1>",
             f"<p>{len(entries)} PDFs. Each picture shows the first page; click it to open the PDF.</p>"]
    for (leaflet, language, audience, title), items in sorted(groups.items()):
        parts.append(f'<h2 lang="{escape(language)}">{escape(title)}</h2>')
        parts.append(f"<p>Leaflet <code>{escape(leaflet)}</code> · language <code>{escape(language)}</code> · "
                     f"for {'patients' if audience == 'patient' else 'healthcare professionals'}</p>")
        parts.append('<ul class="pdfs">')
        for entry in sorted(items, key=lambda e: (e["brand"], e["format"])):
            fmt = FORMATS.get(entry["format"])
            label = f"{brand_names.get(entry['brand'], entry['brand'])}, {entry['format']}"
            thumb = f"{THUMBS}/{entry['sha256']}.png"
            image = (f'<img src="{thumb}" alt="First page of {escape(title)} ({escape(label)})" width="180">'
                     if (output / thumb).is_file() else "")
            note = f" — {escape(fmt.description)}" if fmt else ""
            parts.append(f'<li><a href="{escape(entry["path"])}">{image}<br>{escape(label)}</a>'
                         f"<br>{entry['pages']} pages{note}</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
