"""The content model: frozen, typed values with no I/O. Every value keeps where it came from."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import SourceLocation

# The format id of the web edition: one responsive HTML page per leaflet, audience, language and
# brand (not per paper format), built beside the PDFs (`web`); `--format web` selects it.
WEB = "web"


@dataclass(frozen=True, order=True)
class Variant:
    """One PDF (or web page) to build: ids only, so it is hashable, sortable and readable as a test id."""

    leaflet: str
    audience: str
    language: str
    brand: str
    format: str

    def __str__(self) -> str:
        return f"{self.leaflet}/{self.audience}/{self.language}/{self.brand}/{self.format}"

    @property
    def output_path(self) -> str:
        """Where the PDF (or the web edition's page) goes, relative to output/."""
        if self.format == WEB:
            return f"{self.brand}/{self.language}/{self.leaflet}-{self.audience}.html"
        return f"{self.brand}/{self.language}/{self.leaflet}-{self.audience}-{self.format}.pdf"


@dataclass(frozen=True)
class Source:
    """A publication that facts in the leaflet come from."""

    key: str
    title: str
    publisher: str
    year: int | None
    authors: str = ""
    url: str = ""
    doi: str = ""
    pmid: str = ""
    where: SourceLocation = SourceLocation("")


@dataclass(frozen=True)
class Approval:
    """Who signed off one language's text, and which text (leaflet.yaml `approvals`)."""

    language: str
    by: str
    role: str
    date: date
    text: str  # 12-hex digest of the approved text (`approval.digest`); another text is a draft
    where: SourceLocation = SourceLocation("")


@dataclass(frozen=True)
class LeafletMeta:
    """Facts about a leaflet that do not change per language (content/<id>/leaflet.yaml)."""

    id: str
    version: str
    published: date
    review_by: date
    owner: str | tuple[tuple[str, str], ...]  # one name, or (language, name) pairs

    def owner_in(self, language: str) -> str:
        """The owner's name as printed in this language (falls back to the source language)."""
        if isinstance(self.owner, str):
            return self.owner
        names = dict(self.owner)
        return names.get(language) or names.get(self.source_language) or next(iter(names.values()))
    source_language: str
    audiences: tuple[str, ...]
    sources: tuple[Source, ...]
    where: SourceLocation
    languages: tuple[str, ...] = ()  # required languages (missing ones are reported by `check`)
    review_by_line: int = 0  # where review_by stands in leaflet.yaml, for `check` messages
    owner_line: int = 0  # where owner stands in leaflet.yaml
    approvals: tuple[Approval, ...] = ()
    approvals_line: int = 0  # where approvals stands in leaflet.yaml (0: not there)

    def approval(self, language: str) -> Approval | None:
        return next((a for a in self.approvals if a.language == language), None)


@dataclass(frozen=True)
class Markdown:
    """A run of plain Markdown between blocks."""

    text: str
    where: SourceLocation
    kind: str = "markdown"


@dataclass(frozen=True)
class Block:
    """A structured block (`/// kind | title`). `options` is the block type's own typed model."""

    kind: str
    title: str
    options: object
    children: tuple["Node", ...]
    where: SourceLocation


Node = Markdown | Block


@dataclass(frozen=True)
class Document:
    """One language version of one leaflet (content/<id>/<lang>.md), validated."""

    leaflet: str
    language: str
    title: str
    summary: str
    keywords: tuple[str, ...]
    translation_of: str | None
    body: tuple[Node, ...]
    path: Path
    where: SourceLocation
    source_hash: str = ""  # sha256 of this file's bytes
    translated_from_hash: str = ""  # translations: 12-hex sha256 prefix of the source file they follow
    summary_professional: str = ""
    source_hash_line: int = 1  # where source_hash stands (or would go) in the front matter
    images: tuple[Path, ...] = ()  # the picture files the text shows (resolved)
    leaflet_refs: tuple[str, ...] = ()  # ids of the other leaflets it names (their titles are printed)
    translated_sections: tuple[tuple[str, str], ...] = ()  # translations: (section title, hash) of the source then
    text_hash: str = ""  # sha256 of the file without translation bookkeeping: what an approval covers

    def summary_for(self, audience: str) -> str:
        """The one-sentence summary under the title, as this edition's readers need it."""
        return self.summary_professional if audience == "professional" and self.summary_professional else self.summary


@dataclass(frozen=True)
class Leaflet:
    """A leaflet family: its metadata plus every language it is written in."""

    meta: LeafletMeta
    documents: tuple[Document, ...]
    folder: Path

    def document(self, language: str) -> Document | None:
        return next((d for d in self.documents if d.language == language), None)


@dataclass(frozen=True, kw_only=True)
class Brand:
    """An organisation's look and contact details (brands/<id>/brand.yml, Posit brand.yml keys)."""

    id: str
    name: str
    link: str
    logo: Path | None
    logo_alt: str
    foreground: str
    background: str
    primary: str
    accent_background: str
    font_family: str
    font_files: tuple[tuple[str, str, str, Path], ...]  # (family, style, CSS weight or range, file)
    contact: tuple[tuple[str, str], ...]  # (label key, value): address, phone, email, website
    footer: str
    folder: Path
    where: SourceLocation
    default_language: str = "nl"
    paper: str = "a4"  # "a4" or "letter": the brand's office paper (recommended in the catalogue)
    web_base: str = ""  # where output/<brand>/ is published (no trailing /): the PDFs get a QR code to the web edition
    disclaimer: tuple[tuple[str, str], ...] = ()  # (language, text): the brand's own note
    disclaimer_line: int = 0  # where leaflets.disclaimer stands in brand.yml
    logo_has_name: bool = False  # the logo shows the brand's name, so the cover prints it only once

    def disclaimer_for(self, language: str) -> str:
        return dict(self.disclaimer).get(language, "")


# CSS's named page sizes (css-page-3, `size`) in mm, portrait.
PAGE_SIZES_MM = {"a5": (148, 210), "a4": (210, 297), "a3": (297, 420), "b5": (176, 250), "b4": (250, 353),
                 "jis-b5": (182, 257), "jis-b4": (257, 364), "letter": (215.9, 279.4), "legal": (215.9, 355.6),
                 "ledger": (279.4, 431.8)}


BAND_EDGE_MM = 5.0  # the first page's colour band: its top edge below the paper's top on office paper
BAND_HEIGHT_MM = 5.0  # ... and its height there; in print it runs from the bleed edge to the same line


@dataclass(frozen=True)
class Format:
    """A paper format: one registry entry plus its stylesheet.

    A format with `imposed_from` is not typeset: it is made from that format's PDF (e.g. the
    booklet is the A5 PDF imposed two-up for folding) and is a print product, not tagged.
    A format with `derived_from` is not typeset either: its pages are that format's pages on
    larger paper (the print-shop PDF is the A4 layout plus bleed, crop marks and the band run
    into the bleed, `postprocess.bleed`), tagged and verified like any other variant. Its
    stylesheet must give the same layout, so a preview or a direct typesetting matches.
    """

    id: str
    page: str  # CSS @page size
    css: str  # file under styles/
    description: str
    min_body_pt: float = 11.0
    words_per_page: int = 420  # for guessing whether a contents list is needed
    margins_mm: tuple[float, float, float, float] = (20, 18, 22, 18)  # top, right, bottom, left
    bleed_mm: float = 0.0
    crop_marks: bool = False
    marks_mm: float = 0.0  # paper beyond the bleed for crop marks, so they never touch the bleed
    short_footer: bool = False  # only title and page number in the running footer
    imposed_from: str | None = None
    derived_from: str | None = None

    @property
    def band_inset_mm(self) -> float:
        """How far inside the paper edge the first page's colour band starts: office printers
        leave about 5 mm at every edge unprinted; a print-shop format runs it into the bleed."""
        return -self.bleed_mm if self.bleed_mm else BAND_EDGE_MM

    @property
    def band_bottom_mm(self) -> float:
        """Where the band ends below the paper's top: the same line on every format, so the
        print-shop PDF's band covers the A4 band it is derived from."""
        return BAND_EDGE_MM + BAND_HEIGHT_MM

    @property
    def size_mm(self) -> tuple[float, float]:
        """Width and height of the page, from its CSS `size` (`A4`, `letter`, `A4 landscape`)."""
        words = self.page.lower().split()
        width, height = PAGE_SIZES_MM[words[0]]
        return (height, width) if "landscape" in words else (width, height)


@dataclass(frozen=True)
class Project:
    """Everything the build reads, validated."""

    root: Path
    leaflets: tuple[Leaflet, ...]
    brands: tuple[Brand, ...]
    formats: tuple[Format, ...]

    def leaflet(self, leaflet_id: str) -> Leaflet:
        return next(l for l in self.leaflets if l.meta.id == leaflet_id)

    def brand(self, brand_id: str) -> Brand:
        return next(b for b in self.brands if b.id == brand_id)

    def format(self, format_id: str) -> Format:
        return next(f for f in self.formats if f.id == format_id)
