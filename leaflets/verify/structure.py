"""The structure tree: read once into a `StructTree` of `StructElem`s, then checked.

ISO 14289-1 7.1 (a loop-free tree with elements; role mapping to standard types), 7.2 (language
of /Alt, /ActualText, /E), 7.3 (Figure alternative text), 7.4.2 and 7.4.4 (headings), 7.7
(Formula alternative text), 7.9 (Note IDs) and 7.18.4 (Form elements without a Role). What
tables, lists and TOCs may contain is in `nesting.py`, table regularity and headers in `tables.py`.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name

from .findings import Finding
from .pdfutil import _array, _examples, _int, _is_dict, _key, _name, _text

if TYPE_CHECKING:
    from .index import PdfIndex

#: ISO 32000-1:2008, 14.8.4: the standard structure types of PDF 1.7.
STANDARD_TYPES = frozenset(
    "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private "
    "P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot "
    "Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP "
    "Figure Formula Form".split()
)
_HEADING = re.compile(r"H([1-6])")
#: Grouping elements that are transparent when checking what an element contains or sits in
#: (a TR wrapped in a Div is still a row of its Table), as veraPDF treats them.
_PASS_THROUGH = frozenset({"NonStruct", "Div", "Part"})


@dataclass(frozen=True)
class StructElem:
    """One structure element. Parent and kids are element numbers, so the tree stays immutable."""

    obj: Dictionary
    raw: str  # /S as written
    std: str | None  # the standard type after role mapping; None when it maps to none
    number: int  # 1-based, in document order: findings name elements as "P #3"
    parent: int | None
    lang: str | None  # effective language: own /Lang or inherited from ancestors
    kids: tuple[int, ...] = ()

    def label(self) -> str:
        shown = self.raw if self.std == self.raw or self.std is None else f"{self.raw} (as {self.std})"
        return f"{shown} #{self.number}"


@dataclass(frozen=True)
class StructTree:
    """The structure tree as the checks need it; `present` is False when the catalog has none."""

    present: bool = False
    elements: tuple[StructElem, ...] = ()
    role_map: dict[str, Any] = field(default_factory=dict)  # type name -> what /RoleMap maps it to
    types: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # see `resolve_type`
    class_map: Any = None
    parent_tree: dict[int, Any] = field(default_factory=dict)
    mcid_owner: dict[tuple[Any, int], StructElem] = field(default_factory=dict)  # (page or form, MCID)
    objr_owner: dict[Any, StructElem] = field(default_factory=dict)  # object key -> element
    by_key: dict[Any, StructElem] = field(default_factory=dict)
    has_loop: bool = False
    root: Any = None  # the StructTreeRoot dictionary: the /P of top-level elements

    def parent_type(self, elem: StructElem) -> str | None:
        """The standard type of the nearest ancestor that is not a transparent grouping element."""
        number = elem.parent
        while number is not None and self.elements[number - 1].std in _PASS_THROUGH:
            number = self.elements[number - 1].parent
        return None if number is None else self.elements[number - 1].std

    def significant_kids(self, elem: StructElem) -> list[StructElem]:
        """Children, with NonStruct/Div/Part grouping elements replaced by their own children."""
        out: list[StructElem] = []
        stack = [self.elements[n - 1] for n in reversed(elem.kids)]
        while stack:
            kid = stack.pop()
            if kid.std in _PASS_THROUGH:
                stack.extend(self.elements[n - 1] for n in reversed(kid.kids))
            else:
                out.append(kid)
        return out

    def kid_types(self, elem: StructElem) -> list[str]:
        return [k.std for k in self.significant_kids(elem) if k.std is not None]

    def element_for(self, obj: Any) -> StructElem | None:
        """The structure element (met in the tree walk) that is this dictionary."""
        return self.by_key.get(_key(obj)) if _is_dict(obj) else None

    def annotation_owner(self, annot: Dictionary) -> StructElem | None:
        """The element an annotation belongs to: by its OBJR, else by /StructParent and the ParentTree."""
        elem = self.objr_owner.get(_key(annot))
        if elem is not None:
            return elem
        index = _int(annot.get("/StructParent"))
        return self.element_for(self.parent_tree.get(index)) if index is not None else None


# -- reading ---------------------------------------------------------------------------------


def resolve_type(raw: str, role_map: dict[str, Any]) -> tuple[str | None, str]:
    """(standard type or None, problem) following the role map; problem is '', 'unmapped',
    'circular' or 'remapped' (a standard type that the role map redefines)."""
    if raw in STANDARD_TYPES:
        return raw, "remapped" if raw in role_map else ""
    seen = [raw]
    while True:
        target = _name(role_map.get(seen[-1]))
        if not target:
            return None, "unmapped"
        if target in seen:
            return None, "circular"
        if target in STANDARD_TYPES:
            return target, ""
        seen.append(target)


def read_structure(root: Dictionary) -> StructTree:
    tree = root.get("/StructTreeRoot")
    if not _is_dict(tree):
        return StructTree()
    role_map = tree.get("/RoleMap")
    walk = _TreeWalk({str(k)[1:]: v for k, v in role_map.items()} if _is_dict(role_map) else {})
    walk.run(_array(tree.get("/K")))
    return walk.freeze(tree.get("/ClassMap"), _read_parent_tree(tree.get("/ParentTree")), tree)


def _read_parent_tree(parent_tree: Any) -> dict[int, Any]:
    """The /ParentTree number tree as {key: value}: the content side of the links (links.py checks
    it against the tree), and where the content walk finds an MCID the tree walk missed."""
    result: dict[int, Any] = {}
    stack = [parent_tree] if _is_dict(parent_tree) else []
    seen: set = set()
    while stack:
        node = stack.pop()
        if _key(node) in seen:
            continue
        seen.add(_key(node))
        nums = node.get("/Nums")
        if isinstance(nums, Array):
            pairs = ((_int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2))
            result.update((k, v) for k, v in pairs if k is not None)
        stack.extend(kid for kid in _array(node.get("/Kids")) if _is_dict(kid))
    return result


@dataclass
class _Draft:
    """An element while the walk still collects its kids."""

    obj: Dictionary
    raw: str
    std: str | None
    number: int
    parent: _Draft | None
    lang: str | None
    kids: list[int] = field(default_factory=list)


class _TreeWalk:
    """One depth-first walk of the tree in document order, collecting elements and who owns
    which marked content (MCID) and object reference (OBJR)."""

    def __init__(self, role_map: dict[str, Any]):
        self.role_map = role_map
        self.types: dict[str, tuple[str | None, str]] = {}
        self.drafts: list[_Draft] = []
        self.mcids: dict[tuple[Any, int], int] = {}
        self.objrs: dict[Any, int] = {}
        self.seen: set = set()
        self.has_loop = False

    def run(self, top: list) -> None:
        stack: list[tuple[Any, _Draft | None, Any]] = [(k, None, None) for k in reversed(top)]
        while stack:  # (node, parent element, inherited /Pg)
            node, parent, page = stack.pop()
            elem = self._visit(node, parent, page)
            if elem is not None:
                pg = node.get("/Pg", page)
                stack.extend((kid, elem, pg) for kid in reversed(_array(node.get("/K"))))

    def _visit(self, node: Any, parent: _Draft | None, page: Any) -> _Draft | None:
        """Record one kid; returns the element when the kid is a structure element to descend into."""
        mcid = _int(node)
        if mcid is not None:
            self._own_mcid(parent, page, mcid)
            return None
        if not _is_dict(node):
            return None
        kind = _name(node.get("/Type"))
        if "/S" in node:
            return self._element(node, parent)
        if kind == "MCR" or "/MCID" in node:
            owner = node.get("/Stm") if "/Stm" in node else node.get("/Pg", page)
            self._own_mcid(parent, owner, _int(node.get("/MCID")))
        elif kind == "OBJR" or "/Obj" in node:
            self._own_objr(parent, node.get("/Obj"))
        return None

    def _own_mcid(self, parent: _Draft | None, owner: Any, mcid: int | None) -> None:
        if parent is not None and owner is not None and mcid is not None:
            self.mcids.setdefault((_key(owner), mcid), parent.number)

    def _own_objr(self, parent: _Draft | None, target: Any) -> None:
        if parent is not None and target is not None:
            self.objrs.setdefault(_key(target), parent.number)

    def _element(self, node: Dictionary, parent: _Draft | None) -> _Draft | None:
        if _key(node) in self.seen:
            self.has_loop = True
            return None
        self.seen.add(_key(node))
        raw = _name(node.get("/S")) or ""
        own_lang = _text(node.get("/Lang")) if "/Lang" in node else None
        lang = own_lang if own_lang else (parent.lang if parent is not None else None)
        elem = _Draft(node, raw, self._type(raw)[0], len(self.drafts) + 1, parent, lang)
        self.drafts.append(elem)
        if parent is not None:
            parent.kids.append(elem.number)
        return elem

    def _type(self, raw: str) -> tuple[str | None, str]:
        if raw not in self.types:
            self.types[raw] = resolve_type(raw, self.role_map)
        return self.types[raw]

    def freeze(self, class_map: Any, parent_tree: dict[int, Any], root: Any = None) -> StructTree:
        for raw in self.role_map:  # the role map is checked too, used or not
            self._type(raw)
        elements = tuple(StructElem(d.obj, d.raw, d.std, d.number, d.parent.number if d.parent else None,
                                    d.lang, tuple(d.kids)) for d in self.drafts)
        return StructTree(
            present=True, elements=elements, role_map=self.role_map, types=self.types, class_map=class_map,
            parent_tree=parent_tree, has_loop=self.has_loop,
            mcid_owner={k: elements[n - 1] for k, n in self.mcids.items()},
            objr_owner={k: elements[n - 1] for k, n in self.objrs.items()},
            by_key={_key(e.obj): e for e in elements}, root=root,
        )


def numbered_headings(tree: StructTree) -> list[StructElem]:
    """H1-H6 elements (after role mapping) in document order."""
    return [e for e in tree.elements if e.std is not None and _HEADING.fullmatch(e.std)]


def attribute(obj: Dictionary, owner: str, key: str, class_map: Any = None) -> Any:
    """A structure attribute of the given owner (/O), from /A (dictionary or array, newest last
    wins per ISO 32000-1 14.7.5) or else from the classes named by /C in the ClassMap."""
    found = _owned(obj.get("/A"), owner, key)
    if found is not None or not _is_dict(class_map) or "/C" not in obj:
        return found
    classes = obj.get("/C")
    for name in _array(classes) if isinstance(classes, Array) else [classes]:
        if isinstance(name, Name):
            found = _owned(class_map.get(str(name)), owner, key, found)
    return found


def _owned(attrs: Any, owner: str, key: str, found: Any = None) -> Any:
    """The last value of `key` among attribute dictionaries of `owner` (one or an array of them)."""
    for attr in _array(attrs) if isinstance(attrs, Array) else [attrs]:
        if _is_dict(attr) and _name(attr.get("/O")) == owner and key in attr:
            found = attr.get(key)
    return found


# -- checks ----------------------------------------------------------------------------------


def check_structure_tree(index: PdfIndex) -> list[Finding]:
    """7.1: the tree has elements and no loops."""
    tree = index.structure
    out = []
    if tree.has_loop:
        out.append(Finding("7.1", "the structure tree contains a loop (an element is its own descendant or is used twice)"))
    if tree.present and not tree.elements:
        out.append(Finding("7.1", "the structure tree has no structure elements"))
    return out


def check_role_map(index: PdfIndex) -> list[Finding]:
    """7.1: every type maps to a standard type, without circles or remapped standard types."""
    tree = index.structure
    used = [e.raw for e in tree.elements]
    problem = {raw: tree.types[raw][1] for raw in [*used, *tree.role_map]}
    unmapped = {raw for raw in used if problem[raw] == "unmapped"}
    out = [Finding("7.1", f"non-standard structure type {raw!r} is not role-mapped to a standard type"
                          f"{_ends_at(tree, raw)}") for raw in sorted(unmapped)]
    for kind, wording in (("circular", "the role map for structure type {raw!r} is circular"),
                          ("remapped", "standard structure type {raw!r} is remapped to {target!r} in the role map")):
        for raw in sorted(raw for raw, p in problem.items() if p == kind):
            out.append(Finding("7.1", wording.format(raw=raw, target=_name(tree.role_map.get(raw)))))
    return out


def _ends_at(tree: StructTree, raw: str) -> str:
    target = _name(tree.role_map.get(raw))
    return f" (role map ends at {target!r})" if target is not None else ""


def check_alternatives(index: PdfIndex) -> list[Finding]:
    """7.3 and 7.7: Figures and Formulas have alternative text; 7.2: its language is known."""
    missing: dict[str, list[str]] = defaultdict(list)
    no_lang: dict[str, list[str]] = defaultdict(list)
    for elem in index.structure.elements:
        if elem.std in ("Figure", "Formula") and not _has_alternative(elem.obj):
            missing[elem.std].append(elem.label())
        if not index.catalog_lang and not elem.lang:
            for key in ("/Alt", "/ActualText", "/E"):
                if key in elem.obj:
                    no_lang[key[1:]].append(elem.label())
    out = [Finding(clause, f"{std} without alternative text (/Alt) or /ActualText: {_examples(missing[std])}")
           for std, clause in (("Figure", "7.3"), ("Formula", "7.7")) if missing[std]]
    return out + [Finding("7.2", f"the language of /{key} text cannot be determined (no /Lang on the element, "
                                 f"its ancestors or the catalog): {_examples(where)}") for key, where in no_lang.items()]


def _has_alternative(obj: Dictionary) -> bool:
    alt = _text(obj.get("/Alt"))
    return bool(alt and alt.strip()) or "/ActualText" in obj


def check_headings(index: PdfIndex) -> list[Finding]:
    """7.4.2: numbered headings start at H1 and skip no level; 7.4.4: H is one per element, unmixed."""
    tree = index.structure
    numbered = numbered_headings(tree)
    plain = [e for e in tree.elements if e.std == "H"]
    out = [Finding("7.4.4", f"{e.label()} contains more than one H heading")
           for e in tree.elements if e.std is not None and tree.kid_types(e).count("H") > 1]
    if numbered and plain:
        out.append(Finding("7.4.4", f"document mixes unnumbered H ({len(plain)}) and numbered H1-H6 "
                                    f"({len(numbered)}) headings"))
    return out + list(_skipped_levels(numbered))


def _skipped_levels(numbered: list[StructElem]) -> Iterator[Finding]:
    previous = 0
    for elem in numbered:
        level = int(elem.std[1])  # type: ignore[index]
        if level > previous + 1 and previous == 0:
            yield Finding("7.4.2", f"the first heading is {elem.std} ({elem.label()}), not H1")
        elif level > previous + 1:
            yield Finding("7.4.2", f"heading {elem.std} ({elem.label()}) skips a level after H{previous}")
        previous = level


def check_notes(index: PdfIndex) -> list[Finding]:
    """7.9: every Note has a non-empty /ID, unique among Notes."""
    ids: Counter = Counter()
    missing: list[str] = []
    for note in (e for e in index.structure.elements if e.std == "Note"):
        value = note.obj.get("/ID")
        ident = bytes(value) if isinstance(value, pikepdf.String) else None
        if ident:
            ids[ident] += 1
        else:
            missing.append(note.label())
    out = [Finding("7.9", f"Note without a non-empty /ID: {_examples(missing)}")] if missing else []
    duplicated = [i.decode("latin-1") for i, n in ids.items() if n > 1]
    if duplicated:
        out.append(Finding("7.9", f"Note /ID values are not unique: {_examples(duplicated)}"))
    return out


def check_form_elements(index: PdfIndex) -> list[Finding]:
    """7.18.4 (ISO 32000-1 Table 340): a Form element without a Role attribute has exactly one
    child, an object reference to its widget annotation."""
    tree = index.structure
    bad = [e.label() for e in tree.elements if e.std == "Form"
           and attribute(e.obj, "PrintField", "/Role", tree.class_map) is None and not _holds_one_widget(e.obj)]
    if not bad:
        return []
    return [Finding("7.18.4", f"Form element without a Role attribute must hold exactly one widget annotation "
                              f"reference: {_examples(bad)}")]


def _holds_one_widget(obj: Dictionary) -> bool:
    children = _array(obj.get("/K"))
    only = children[0] if len(children) == 1 else None
    target = only.get("/Obj") if _is_dict(only) and "/S" not in only else None
    return _is_dict(target) and _name(target.get("/Subtype")) == "Widget"
