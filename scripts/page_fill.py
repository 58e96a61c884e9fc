"""How full the pages are: the empty band at the foot of every page that is not a PDF's last.

    python scripts/page_fill.py                      # every PDF under output/
    python scripts/page_fill.py /tmp/out a.pdf ...   # PDFs and folders (searched for *.pdf)
    python scripts/page_fill.py --worst 10           # also list the ten emptiest pages
    make page-fill ARGS="--worst 10"

For each page but the last of its PDF, the band is the distance from the lowest body text (or
picture) to the bottom of the text area, as a share of the text area's height: 0 % is a full
page, 100 % an empty one. Running headers and footers lie in the page margins and do not count.
A PDF's format comes from its name (`…-a5.pdf`), its text area from the format registry
(`leaflets/formats.py`: page size and margins; for `print` the trim box). Booklets are imposed
A5 pages (their own figures are the A5 PDFs') and are skipped.

Prints one row per format and one for all: PDFs, pages, median, 95th percentile and worst band,
and how many pages are more than 25 % and more than 40 % empty. The issue's target (#17): at most
2 % of pages over 25 %, none over 40 % (docs/layout.md). Then, for large-print PDFs, the share of
characters at 16 pt or more (target: 99 % in every PDF). Exit code 0; this is a measure.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from leaflets.formats import FORMATS  # noqa: E402

MM = 72 / 25.4
TOLERANCE_PT = 2.0  # a descender may reach just below the text area; footers start ≥ 6 mm lower
SKIPPED = {"booklet"}


@dataclass(frozen=True)
class Page:
    pdf: Path
    number: int  # 1-based
    format: str
    band: float  # empty share of the text area's height, 0..1


def format_of(path: Path) -> str | None:
    """The format id a PDF's name ends with (`faq-patient-large-print.pdf` → large-print)."""
    matches = [f for f in FORMATS if path.stem.endswith("-" + f) or path.stem == f]
    return max(matches, key=len) if matches else None


def bands(path: Path) -> list[Page]:
    """The band of every page of one PDF but its last."""
    import pymupdf

    fmt = format_of(path)
    if fmt is None or fmt in SKIPPED:
        return []
    top, _right, bottom, _left = FORMATS[fmt].margins_mm
    pages = []
    with pymupdf.open(path) as doc:
        for index in range(doc.page_count - 1):
            page = doc[index]
            trim = page.trimbox if FORMATS[fmt].bleed_mm else page.rect
            area_top, area_bottom = trim.y0 + top * MM, trim.y1 - bottom * MM
            lowest = max((y for y in _content_bottoms(page) if area_top <= y <= area_bottom + TOLERANCE_PT),
                         default=area_top)
            band = max(0.0, area_bottom - lowest) / (area_bottom - area_top)
            pages.append(Page(path, index + 1, fmt, band))
    return pages


def _content_bottoms(page) -> list[float]:
    """The bottom edge of every line of text and every picture on the page."""
    bottoms = [line["bbox"][3] for block in page.get_text("dict")["blocks"] if block["type"] == 0
               for line in block["lines"] if any(span["text"].strip() for span in line["spans"])]
    bottoms += [info["bbox"][3] for info in page.get_image_info()]
    return bottoms


def large_type(path: Path, minimum: float) -> tuple[int, int]:
    """(characters at `minimum` pt or more, all characters) on every page of a PDF, as PyMuPDF
    reads their size (transforms applied, so text in a scaled figure counts as printed)."""
    import pymupdf

    large = total = 0
    with pymupdf.open(path) as doc:
        for page in doc:
            for block in page.get_text("dict")["blocks"]:
                for span in (s for line in block.get("lines", ()) for s in line["spans"]):
                    count = len("".join(span["text"].split()))
                    total += count
                    large += count if span["size"] >= minimum - 0.05 else 0
    return large, total


def type_size_line(paths: list[Path]) -> str | None:
    """One line on the large-print PDFs among `paths`: the share of characters at their minimum
    size (16 pt), overall and for the lowest PDF."""
    shares = {}
    for path in paths:
        fmt = format_of(path)
        if fmt and FORMATS[fmt].min_body_pt > 11:
            large, total = large_type(path, FORMATS[fmt].min_body_pt)
            shares[path] = (large, total)
    if not shares:
        return None
    large, total = (sum(v[i] for v in shares.values()) for i in (0, 1))
    lowest = min(shares, key=lambda p: shares[p][0] / max(1, shares[p][1]))
    low = shares[lowest][0] / max(1, shares[lowest][1])
    return (f"large print: {large / max(1, total):.2%} of {total} characters at 16 pt or more "
            f"in {len(shares)} PDFs (lowest: {low:.2%}, {lowest})")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(pages: list[Page]) -> dict:
    values = [p.band for p in pages]
    worst = max(pages, key=lambda p: p.band)
    return {"pdfs": len({p.pdf for p in pages}), "pages": len(pages),
            "median": statistics.median(values), "p95": percentile(values, 0.95), "worst": worst.band,
            "worst_page": f"{worst.pdf}:{worst.number}",
            "over_25": sum(v > 0.25 for v in values), "over_40": sum(v > 0.40 for v in values)}


def pdfs_in(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.rglob("*.pdf")) if path.is_dir() else [path]
    return found


def table(rows: dict[str, dict]) -> str:
    lines = [f"{'format':<12} {'PDFs':>5} {'pages':>6} {'median':>7} {'p95':>6} {'worst':>6} "
             f"{'>25 %':>12} {'>40 %':>6}"]
    for name, s in rows.items():
        share = s["over_25"] / s["pages"] if s["pages"] else 0
        lines.append(f"{name:<12} {s['pdfs']:>5} {s['pages']:>6} {s['median']:>6.0%} {s['p95']:>6.0%} "
                     f"{s['worst']:>6.0%} {s['over_25']:>5} ({share:>4.1%}) {s['over_40']:>6}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "output"], help="PDFs or folders")
    parser.add_argument("--worst", type=int, default=0, metavar="N", help="list the N emptiest pages")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    args = parser.parse_args(argv)
    pdfs = pdfs_in(args.paths)
    pages = [page for pdf in pdfs for page in bands(pdf)]
    if not pages:
        print("no pages to measure (no PDFs of a known format with two pages or more)", file=sys.stderr)
        return 0
    rows = {fmt: summary([p for p in pages if p.format == fmt]) for fmt in FORMATS if any(p.format == fmt for p in pages)}
    rows["all"] = summary(pages)
    print(json.dumps(rows) if args.json else table(rows))
    if not args.json and (line := type_size_line(pdfs)):
        print(line)
    for page in sorted(pages, key=lambda p: -p.band)[:args.worst]:
        print(f"{page.band:5.0%}  {page.pdf}:{page.number}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
