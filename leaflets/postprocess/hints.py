"""The structure hints hook: WeasyPrint 70 does not write down which HTML element a structure
element came from; while `structure_hints()` is active, each one notes it.

Closes gap 4 here, in WeasyPrint's own structure elements: /Lang from an element's `lang`
attribute, /ActualText in logical order for right-to-left text blocks. The notes it leaves
(/LeafletsElement, /LeafletsTag, read by `tree`; /LeafletsMargin, read by `artifacts`) are what
make gap 3 (roles) closable at all and let gap 2 join every element cut at a page break
exactly; `write` removes them again.

The patch of `weasyprint.pdf.tags._build_box_tree` and the count of its users live here, in
module globals, so nested and concurrent uses share one patch.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

HINT_ELEMENT = "LeafletsElement"  # number of the HTML element (and pseudo-element) it came from
HINT_TAG = "LeafletsTag"          # its HTML tag, e.g. 'aside', 'dt', 'a::after', 'a::after::leader'
HINT_MARGIN = "LeafletsMargin"    # the @page margin box it was drawn in, e.g. '@bottom-left'
HINT_KEYS = tuple("/" + key for key in (HINT_ELEMENT, HINT_TAG, HINT_MARGIN))

_hint_lock = threading.Lock()
_hint_users = 0
_original_build = None


def _hinted_build(box, parent, pdf, page_number, nums, annotations, tags):
    """WeasyPrint's `_build_box_tree`, noting on each structure element where it came from."""
    import pydyf
    from weasyprint.formatting_structure import boxes

    state = pdf.__dict__.setdefault("_leaflets_hints", {"ids": {}, "margin": None})
    source = getattr(box, "_box", box)  # an AbsolutePlaceholder wraps the real box
    if isinstance(source, boxes.MarginBox):
        state["margin"] = source.at_keyword
        try:
            yield from _original_build(box, parent, pdf, page_number, nums, annotations, tags)
        finally:
            state["margin"] = None
        return
    for element in _original_build(box, parent, pdf, page_number, nums, annotations, tags):
        # Elements passed up from html/body/page boxes were noted by the call that made them.
        if HINT_TAG not in element and HINT_MARGIN not in element:
            if state["margin"]:
                element[HINT_MARGIN] = pydyf.String(state["margin"])
            elif source.element is not None and not isinstance(source, boxes.PageBox) \
                    and source.element_tag not in ("html", "body"):
                tag = source.element_tag + ("::leader" if source.is_leader else "")
                ids = state["ids"]
                element[HINT_ELEMENT] = ids.setdefault((id(source.element), tag), len(ids) + 1)
                element[HINT_TAG] = pydyf.String(tag)
                lang = source.element.get("lang")
                if lang and "::" not in tag:
                    element["Lang"] = pydyf.String(lang)
                if tag in _TEXT_BLOCKS and source.style["direction"] == "rtl":
                    # Right-to-left runs are drawn in visual order, and readers differ in how they
                    # put marks and ligatures back; /ActualText gives them the text as written.
                    text = " ".join("".join(source.element.itertext()).split())
                    if text:
                        element["ActualText"] = pydyf.String(text)
        yield element


_TEXT_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "caption", "th", "td"}


@contextmanager
def structure_hints() -> Iterator[None]:
    """While active, WeasyPrint's structure elements note the HTML element they came from.

    Wrap `document.write_pdf(...)` in it, then run `postprocess`, which reads and removes the
    notes. Safe to nest and to use from several threads (the patch stays while anyone uses it).
    """
    global _hint_users, _original_build
    from weasyprint.pdf import tags

    with _hint_lock:
        if _hint_users == 0:
            _original_build = tags._build_box_tree
            tags._build_box_tree = _hinted_build
        _hint_users += 1
    try:
        yield
    finally:
        with _hint_lock:
            _hint_users -= 1
            if _hint_users == 0:
                tags._build_box_tree = _original_build
