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
