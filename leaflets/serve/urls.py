"""URLs in the preview: the print HTML's file URLs rewritten to ones this server answers, and the
paths of a variant's pages.

The print HTML refers to fonts and the logo as `file:///…` (WeasyPrint reads them from disk) and
to a leaflet's images relative to its folder. A browser may load neither from an http page, so
both become `/files/<absolute path>`, which `files.py` guards.
"""
from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from urllib.parse import quote, unquote

from ..model import Variant

FILE_URL = re.compile(r"file://(/(?:[^\"'()<>\s\\]|\\[0-9a-fA-F]{1,6} ?)*)")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}) ?")
RELATIVE_IMG = re.compile(r'(<img\b[^>]*?\ssrc=")(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"]+)(")')


def rewrite_urls(page: str, base: Path) -> str:
    """`file:///…` URLs (fonts, logo) and relative image URLs (resolved against the leaflet folder
    `base`, as WeasyPrint does) become /files/ URLs this server answers."""
    def file_url(match: re.Match) -> str:
        raw = CSS_ESCAPE.sub(lambda e: chr(int(e[1], 16)), match[1])  # css_string escapes %, ~, …
        return files_url(unquote(raw))

    def image(match: re.Match) -> str:
        src = unquote(html.unescape(match[2]))
        return match[1] + html.escape(files_url(str(base / src))) + match[3]

    return RELATIVE_IMG.sub(image, FILE_URL.sub(file_url, page))


def files_url(path: str) -> str:
    return "/files" + quote(posixpath.normpath(path))


def variant_path(variant: Variant) -> str:
    """`<leaflet>/<audience>/<language>/<brand>/<format>`, each id quoted (ids may hold any text)."""
    return "/".join(quote(part, safe="") for part in (variant.leaflet, variant.audience, variant.language,
                                                      variant.brand, variant.format))


def parse_variant(path: str) -> tuple[str, Variant] | None:
    """`/preview/<variant>`, `/pdf/<variant>` or `/pages/<variant>` as (kind, variant); None for
    any other path."""
    kind, _, rest = path.lstrip("/").partition("/")
    ids = [unquote(part) for part in rest.strip("/").split("/")]
    if kind in ("preview", "pdf", "pages") and len(ids) == 5 and all(ids):
        return kind, Variant(*ids)
    return None
