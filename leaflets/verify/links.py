"""Links between content and structure, checked in both directions (ISO 14289-1 7.1, 7.18.1,
7.18.4 and 7.18.5; ISO 32000-1 14.7.2 and 14.7.4.4).

The structure side says which content an element owns (its /K: MCIDs, MCRs, OBJRs); the content
side says which element owns a piece of content (a page's or form's /StructParents, an
annotation's /StructParent, each a key into the ParentTree). Assistive technology mostly reads
from the content side ("what is under the cursor", "which element owns this link"), so a
verifier that only walks the tree passes PDFs that a screen reader trips over. For every
marked-content sequence with an MCID and every tagged annotation the two sides must name the
same element, and every element's /P must be the element (or StructTreeRoot) that holds it.

Content that neither side claims is not reported here: `content.py` reports it (7.1, 01-005),
and `annotations.py` reports untagged annotations (28-002, 28-010, 28-011).
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from pikepdf import Array

from .findings import Finding
from .pdfutil import _array, _examples, _int, _is_dict, _key, _name, _pages
from .structure import StructElem, StructTree

if TYPE_CHECKING:
    from .index import PdfIndex

#: Where an annotation whose two links disagree is reported: the clause and Matterhorn condition
#: of "is (not) nested in its structure element", by annotation subtype.
_ANNOT_CLAUSE = {"Link": ("7.18.5", "28-011"), "Widget": ("7.18.4", "28-010")}
_OTHER_ANNOT = ("7.18.1", "28-002")


def check_content_links(index: PdfIndex) -> list[Finding]:
    """7.1 (01-005): every MCID the structure tree owns is found again through its stream's
    /StructParents and the ParentTree, at the same element; and the reverse."""
    tree = index.structure
    if not tree.elements:
        return []
    no_key: set[int] = set()
    problems: dict[str, list[str]] = defaultdict(list)
    seen: set = set()
    for marked in index.content.marked:
        key = (marked.owner_key, marked.mcid)
        if key in seen:
            continue
        seen.add(key)
        owner = tree.mcid_owner.get(key)
        where = f"page {marked.page_no} MCID {marked.mcid}" + (" in a form XObject" if marked.in_form else "")
        if marked.struct_parents is None:
            if owner is not None:
                no_key.add(marked.page_no)
            continue
        entry = tree.parent_tree.get(marked.struct_parents)
        if not isinstance(entry, Array):
            if owner is not None:
                problems[f"the ParentTree has no array for /StructParents {marked.struct_parents}"].append(where)
            continue
        listed = tree.element_for(entry[marked.mcid]) if 0 <= marked.mcid < len(entry) else None
        problem = _disagreement(owner, listed)
        if problem:
            problems[problem].append(f"{where} ({_names(owner, listed)})")
    out = [Finding("7.1", f"page(s) {_pages(no_key)} have tagged content (MCIDs) but no /StructParents: its structure "
                          "element cannot be found from the content", "01-005")] if no_key else []
    return out + [Finding("7.1", f"{problem}: {_examples(where)}", "01-005") for problem, where in problems.items()]


def _disagreement(owner: StructElem | None, listed: StructElem | None) -> str:
    """What is wrong when the structure tree says `owner` and the ParentTree says `listed`."""
    if owner is None and listed is None:
        return ""  # neither side claims it: content.py reports untagged content
    if listed is None:
        return "the ParentTree does not lead to the element that owns the marked content"
    if owner is None:
        return "the ParentTree names an element that does not contain the marked content (no MCID or MCR)"
    return "" if listed is owner else "the ParentTree and the structure tree name different elements"


def _names(owner: StructElem | None, listed: StructElem | None) -> str:
    return f"tree: {owner.label() if owner else 'none'}, ParentTree: {listed.label() if listed else 'none'}"


def check_annotation_links(index: PdfIndex) -> list[Finding]:
    """7.18.1/7.18.4/7.18.5: a tagged annotation's /StructParent leads through the ParentTree to
    the element whose OBJR names it. PrinterMarks are left to 7.18.8 (they must not be tagged)."""
    tree = index.structure
    problems: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for number, page in enumerate(index.pages, 1):
        for annot in (a for a in _array(page.get("/Annots")) if _is_dict(a)):
            subtype = _name(annot.get("/Subtype")) or "?"
            if subtype == "PrinterMark":
                continue
            problem = _annotation_problem(tree, annot)
            if problem:
                clause, condition = _ANNOT_CLAUSE.get(subtype, _OTHER_ANNOT)
                problems[(clause, condition, problem)].append(f"{subtype} annotation on page {number}")
    return [Finding(clause, f"{problem}: {_examples(where)}", condition)
            for (clause, condition, problem), where in problems.items()]


def _annotation_problem(tree: StructTree, annot: Any) -> str:
    by_objr = tree.objr_owner.get(_key(annot))
    parent = _int(annot.get("/StructParent"))
    listed = tree.element_for(tree.parent_tree.get(parent)) if parent is not None else None
    if by_objr is None and listed is None:
        return "" if parent is None or parent not in tree.parent_tree else \
            "the annotation's /StructParent leads to no element of the structure tree"
    if parent is None:
        return "a tagged annotation (an OBJR names it) has no /StructParent, so its element cannot be found from it"
    if listed is None:
        return "the annotation's /StructParent has no element in the ParentTree"
    if by_objr is None:
        return "the ParentTree names an element for the annotation that has no OBJR to it"
    return "" if listed is by_objr else "the annotation's /StructParent and its OBJR name different elements"


def check_parent_links(index: PdfIndex) -> list[Finding]:
    """7.1 (ISO 32000-1 Table 323): every element's /P is the element, or the StructTreeRoot,
    that holds it. Not a Matterhorn condition; a reader going up from content depends on it."""
    tree = index.structure
    wrong = []
    for elem in tree.elements:
        expected = tree.elements[elem.parent - 1].obj if elem.parent is not None else tree.root
        actual = elem.obj.get("/P")
        if expected is not None and not (_is_dict(actual) and _key(actual) == _key(expected)):
            wrong.append(elem.label() + (" (no /P)" if actual is None else ""))
    if not wrong:
        return []
    return [Finding("7.1", f"structure element's /P is not the element that contains it: {_examples(wrong)}")]
