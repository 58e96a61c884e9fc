"""Shared fixtures: a small project on disk built from the repo's templates and styles; and
helpers that read a PDF back, shared by the PDF tests on fixtures (tests/pdf/) and the one
module that builds the real content (tests/content/)."""
from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's, installed by scripts/system-deps.sh
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*.html")


def make_project(root: Path, files: dict[str, str] | None = None, leaflets=("demo", "other"), brands=()) -> Path:
    """A project in `root`: the repo's templates, styles, locales and default brand, the fixture
    leaflets (tests/fixtures/<leaflet>) and fixture brands (tests/fixtures/brands/<brand>), then
    `files` ({relative path: text}) written over them."""
    for name in ("templates", "styles", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copytree(REPO / "brands" / "default", root / "brands" / "default")
    for leaflet in leaflets:
        shutil.copytree(FIXTURES / leaflet, root / "content" / leaflet)
    for brand in brands:
        shutil.copytree(FIXTURES / "brands" / brand, root / "brands" / brand)
    for relpath, text in (files or {}).items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


# ---------------------------------------------------------------- reading a PDF back

def struct_elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element, depth-first in document order."""
    def walk(node):
        if isinstance(node, pikepdf.Array):
            for item in node:
                yield from walk(item)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            if "/K" in node:
                yield from walk(node.K)
    yield from walk(pdf.Root.StructTreeRoot.K)


def page_texts(path: Path) -> tuple[str, ...]:
    """pdfminer's text of each page, in one pass over the PDF (cached while the file is unchanged)."""
    stat = path.stat()
    return _page_texts(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _page_texts(path: str, _size: int, _mtime: int) -> tuple[str, ...]:
    from pdfminer.high_level import extract_text
    return tuple(extract_text(path).split("\f")[:-1])  # pdfminer ends each page with a form feed


def heading_levels(pdf: pikepdf.Pdf) -> list[int]:
    return [int(str(e.S)[2]) for e in struct_elements(pdf) if re.fullmatch(r"/H[1-6]", str(e.S))]


def bookmark_titles(pdf: pikepdf.Pdf) -> list[str]:
    titles = []
    with pdf.open_outline() as outline:
        def walk(items):
            for item in items:
                titles.append(item.title)
                walk(item.children)
        walk(outline.root)
    return titles


def edition(source: str, audience: str) -> str:
    """The Markdown source without the other audience's blocks."""
    other = "professional" if audience == "patient" else "patient"
    return re.sub(rf"^/// audience \| {other}$.*?^///$", "", source, flags=re.S | re.M)


def _title(text: str) -> str:
    return re.sub(r"\s*\{#[^}]+\}$|[*_]", "", text).strip()


def section_titles(source: str, audience: str) -> list[str]:
    """Titles at section level (## headings, category and links blocks): the H2s and bookmarks."""
    return [_title(t) for t in re.findall(r"^(?:## |/// (?:category|links) \| )(.+)$", edition(source, audience), re.M)]


def block_titles(source: str, audience: str) -> list[str]:
    """Headings and block titles of one edition, in source order."""
    return [_title(t) for t in re.findall(r"^(?:## |### |/// (?:category|therapy|question|callout|links) \| )(.+)$",
                                          edition(source, audience), re.M)]


def assert_fonts_embedded(path: Path, families: tuple[str, ...]) -> None:
    """Every font of the PDF is embedded, has a ToUnicode map, and is one of `families`."""
    with pikepdf.open(path) as pdf:
        fonts = {f.objgen: f for page in pdf.pages for f in page.Resources.Font.values()}
        assert fonts
        for font in fonts.values():
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
            assert "/ToUnicode" in font
            assert any(family in str(font.BaseFont) for family in families), font.BaseFont


def assert_in_order(text: str, titles: list[str]) -> None:
    """Each title is found in `text` after the one before it (line breaks and hyphenation, and
    typographic quotes, ignored on both sides)."""
    def norm(value: str) -> str:
        value = re.sub(r"\s+", " ", value)
        return value.replace("- ", "").replace("’", "'").replace("“", '"').replace("”", '"')
    text, position = norm(text), 0
    for title in map(norm, titles):
        found = text.find(title, position)
        assert found >= 0, f"not found after position {position}: {title}"
        position = found


def arabic_words_extracted(path: Path, written: str) -> tuple[str, float]:
    """pdftotext's text of the PDF (poppler puts right-to-left text in logical order; pdfminer
    does not), bidi controls removed, and the share of its Arabic words that are in `written`."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub("[\u202a-\u202e]", "", text)
    words = re.findall(r"[\u0621-\u064a]+", text)  # letters only: marks and ligatures may be reordered
    known = set(re.findall(r"[\u0621-\u064a]+", re.sub(r"[\u064b-\u0652]", "", written)))
    return text, sum(w in known for w in words) / len(words)


def require_browser(missing: list[str]) -> None:
    """Skip a browser test for what is `missing` (plus Debian's chromium when it is); under CI a
    missing browser is a failure, never a skip: `make test` must have installed it."""
    import os

    if not os.access(CHROMIUM, os.X_OK):
        missing = [*missing, f"{CHROMIUM} is missing (bash scripts/system-deps.sh installs Debian's chromium)"]
    if missing:
        reason = "browser test needs " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI must install it)")
        pytest.skip(reason)
