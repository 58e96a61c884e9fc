"""The unit of work a worker runs: plain, picklable values with no heavy imports, so the main
process can make jobs without importing WeasyPrint, and any Executor can ship them. A job names
every file it may read by content (`bundle.Resources`); the bytes travel beside it, once per
worker (`bundle`), so a job runs the same on a machine without the project."""
from __future__ import annotations

from dataclasses import dataclass, field

from .bundle import Resources
from .limits import SECONDS_PER_PDF


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


@dataclass
class JobResult:
    variant_id: str
    pdf: bytes | None
    pages: int = 0
    toc: bool = False
    messages: list[tuple[str, str]] = field(default_factory=list)  # (severity, message)
