"""The unit of work a worker runs: plain, picklable values with no heavy imports, so the main
process can make jobs without importing WeasyPrint, and any Executor can ship them."""
from __future__ import annotations

from dataclasses import dataclass, field

from .limits import SECONDS_PER_PDF


@dataclass(frozen=True, kw_only=True)
class Job:
    """Everything needed to make one PDF; no project access required."""

    variant_id: str  # str(Variant); also what the PDF's fixed /ID is derived from
    html: str
    html_with_toc: str | None
    base_url: str
    allowed_roots: tuple[str, ...]  # boundary.AllowedRoots.paths: what the typesetter may read
    guess_toc: bool
    language: str = "en"
    bleed_mm: float = 0.0  # print formats: the bleed the BleedBox must show (marks lie outside it)
    font_families: tuple[str, ...] = ()  # the brand's and script fonts: any other font in the PDF is an error
    seconds: float = SECONDS_PER_PDF  # past this the variant fails: hostile input must not hold a worker forever


@dataclass
class JobResult:
    variant_id: str
    pdf: bytes | None
    pages: int = 0
    toc: bool = False
    messages: list[tuple[str, str]] = field(default_factory=list)  # (severity, message)
