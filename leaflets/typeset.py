"""Typeset stage: HTML → PDF/UA-1 bytes with WeasyPrint, reading only allowed files.

This module is what a worker process imports; `import weasyprint` (~0.5 s) happens once per
worker. A job is a plain picklable value, so any concurrent.futures Executor can run it.

Two guards hold the trust boundary here (`boundary` has the rules): before layout, every URL in
WeasyPrint's own parsed tree of the page is checked (links included, which are never fetched
but would be printed as link annotations); during layout, `GuardedFetcher` checks everything
WeasyPrint asks to read. Either refusal fails the variant.
"""
from __future__ import annotations

import hashlib
import re
from io import BytesIO
import logging
import mimetypes
from collections.abc import Mapping

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from .boundary import resource_refusal, tree_refusals
from .bundle import RefusedResource, Resources, checked_blob, file_path
from .jobs import Job, JobResult
from .postprocess import structure_hints
PAGES_FOR_CONTENTS = 4  # a contents list for leaflets over four pages


class GuardedFetcher(URLFetcher):
    """Serves the job's own files (from its blobs, checked against their digests) and small
    data: images; refuses everything else, without looking at this machine's disk."""

    def __init__(self, resources: Resources, blobs: Mapping[str, bytes] | None = None):
        super().__init__(allowed_protocols={"file", "data"})
        self.resources = resources
        self.blobs = blobs or {}
        self.refused: list[str] = []

    def refuse(self, url: str, why: str):
        shown = url if len(url) < 120 else url[:100] + "…"
        self.refused.append(f"refused to load '{shown}': {why}")
        raise URLFetchingError(why)

    def fetch(self, url, headers=None):
        if why := resource_refusal(url, self.resources):
            self.refuse(url, "not one of the job's files" if why.startswith("file is outside") else why)
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)
        path = file_path(url)
        try:
            body = checked_blob(self.blobs, self.resources.digest(path))
        except (KeyError, OSError, RefusedResource) as exc:
            self.refuse(url, str(exc) if isinstance(exc, RefusedResource) else "the job's blobs lack this file")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


class RefusedContent(Exception):
    """The final page points somewhere it may not: nothing is laid out."""


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, str]] = []

    def emit(self, record):
        severity = "error" if record.levelno >= logging.ERROR else "warning"
        self.records.append((severity, f"WeasyPrint: {record.getMessage()}"))


OPTIONS = dict(pdf_variant="pdf/ua-1", uncompressed_pdf=False)


def _render(html: str, job: Job, fetcher: GuardedFetcher):
    page = weasyprint.HTML(string=html, base_url=job.base_url, url_fetcher=fetcher)
    if refusals := tree_refusals(page.etree_element, page.base_url or job.base_url, fetcher.resources):
        raise RefusedContent("; ".join(refusals))
    return page.render(**OPTIONS)


PRINT_DPI = 300


def low_resolution_images(document) -> list[str]:
    """Raster images printed at under 300 dpi, as messages: print shops reject them."""
    from weasyprint.images import RasterImage

    found = []
    for number, page in enumerate(document.pages, 1):
        for box in page._page_box.descendants():
            image = getattr(box, "replacement", None)
            if isinstance(image, RasterImage) and box.width:
                dpi = image.width / (box.width / 96)  # CSS px are 1/96 in
                if dpi < PRINT_DPI - 0.5:
                    name = (getattr(box, "element", None) is not None and box.element.get("src", "")) or "image"
                    found.append(f"image '{name.rsplit('/', 1)[-1]}' on page {number} prints at {dpi:.0f} dpi "
                                 f"(print shops need {PRINT_DPI} dpi): use a larger picture")
    return found


def foreign_fonts(pdf: bytes, families: tuple[str, ...]) -> list[str]:
    """Fonts in the PDF that are none of `families`: fontconfig took them from the machine for
    characters the brand's fonts lack, so the same input would print differently elsewhere."""
    import pikepdf

    if not families:
        return []
    wanted = tuple(re.sub(r"[^a-z0-9]", "", f.lower()) for f in families)
    found = set()
    with pikepdf.open(BytesIO(pdf)) as document:
        for obj in document.objects:  # pages' fonts and those of pictures (SVG text) alike
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "/BaseFont" in obj \
                    and obj.get("/Subtype") != "/Type0":  # a Type0 font names its descendant, checked itself
                name = str(obj.BaseFont).lstrip("/").split("+", 1)[-1]
                if not re.sub(r"[^a-z0-9]", "", name.lower()).startswith(wanted):
                    found.add(name)
    return [f"text is set in '{name}', a font this brand does not declare (the machine's fontconfig chose it for "
            f"characters the brand's fonts lack): declare a font that has them, or remove those characters"
            for name in sorted(found)]


def typeset(job: Job, blobs: Mapping[str, bytes] | None = None) -> JobResult:
    """Lay out the variant, choose with/without contents list by page count, write PDF bytes.
    `blobs` holds the bytes of the job's files by sha256 (`bundle`)."""
    fetcher = GuardedFetcher(job.resources, blobs)
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        return _typeset(job, fetcher, collect)
    except RefusedContent as refused:
        return JobResult(job.variant_id, None, messages=[("error", f"refused: {refused}")])
    finally:
        logger.removeHandler(collect)


def _typeset(job: Job, fetcher: GuardedFetcher, collect: _Collect) -> JobResult:
    document, use_toc = _layout(job, fetcher)
    identifier = hashlib.sha256(job.variant_id.encode()).hexdigest()[:32].encode()
    # The hints record which HTML element each structure element came from (roles, /Lang,
    # joins across pages); postprocess() reads them and removes them again.
    with structure_hints():
        pdf = document.write_pdf(pdf_identifier=identifier, **OPTIONS)
    messages = collect.records + [("error", r) for r in fetcher.refused]
    result = JobResult(job.variant_id, pdf, len(document.pages), use_toc, messages)
    if job.for_print_shop:  # checked on the layout, so here: a derived print PDF has none of its own
        result.print_messages = [("warning", m) for m in low_resolution_images(document)]
    return result


def _layout(job: Job, fetcher: GuardedFetcher):
    """The laid-out document and whether it has a contents list: one only over four pages."""
    use_toc = job.guess_toc and job.html_with_toc is not None
    document = _render(job.html_with_toc if use_toc else job.html, job, fetcher)
    if use_toc and len(document.pages) <= PAGES_FOR_CONTENTS + 1:
        plain = _render(job.html, job, fetcher)
        if len(plain.pages) <= PAGES_FOR_CONTENTS:
            return plain, False
    elif not use_toc and job.html_with_toc is not None and len(document.pages) > PAGES_FOR_CONTENTS:
        return _render(job.html_with_toc, job, fetcher), True
    return document, use_toc
