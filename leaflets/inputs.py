"""What a variant is made from, hashed: the cache key that lets unchanged variants be skipped
without rendering anything.

A variant's key covers its content file, leaflet.yaml, the pictures its text shows, the titles
of the other leaflets it names, every template and stylesheet, its brand folder, its UI
catalog, the fonts it uses (by path, size and time), and this package's own source code. Nothing
else: adding a leaflet or an unused picture rebuilds no other PDF.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from .brand import script_font_files
from .expand import sibling_files
from .model import Project, Variant


# Editor tools: changing them must not rebuild every PDF. Every other module of the package is
# hashed, so a new module shapes the cache key until it is listed here on purpose.
EDITOR_MODULES = ("__init__.py", "caches.py", "catalogue.py", "cli.py", "editorial.py", "errors.py", "expand.py",
                  "htmlpages.py", "pipeline.py", "readability.py", "serve.py", "status.py", "write.py",
                  "web.py")  # the web edition: no PDF reads it; its pages' keys hash it (`web.web_key`)
# The web edition's own page template and stylesheet: no PDF reads them, so they are left out of
# the PDFs' keys (and are in the web pages' keys).
WEB_FILES = frozenset({"web.html.j2", "web.css"})
EDITOR_FOLDERS = ("serve", "templates")  # the preview server and its page templates


def pdf_modules() -> list[Path]:
    """The package's source files that shape a PDF's bytes, in a stable order."""
    here = Path(__file__).parent
    return sorted(p for p in here.rglob("*.py")
                  if str(p.relative_to(here)) not in EDITOR_MODULES and p.relative_to(here).parts[0] not in EDITOR_FOLDERS)


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the PDF-shaping source and the libraries' versions: new code means new PDFs."""
    digest = hashlib.sha256()
    for package in ("weasyprint", "pikepdf", "pdfimpose", "markdown", "jinja2", "segno", "nh3", "babel"):
        digest.update(f"{package}={version(package)};".encode())
    for path in pdf_modules():
        digest.update(path.read_bytes())
    return digest.hexdigest()


def imposition_key(source_sha256: str) -> str:
    """An imposed PDF (the booklet) depends only on its source PDF's bytes and the code."""
    return hashlib.sha256((code_version() + source_sha256).encode()).hexdigest()


class InputHasher:
    """Hashes files and folders once per build, however many variants share them."""

    def __init__(self, project: Project):
        self.project = project
        self._memo: dict[tuple, str] = {}

    def _memoised(self, key: tuple, compute) -> str:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def file(self, path: Path) -> str:
        def compute() -> str:
            try:
                return hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                return "missing"
        return self._memoised(("file", path), compute)

    def tree(self, folder: Path, skip_suffix: str = "", skip_names: frozenset[str] = frozenset()) -> str:
        def compute() -> str:
            digest = hashlib.sha256()
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                if skip_suffix and path.suffix == skip_suffix or path.name in skip_names:
                    continue
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + self.file(path).encode())
            return digest.hexdigest()
        return self._memoised(("tree", folder, skip_suffix, skip_names), compute)

    def fonts(self, variant: Variant) -> str:
        """Installed font files change only with their package: path, size and time suffice."""
        brand = self.project.brand(variant.brand)
        paths = [f[3] for f in brand.font_files]
        paths += [f[3] for f in script_font_files(variant.language)]
        return "|".join(f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(paths) if p.exists())

    def titles(self, ids: tuple[str, ...], variant: Variant) -> str:
        """The titles of the other leaflets a text names (a 'see also' line prints them), and
        whether each has a PDF of this edition to link to (`expand.sibling_files`)."""
        linked = sibling_files(self.project, variant)
        return "|".join(f"{l.meta.id}={(l.document(variant.language) or l.documents[0]).title}"
                        f"{'>' + linked[l.meta.id] if l.meta.id in linked else ''}"
                        for l in self.project.leaflets if l.documents and l.meta.id in ids)

    def key(self, variant: Variant) -> str:
        root = self.project.root
        leaflet = self.project.leaflet(variant.leaflet)
        document = leaflet.document(variant.language)
        parts = [
            code_version(), str(variant),
            self.file(document.path), self.file(leaflet.folder / "leaflet.yaml"),
            # Only what this text uses: a new leaflet or an unused picture rebuilds nothing.
            *(f"{p.name}:{self.file(p)}" for p in document.images),
            self.titles(document.leaflet_refs, variant),
            self.tree(root / "templates", skip_names=WEB_FILES), self.tree(root / "styles", skip_names=WEB_FILES),
            self.tree(self.project.brand(variant.brand).folder),
            self.file(root / "locales" / variant.language / "LC_MESSAGES" / "messages.po"),
            self.fonts(variant),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()
