"""The trust boundary of `/files/`: which files a preview may load, and as what type.

Previews refer to fonts, logos and images by absolute path. Only the project's content, templates,
styles and brands folders and installed `fontpkg_*` packages are served; the path is resolved
(`..` and symlinks followed) before it is held against those folders, so neither can lead out.
"""
from __future__ import annotations

import importlib.util
import mimetypes
import pkgutil
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path

SERVED = ("content", "templates", "styles", "brands")  # nothing else of the project
FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
              ".svg": "image/svg+xml"}
# A served SVG opened on its own must not run script or load anything.
HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"}


class Refused(Exception):
    """A requested file that is not served: the status to answer and a sentence why."""

    def __init__(self, status: HTTPStatus, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def served_file(root: Path, requested: str) -> Path:
    """The file at the absolute path `requested`, if it may be served; otherwise `Refused`."""
    if "\0" in requested or not requested.startswith("/"):
        raise Refused(HTTPStatus.BAD_REQUEST, "bad path\n")
    try:
        path = Path(requested).resolve()  # `..` and symlinks are followed before the check
        if not any(path.is_relative_to(folder) for folder in served_roots(root)):
            raise Refused(HTTPStatus.FORBIDDEN, "Only project content, templates, styles, brands and "
                                                "font package files are served.\n")
        if not path.is_file():
            raise Refused(HTTPStatus.NOT_FOUND, "no such file\n")
        if path.stat().st_nlink > 1 and not any(path.is_relative_to(d) for d in font_package_dirs()):
            raise Refused(HTTPStatus.FORBIDDEN, "a hard link is not served: its other name may be outside the project\n")
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name too long
        raise Refused(HTTPStatus.NOT_FOUND, "no such file\n") from None
    return path


def content_type(path: Path) -> str:
    kind = FONT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return kind + "; charset=utf-8" if kind.startswith("text/") else kind


def served_roots(root: Path) -> tuple[Path, ...]:
    return tuple((root / name).resolve() for name in SERVED) + font_package_dirs()


@lru_cache(maxsize=1)
def font_package_dirs() -> tuple[Path, ...]:
    """The folders of installed `fontpkg_*` packages (brand fonts come from these)."""
    dirs = []
    for module in pkgutil.iter_modules():
        if module.ispkg and module.name.startswith("fontpkg_"):
            spec = importlib.util.find_spec(module.name)
            dirs += [Path(d).resolve() for d in (spec.submodule_search_locations or [])] if spec else []
    return tuple(dirs)
