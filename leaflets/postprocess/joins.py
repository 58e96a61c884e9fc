"""Gap 2, one logical structure: an element that a page break cut in two (<main>'s Part,
section, list, list item, paragraph, link …) is one element again.

With structure hints, pieces of one HTML element are joined exactly; without, <main>'s Parts
and the cuts that can be told from the structure alone (a section that continues without a
heading, a list, a list item without its label, a link cut by a line break). The joined
element reaches its other pages' content through /MCR, written by `write`.
"""
from __future__ import annotations

from pikepdf import Dictionary

from .tree import Annot, Node

HEADINGS = frozenset(("/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"))


def join_cut_elements(node: Node, hinted: bool) -> None:
    """Join siblings that are two pieces of one element cut by a page break, at every depth."""
    kids: list = []
    for kid in node.kids:
        previous = kids[-1] if kids else None
        if isinstance(kid, Node) and isinstance(previous, Node) and _continues(previous, kid, hinted):
            previous.kids += kid.kids
            previous.last = kid.last
        else:
            kids.append(kid)
    node.kids = kids
    for kid in kids:
        if isinstance(kid, Node):
            join_cut_elements(kid, hinted)


def _continues(before: Node, after: Node, hinted: bool) -> bool:
    """Is `after` the rest of `before`, cut by a page break (or, for inline elements, a line break)?"""
    if before.kind != after.kind:
        return False
    if hinted:
        # WeasyPrint makes one structure element per box, and a box per page and per line.
        return before.element is not None and (before.element, before.tag) == (after.element, after.tag)
    if before.kind == "/Link":
        return _target(before) is not None and _target(before) == _target(after)  # a link cut by a line break
    if before.last is None or after.first is None or before.last >= after.first:
        return False
    if before.kind == "/Part":
        return True  # WeasyPrint's Part is <main>; there is one
    first = next((kid for kid in after.kids if isinstance(kid, Node)), None)
    if before.kind == "/Sect":
        return first is not None and first.kind not in HEADINGS  # a new section starts with its heading
    if before.kind == "/L":
        return True
    if before.kind == "/LI":
        return _has_label(before) and not _has_label(after)  # only the first piece draws the marker
    return False


def _target(link: Node) -> str | None:
    """Where a Link's (last) annotation goes: its /Dest, or its action's /URI or /D."""
    for kid in reversed(link.kids):
        if isinstance(kid, Annot) and isinstance(kid.objr.get("/Obj"), Dictionary):
            annotation = kid.objr.Obj
            action = annotation.get("/A")
            target = annotation.get("/Dest") or (action.get("/URI") or action.get("/D") if action is not None else None)
            return None if target is None else repr(target)
    return None


def _has_label(item: Node) -> bool:
    return any(isinstance(kid, Node) and kid.kind == "/Lbl" for kid in item.kids)
