"""The unit of work a worker runs: plain, picklable values with no heavy imports, so the main
process can make jobs without importing WeasyPrint, and any Executor can ship them. A job names
every file it may read by content (`bundle.Resources`); the bytes travel beside it, once per
worker (`bundle`), so a job runs the same on a machine without the project."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .bundle import Resources
from .limits import SECONDS_PER_PDF


@dataclass(frozen=True)
class PrintBoxes:
    """What turns office pages into print-shop pages (`postprocess.bleed`); lengths in mm."""

    bleed_mm: float
    marks_mm: float  # paper beyond the bleed for the crop marks
    band_rgb: str | None = None  # the first page's band colour, #rrggbb (None: no band)
    band_bottom_mm: float = 0.0  # where the band ends, below the trim's top edge

    def __post_init__(self):
        # the marks are drawn in the outer half of the paper beyond the trim: outside the bleed
        if self.marks_mm and self.marks_mm < self.bleed_mm:
            raise ValueError(f"crop marks need at least the bleed ({self.bleed_mm} mm) beyond it")
        if self.band_rgb is not None and not re.fullmatch(r"#[0-9a-f]{6}", self.band_rgb):
            raise ValueError(f"band colour {self.band_rgb!r} is not #rrggbb")


@dataclass(frozen=True)
class Derived:
    """A variant made from this job's PDF instead of being laid out again (`Format.derived_from`):
    the print-shop PDF is the A4 PDF with bleed, crop marks and the band into the bleed."""

    variant_id: str
    boxes: PrintBoxes
    # Links to other leaflets' PDFs name this variant's own sibling files (`expand.sibling_files`):
    # (the source's file name, this variant's), e.g. ("faq-patient-a4.pdf", "faq-patient-print.pdf")
    sibling_names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class Job:
    """Everything needed to make one PDF but the bytes of its files; no project access required."""

    variant_id: str  # str(Variant); also what the PDF's fixed /ID is derived from
    html: str
    html_with_toc: str | None
    base_url: str
    resources: Resources  # the only files the typesetter may read: path as named → sha256
    guess_toc: bool
    language: str = "en"
    bleed_mm: float = 0.0  # print formats: the bleed the BleedBox must show (marks lie outside it)
    font_families: tuple[str, ...] = ()  # the brand's and script fonts: any other font in the PDF is an error
    seconds: float = SECONDS_PER_PDF  # past this the variant fails: hostile input must not hold a worker forever
    code: str = ""  # inputs.code_version() where the job was made: a worker with other code refuses it
    derived: tuple[Derived, ...] = ()  # made from this PDF in the same worker, each verified on its own

    @property
    def for_print_shop(self) -> bool:
        """This PDF, or one derived from it, goes to a print shop: its raster images are checked."""
        return bool(self.bleed_mm) or bool(self.derived)


@dataclass
class JobResult:
    variant_id: str
    pdf: bytes | None
    pages: int = 0
    toc: bool = False
    messages: list[tuple[str, str]] = field(default_factory=list)  # (severity, message)
    print_messages: list[tuple[str, str]] = field(default_factory=list)  # what a print shop would refuse
    derived: list[JobResult] = field(default_factory=list)  # the results of the job's `derived` variants
    seconds: float = 0.0  # how long the job ran in its worker (derived results: 0, counted in their source's)
