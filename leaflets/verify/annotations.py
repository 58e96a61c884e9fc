"""Annotations (ISO 14289-1 7.18): tagged in the structure tree with an alternate description,
pages with annotations in structure order, and the rules for widgets, links, media clips, file
attachments, TrapNet and PrinterMark annotations (7.18.1 to 7.18.8); also the language of an
annotation's /Contents (7.2).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name

from .pdfutil import _array, _examples, _inherited, _int, _is_dict, _key, _name, _number, _pages, _text, _valid_language
from .structure import _Elem

_ANNOT_EXEMPT_FROM_ANNOT_TAG = frozenset({"Widget", "Popup", "Link", "PrinterMark"})


class AnnotationChecks:
    """Every annotation of every page, against the structure element that owns it (/StructParent)."""

    # -- 7.18: annotations --------------------------------------------------------------------------

    def _struct_parent(self, annot: Dictionary) -> _Elem | None:
        elem = self.objr_owner.get(_key(annot))
        if elem is not None:
            return elem
        index = _int(annot.get("/StructParent"))
        if index is None or not self.parent_tree:
            return None
        return self._elem_for(self.parent_tree.get(index))

    def check_annotations(self) -> None:
        no_tabs: list[int] = []
        problems: dict[tuple[str, str], list[str]] = defaultdict(list)
        for number, page in enumerate(self.pdf.pages, 1):
            obj = page.obj
            annots = [a for a in _array(obj.get("/Annots")) if _is_dict(a)]
            if not annots:
                continue
            if _name(obj.get("/Tabs")) != "S":
                no_tabs.append(number)
            crop = _rect(_inherited(obj, "/CropBox")) or _rect(_inherited(obj, "/MediaBox"))
            for annot in annots:
                self._check_annotation(annot, number, crop, problems)
        if no_tabs:
            self.add("7.18.3", f"page(s) {_pages(no_tabs)} have annotations but no /Tabs /S (structure order)")
        for (clause, rule), where in problems.items():
            self.add(clause, f"{rule}: {_examples(where)}")

    def _check_annotation(self, annot: Dictionary, page_no: int, crop, problems) -> None:
        subtype = _name(annot.get("/Subtype")) or "?"
        flags = _int(annot.get("/F")) or 0
        rect = _rect(annot.get("/Rect"))
        hidden = bool(flags & 2)
        outside = crop is not None and rect is not None and (
            rect[0] >= crop[2] or rect[2] <= crop[0] or rect[1] >= crop[3] or rect[3] <= crop[1])
        elem = self._struct_parent(annot)
        parent_type = elem.std if elem is not None else None
        where = f"{subtype} annotation on page {page_no}"
        contents = _text(annot.get("/Contents"))
        if "/Lang" in annot:
            value = _text(annot.get("/Lang"))
            if value is None or not _valid_language(value):
                problems[("7.2", "annotation /Lang is not a valid language identifier")].append(where)
        if contents is not None and not (self.catalog_lang or (elem is not None and elem.lang)
                                         or _text(annot.get("/Lang"))):
            problems[("7.2", "the language of an annotation's /Contents cannot be determined")].append(where)
        if subtype == "TrapNet" and not (hidden or outside):
            problems[("7.18.2", "TrapNet annotations are not permitted")].append(where)
        if subtype == "PrinterMark":
            if elem is not None and not (hidden or outside):
                problems[("7.18.8", "a PrinterMark annotation is included in the structure tree; it must be an artifact")].append(where)
            return
        if subtype == "FileAttachment":
            spec = annot.get("/FS")
            if _is_dict(spec) and "/EF" in spec and not (_text(spec.get("/F")) and _text(spec.get("/UF"))):
                problems[("7.18.7", "file attachment's embedded file specification lacks a non-empty /F and /UF")].append(where)
        if hidden or outside:
            return
        if subtype not in _ANNOT_EXEMPT_FROM_ANNOT_TAG:
            if parent_type != "Annot":
                problems[("7.18.1", "annotation is not nested in an Annot structure element")].append(
                    f"{where} (in {elem.raw if elem is not None else 'no structure element'})")
            alt = _text(elem.obj.get("/Alt")) if elem is not None else None
            if not (contents or alt):
                problems[("7.18.1", "annotation has neither /Contents nor /Alt on its structure element")].append(where)
        if subtype == "Widget":
            field_dict = annot if ("/T" in annot or "/FT" in annot or not _is_dict(annot.get("/Parent"))) else annot.get("/Parent")
            tu = _text(field_dict.get("/TU")) if _is_dict(field_dict) else None
            alt = _text(elem.obj.get("/Alt")) if elem is not None else None
            if not (tu or alt):
                problems[("7.18.1", "form field has neither a /TU name nor /Alt on its structure element")].append(where)
            if parent_type != "Form":
                problems[("7.18.4", "Widget annotation is not nested in a Form structure element")].append(
                    f"{where} (in {elem.raw if elem is not None else 'no structure element'})")
        if subtype == "Link":
            if parent_type != "Link":
                problems[("7.18.5", "Link annotation is not nested in a Link structure element")].append(
                    f"{where} (in {elem.raw if elem is not None else 'no structure element'})")
            if not contents:
                problems[("7.18.5", "Link annotation has no /Contents alternate description")].append(where)
            elif contents.strip() == _link_destination_name(annot):
                problems[("7.18.5", "Link /Contents is the raw destination id, not a description of the link")].append(
                    f"{where} ({contents.strip()!r})")
        for clip in _media_clips(annot):
            if "/CT" not in clip:
                problems[("7.18.6.2", "media clip data has no /CT content type")].append(where)
            alt = clip.get("/Alt")
            items = _array(alt) if isinstance(alt, Array) else None
            if not items or len(items) % 2 or not all(isinstance(i, pikepdf.String) for i in items) \
                    or not any(_text(i) for i in items[1::2]):
                problems[("7.18.6.2", "media clip data has no /Alt alternate description")].append(where)


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
        if depth > 8:
            continue
        if isinstance(node, Array):
            stack.extend((v, depth + 1) for v in node)
            continue
        if not _is_dict(node) or _key(node) in seen:
            continue
        seen.add(_key(node))
        if _name(node.get("/S")) == "MCD" or _name(node.get("/Type")) == "MediaClip":
            yield node
            continue
        for key in ("/R", "/C", "/Next"):
            if key in node:
                stack.append((node.get(key), depth + 1))


def _link_destination_name(annot: Dictionary) -> str | None:
    """The named destination a link jumps to (/Dest, or a GoTo action's /D), if it is a name."""
    dest = annot.get("/Dest")
    action = annot.get("/A")
    if dest is None and _is_dict(action) and _name(action.get("/S")) == "GoTo":
        dest = action.get("/D")
    if isinstance(dest, Name):
        return _name(dest)
    return _text(dest)
