"""Annotations (ISO 14289-1 7.18): tagged in the structure tree with an alternate description,
pages with annotations in structure order, and the rules for widgets, links, media clips, file
attachments, TrapNet and PrinterMark annotations (7.18.1 to 7.18.8); also the language of an
annotation's /Contents (7.2).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name

from .findings import Finding
from .pdfutil import _array, _examples, _inherited, _int, _is_dict, _key, _name, _number, _pages, _text, _valid_language
from .structure import StructElem

if TYPE_CHECKING:
    from .index import PdfIndex

_ANNOT_EXEMPT_FROM_ANNOT_TAG = frozenset({"Widget", "Popup", "Link", "PrinterMark"})
_HIDDEN = 2  # annotation flag bit 2 (ISO 32000-1 Table 165)
_MAX_ACTION_DEPTH = 8  # rendition actions chained deeper than this are not followed
#: One broken rule: (clause, rule, where).
Problem = tuple[str, str, str]


@dataclass(frozen=True)
class _Annot:
    """One annotation, with what its rules look at."""

    obj: Dictionary
    subtype: str
    where: str  # "Link annotation on page 3"
    exempt: bool  # hidden, or outside the crop box: most rules do not apply
    elem: StructElem | None  # the structure element it belongs to
    contents: str | None

    @property
    def parent_type(self) -> str | None:
        return self.elem.std if self.elem is not None else None

    @property
    def alt(self) -> str | None:
        return _text(self.elem.obj.get("/Alt")) if self.elem is not None else None

    def inside(self) -> str:
        return f"{self.where} (in {self.elem.raw if self.elem is not None else 'no structure element'})"


def check_annotations(index: PdfIndex) -> list[Finding]:
    no_tabs: list[int] = []
    other_tabs: list[int] = []
    problems: dict[tuple[str, str], list[str]] = defaultdict(list)
    for number, page in enumerate(index.pages, 1):
        annots = [a for a in _array(page.get("/Annots")) if _is_dict(a)]
        if not annots:
            continue
        if "/Tabs" not in page:
            no_tabs.append(number)
        elif _name(page.get("/Tabs")) != "S":
            other_tabs.append(number)
        crop = _rect(_inherited(page, "/CropBox")) or _rect(_inherited(page, "/MediaBox"))
        for annot in annots:
            for clause, rule, where in _problems(_read(index, annot, number, crop), index.catalog_lang):
                problems[(clause, rule)].append(where)
    out = [Finding("7.18.3", f"page(s) {_pages(no_tabs)} have annotations but no /Tabs /S (structure order)")] if no_tabs else []
    out += [Finding("7.18.3", f"page(s) {_pages(other_tabs)} have annotations and a /Tabs other than /S (structure "
                              "order)")] if other_tabs else []
    return out + [Finding(clause, f"{rule}: {_examples(where)}") for (clause, rule), where in problems.items()]


def _read(index: PdfIndex, annot: Dictionary, page_no: int, crop: tuple | None) -> _Annot:
    subtype = _name(annot.get("/Subtype")) or "?"
    rect = _rect(annot.get("/Rect"))
    outside = crop is not None and rect is not None and (
        rect[0] >= crop[2] or rect[2] <= crop[0] or rect[1] >= crop[3] or rect[3] <= crop[1])
    hidden = bool((_int(annot.get("/F")) or 0) & _HIDDEN)
    return _Annot(annot, subtype, f"{subtype} annotation on page {page_no}", hidden or outside,
                  index.structure.annotation_owner(annot), _text(annot.get("/Contents")))


def _problems(a: _Annot, catalog_lang: str | None) -> list[Problem]:
    """The rules this annotation breaks, in a fixed order (findings list rules as first met)."""
    out = _language(a, catalog_lang)
    if a.subtype == "TrapNet" and not a.exempt:
        out.append(("7.18.2", "TrapNet annotations are not permitted", a.where))
    if a.subtype == "PrinterMark":
        if a.elem is not None and not a.exempt:
            out.append(("7.18.8", "a PrinterMark annotation is included in the structure tree; it must be an artifact",
                        a.where))
        if not a.exempt and not _appearance_is_artifact(a.obj):
            out.append(("7.18.8", "a PrinterMark annotation's appearance is not marked as an /Artifact", a.where))
        return out
    out += _file_attachment(a)  # checked for hidden annotations too
    if a.exempt:
        return out
    return out + _tagging(a) + _widget(a) + _link(a) + list(_media_clip_problems(a))


def _language(a: _Annot, catalog_lang: str | None) -> list[Problem]:
    out = []
    lang = _text(a.obj.get("/Lang"))
    if "/Lang" in a.obj and (lang is None or not _valid_language(lang)):
        out.append(("7.2", "annotation /Lang is not a valid language identifier", a.where))
    if a.contents is not None and not (catalog_lang or (a.elem is not None and a.elem.lang) or lang):
        out.append(("7.2", "the language of an annotation's /Contents cannot be determined", a.where))
    return out


def _file_attachment(a: _Annot) -> list[Problem]:
    spec = a.obj.get("/FS") if a.subtype == "FileAttachment" else None
    if _is_dict(spec) and "/EF" in spec and not (_text(spec.get("/F")) and _text(spec.get("/UF"))):
        return [("7.18.7", "file attachment's embedded file specification lacks a non-empty /F and /UF", a.where)]
    return []


def _tagging(a: _Annot) -> list[Problem]:
    """7.18.1: annotations other than widgets, links, popups and printer marks sit in an Annot element."""
    if a.subtype in _ANNOT_EXEMPT_FROM_ANNOT_TAG:
        return []
    out = []
    if a.parent_type != "Annot":
        out.append(("7.18.1", "annotation is not nested in an Annot structure element", a.inside()))
    if not (a.contents or a.alt):
        out.append(("7.18.1", "annotation has neither /Contents nor /Alt on its structure element", a.where))
    return out


def _widget(a: _Annot) -> list[Problem]:
    if a.subtype != "Widget":
        return []
    annot = a.obj
    is_field = "/T" in annot or "/FT" in annot or not _is_dict(annot.get("/Parent"))
    field = annot if is_field else annot.get("/Parent")
    out = []
    if not (_text(field.get("/TU")) if _is_dict(field) else None) and not a.alt:
        out.append(("7.18.1", "form field has neither a /TU name nor /Alt on its structure element", a.where))
    if a.parent_type != "Form":
        out.append(("7.18.4", "Widget annotation is not nested in a Form structure element", a.inside()))
    return out


def _link(a: _Annot) -> list[Problem]:
    if a.subtype != "Link":
        return []
    out = []
    if a.parent_type != "Link":
        out.append(("7.18.5", "Link annotation is not nested in a Link structure element", a.inside()))
    if not a.contents:
        out.append(("7.18.5", "Link annotation has no /Contents alternate description", a.where))
    elif a.contents.strip() == _link_destination_name(a.obj):
        out.append(("7.18.5", "Link /Contents is the raw destination id, not a description of the link",
                    f"{a.where} ({a.contents.strip()!r})"))
    return out


def _media_clip_problems(a: _Annot) -> Iterator[Problem]:
    """7.18.6.2: media clip data has a content type and an alternate description."""
    for clip in _media_clips(a.obj):
        if "/CT" not in clip:
            yield "7.18.6.2", "media clip data has no /CT content type", a.where
        alt = clip.get("/Alt")
        items = _array(alt) if isinstance(alt, Array) else None
        if not items or len(items) % 2 or not all(isinstance(i, pikepdf.String) for i in items) \
                or not any(_text(i) for i in items[1::2]):
            yield "7.18.6.2", "media clip data has no /Alt alternate description", a.where


_APPEARANCE_OPERATORS = "BDC BMC EMC Tj TJ ' \" S s f F f* B B* b b* sh Do EI"
_MARKING = frozenset({"BDC", "BMC", "EMC"})


def _appearance_is_artifact(annot: Dictionary) -> bool:
    """Matterhorn 28-018: everything a PrinterMark's normal appearance paints is in /Artifact marked content."""
    normal = annot.get("/AP").get("/N") if _is_dict(annot.get("/AP")) else None
    streams = [normal] if isinstance(normal, pikepdf.Stream) else \
        [v for v in normal.values() if isinstance(v, pikepdf.Stream)] if _is_dict(normal) else []
    return all(_painted_in_artifacts(stream) for stream in streams)


