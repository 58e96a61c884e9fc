"""Pictures and fonts from untrusted folders: opened and checked before anything is typeset.

WeasyPrint prints a broken picture as an empty or black box and a broken font as a fallback,
with at most a warning; a picture of 144 megapixels in a 410 KB PNG costs it over a gigabyte.
So every image and brand font is decoded here first, within `limits`, and any failure is a
problem with a reason, reported where the file is named.
"""
from __future__ import annotations

import re
import threading
import warnings
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

from .limits import MAX_IMAGE_PIXELS, MAX_SVG_DEPTH, MAX_SVG_ELEMENTS
from .model import Format

RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
_STRICT_PILLOW = threading.Lock()  # guards the switch of Pillow's process-wide truncation flag


def image_problem(path: Path) -> str | None:
    """Why this PNG, JPEG or SVG cannot be printed, or None. Cached by size and time, so the
    preview's reloads do not decode every picture again."""
    info = path.stat()
    return _image_problem(path, info.st_size, info.st_mtime_ns)


@lru_cache(maxsize=256)
def _image_problem(path: Path, size: int, mtime_ns: int) -> str | None:
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return _svg_problem(path.read_bytes())
    return _raster_problem(path, RASTER[suffix]) if suffix in RASTER else "must be SVG, PNG or JPEG"


def _raster_problem(path: Path, expected: str) -> str | None:
    from PIL import ImageFile  # Pillow comes with WeasyPrint; imported only when there is a picture

    # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process (a cut-off picture then
    # prints as a black box without a word); this check must see truncation, wherever it runs.
    with _STRICT_PILLOW:
        tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            return _decode(path, expected)
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _decode(path: Path, expected: str) -> str | None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's own bomb warning: our limit is lower
            with Image.open(path) as image:
                if image.format != expected:
                    return f"is not a {expected} file (it holds {image.format or 'unknown'} data)"
                pixels = image.width * image.height
                if pixels > MAX_IMAGE_PIXELS:
                    return (f"is {image.width} × {image.height} pixels ({pixels / 1e6:.0f} megapixels, at most "
                            f"{MAX_IMAGE_PIXELS / 1e6:.0f}): scale it down")
                image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        return f"cannot be decoded ({exc or type(exc).__name__})"
    return None


def _svg_problem(data: bytes) -> str | None:
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.I):  # entities can expand or read files
        return "is an SVG with a DOCTYPE or entities, which are not allowed"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return f"is not valid SVG ({exc})"
    if _local(root.tag) != "svg":
        return "is not an SVG image (its root element is not <svg>)"
    if _depth(root) > MAX_SVG_DEPTH:
        return f"is an SVG nested more than {MAX_SVG_DEPTH} elements deep: simplify it"
    for element in root.iter():
        if why := _reference_problem(element):
            return why
    drawn = _drawn_elements(root)  # what <use> expands to: ten lines can mean millions of shapes
    if drawn is None:
        return "is an SVG whose <use> elements refer to themselves in a loop, or chain too deeply"
    if drawn > MAX_SVG_ELEMENTS:
        return f"is an SVG that draws {drawn} elements (at most {MAX_SVG_ELEMENTS}, <use> copies counted): simplify it"
    return None


def _reference_problem(element) -> str | None:
    """An SVG element that would make the typesetter read another file, or CSS it cannot vet."""
    for href in (element.get("href"), element.get(XLINK_HREF)):  # both: a reader may take either
        if href and not href.startswith(("#", "data:image/png", "data:image/jpeg")):
            return f"is an SVG that refers to another file or SVG ('{href[:80]}'): embed it or remove it"
    style = (element.text or "") if _local(element.tag) == "style" else element.get("style") or ""
    if "\\" in style:  # CSS escapes (`@\\69mport`) would hide what the checks below look for
        return "is an SVG whose style uses backslash escapes, which are not allowed"
    if re.search(r"@import|url\(\s*['\"]?(?!#)", style):
        return "is an SVG whose style loads another file: embed it or remove it"
    return None


def _drawn_elements(root) -> int | None:
    """How many elements the SVG draws once every <use> is expanded; None for a <use> loop."""
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(element, depth: int = 0) -> int | None:  # memoised and capped: stops growing past the limit
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in visiting or depth > 2 * MAX_SVG_DEPTH:  # a loop, or a chain of <use> too long to follow
            return None
        visiting.add(key)
        total = 1
        target = (element.get("href") or element.get(XLINK_HREF) or "") if _local(element.tag) == "use" else ""
        parts = [by_id.get(target[1:])] if target.startswith("#") else []
        for part in [*parts, *element]:
            if part is not None:
                inner = size(part, depth + 1)
                if inner is None:
                    return None
                total = min(total + inner, MAX_SVG_ELEMENTS + 1)
        visiting.discard(key)
        sizes[key] = total
        return total

    return size(root)


