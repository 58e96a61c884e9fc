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
    if (count := sum(1 for _ in root.iter())) > MAX_SVG_ELEMENTS:
        return f"is an SVG of {count} elements (at most {MAX_SVG_ELEMENTS}): simplify it"
    if _depth(root) > MAX_SVG_DEPTH:
        return f"is an SVG nested more than {MAX_SVG_DEPTH} elements deep: simplify it"
    for element in root.iter():
        href = element.get("href") or element.get(XLINK_HREF) or ""
        if href and not href.startswith(("#", "data:image/")):
            return f"is an SVG that refers to another file ('{href[:80]}'): embed it or remove it"
        if _local(element.tag) == "style" and re.search(r"@import|url\(\s*['\"]?(?!#|data:)", element.text or ""):
            return "is an SVG whose style loads another file: embed it or remove it"
    return None


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