def _painted_in_artifacts(stream: pikepdf.Stream) -> bool:
    try:
        instructions = pikepdf.parse_content_stream(stream, _APPEARANCE_OPERATORS)
    except pikepdf.PdfError:
        return False
    tags: list[str | None] = []
    for instruction in instructions:
        operator = str(instruction.operator)
        if operator == "EMC":
            tags = tags[:-1]
        elif operator in _MARKING:
            tags.append(_name(instruction.operands[0]) if instruction.operands else None)
        elif "Artifact" not in tags:
            return False
    return True


def _rect(value: Any) -> tuple[float, float, float, float] | None:
    if not isinstance(value, Array) or len(value) != 4:
        return None
    numbers = [_number(v) for v in value]
    if any(n is None for n in numbers):
        return None
    x1, y1, x2, y2 = numbers  # type: ignore[misc]
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _media_clips(annot: Dictionary) -> Iterator[Dictionary]:
    """Media clip data dictionaries reachable from an annotation's actions (Screen annotations)."""
    stack: list[tuple[Any, int]] = [(annot.get("/A"), 0)]
    additional = annot.get("/AA")
    if _is_dict(additional):
        stack.extend((v, 0) for v in additional.values())
    seen: set = set()
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_ACTION_DEPTH:
            continue
        if isinstance(node, Array):
            stack.extend((v, depth + 1) for v in node)
        if not _is_dict(node) or _key(node) in seen:
            continue
        seen.add(_key(node))
        if _name(node.get("/S")) == "MCD" or _name(node.get("/Type")) == "MediaClip":
            yield node
        else:
            stack.extend((node.get(key), depth + 1) for key in ("/R", "/C", "/Next") if key in node)


def _link_destination_name(annot: Dictionary) -> str | None:
    """The named destination a link jumps to (/Dest, or a GoTo action's /D), if it is a name."""
    dest = annot.get("/Dest")
    action = annot.get("/A")
    if dest is None and _is_dict(action) and _name(action.get("/S")) == "GoTo":
        dest = action.get("/D")
    if isinstance(dest, Name):
        return _name(dest)
    return _text(dest)