def _depth(root) -> int:
    """How deep the tree goes, without recursion (a hostile file can nest thousands deep)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack += [(child, depth + 1) for child in element]
    return deepest


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def font_problem(path: Path) -> str | None:
    """Why a brand's font file cannot be used, or None: it must be a font fontTools can read
    (WeasyPrint would otherwise fall back to another font with only a warning)."""
    from fontTools.ttLib import TTFont, TTLibError

    if path.suffix.lower() not in FONT_SUFFIXES:
        return "must be a .ttf, .otf, .woff or .woff2 file"
    try:
        with TTFont(path, lazy=True) as font:
            font["cmap"], font["head"]  # noqa: B018 (reading the tables is the check)
    except (TTLibError, OSError, KeyError, ValueError, AssertionError, ImportError) as exc:
        return f"is not a usable font ({exc or type(exc).__name__})"
    return None


# ---------------------------------------------------------------- text inside SVG figures

MM = 72 / 25.4  # pt per mm
SVG_UNITS_PT = {"": 0.75, "px": 0.75, "pt": 1.0, "pc": 12.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
NUMBER = r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)"  # one way to read each number: no backtracking on long ones
LENGTH = re.compile(r"^\s*" + NUMBER + r"\s*(px|pt|pc|mm|cm|in)?\s*$")
FONT_SIZE = re.compile(r"font-size\s*:\s*" + NUMBER + r"\s*(px|pt)?")
TEXT_ELEMENTS = {"text", "tspan", "textPath"}


def svg_text_scale(path: Path) -> tuple[float, float | None] | None:
    """For an SVG with text: (the smallest text's size in pt per pt of printed width, the SVG's own
    width in pt or None when it has none and fills the column). None for an SVG without text.

    Font sizes come from `font-size` attributes, `style` attributes and `<style>` rules (each
    rule counted, wherever it applies), inherited down the tree; `em` and `%` sizes are taken
    relative to the parent; transforms are not followed. Checked files only (`image_problem`)."""
    try:
        root = ElementTree.fromstring(path.read_bytes())
    except (OSError, ElementTree.ParseError):
        return None
    smallest = _smallest_text(root)
    if smallest is None:
        return None
    width = _length_pt(root.get("width"))
    view_box = (root.get("viewBox") or "").replace(",", " ").split()
    units_wide = float(view_box[2]) if len(view_box) == 4 else (width / 0.75 if width else None)
    if not units_wide:
        return None
    return smallest / units_wide, width


def _smallest_text(root) -> float | None:
    """The smallest font size (user units) of any element holding text, or None."""
    sheet = " ".join(e.text or "" for e in root.iter() if _local(e.tag) == "style")
    rule_sizes = [_size(m, 16.0) for m in FONT_SIZE.finditer(sheet)]
    smallest, stack = None, [(root, 16.0)]  # 16 px: SVG's `medium`
    while stack:
        element, inherited = stack.pop()
        size = _own_size(element, inherited)
        if _local(element.tag) in TEXT_ELEMENTS and (element.text or "").strip():
            candidates = [size, *rule_sizes]
            smallest = min(candidates) if smallest is None else min(smallest, *candidates)
        stack += [(child, size) for child in element]
    return smallest


def _own_size(element, inherited: float) -> float:
    value = element.get("font-size")
    if match := FONT_SIZE.search(element.get("style") or ""):
        return _size(match, inherited)
    if value:
        value = value.strip()
        if value.endswith("%"):
            return inherited * float(value[:-1] or 100) / 100
        if value.endswith("em"):
            return inherited * float(value[:-2] or 1)
        if points := _length_pt(value):
            return points / 0.75
    return inherited


def _size(match: re.Match, inherited: float) -> float:
    return float(match[1]) * (4 / 3 if match[2] == "pt" else 1)


def _length_pt(value: str | None) -> float | None:
    """A length attribute in pt (a bare number is px); None when absent, relative or unreadable."""
    match = LENGTH.match(value or "")
    return float(match[1]) * SVG_UNITS_PT[match[2] or ""] if match else None


def column_width_pt(fmt: Format) -> float:
    _top, right, _bottom, left = fmt.margins_mm
    return (fmt.size_mm[0] - right - left) * MM


def figure_width_pt(path: Path, fmt: Format) -> tuple[float, float] | None:
    """For an SVG with text: (the width it prints at in this format, the size of its smallest
    text there, in pt). It is widened until that text reaches the format's minimum
    (`min_body_pt`), but never beyond the column. None for an SVG without text."""
    scale = svg_text_scale(path)
    if scale is None:
        return None
    per_pt, own_width = scale
    column = column_width_pt(fmt)
    natural = min(own_width or column, column)
    width = min(max(natural, fmt.min_body_pt / per_pt), column)
    return width, width * per_pt
