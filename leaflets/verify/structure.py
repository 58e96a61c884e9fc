"""The structure tree: read it once into `_Elem`s, then check the types and how they nest.

ISO 14289-1 7.1 (role mapping to standard types, a loop-free tree with elements), 7.2 (what
tables, lists and TOCs may contain and sit in; language of /Alt, /ActualText, /E), 7.3 (Figure
alternative text), 7.4.2 and 7.4.4 (headings), 7.7 (Formula alternative text), 7.9 (Note IDs) and
7.18.4 (Form elements without a Role). Tables are checked in `tables.py`.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

from .pdfutil import _array, _examples, _int, _is_dict, _key, _name, _text

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


class _Elem:
    """One structure element, with what the checks need precomputed."""

    __slots__ = ("obj", "raw", "std", "parent", "kids", "lang", "index", "objrs", "mcids")

    def __init__(self, obj: Dictionary, raw: str, std: str | None, parent: "_Elem | None", index: int):
        self.obj = obj
        self.raw = raw
        self.std = std
        self.parent = parent
        self.kids: list[_Elem] = []
        self.lang: str | None = None  # effective language: own /Lang or inherited from ancestors
        self.index = index
        self.objrs: list[Any] = []
        self.mcids = 0

    def label(self) -> str:
        shown = self.raw if self.std == self.raw or self.std is None else f"{self.raw} (as {self.std})"
        return f"{shown} #{self.index}"

    def significant_kids(self) -> list["_Elem"]:
        """Children, with NonStruct/Div grouping elements replaced by their own children."""
        out: list[_Elem] = []
        stack = list(reversed(self.kids))
        while stack:
            kid = stack.pop()
            if kid.std in _PASS_THROUGH:
                stack.extend(reversed(kid.kids))
            else:
                out.append(kid)
        return out

    def kid_types(self) -> list[str]:
        return [k.std for k in self.significant_kids() if k.std is not None]

    def parent_type(self) -> str | None:
        node = self.parent
        while node is not None and node.std in _PASS_THROUGH:
            node = node.parent
        return None if node is None else node.std


class StructureChecks:
    """Walks the structure tree (filling `elements`, `mcid_owner`, `objr_owner`, `headings`) and checks it."""

    # -- 7.1, 7.2, 7.3, 7.4, 7.7, 7.9: structure tree -----------------------------------------

    def standard_type(self, raw: str) -> tuple[str | None, str]:
        """(standard type or None, problem) following the role map; problem is '', 'unmapped',
        'circular' or 'remapped' (a standard type that the role map redefines)."""
        cached = self._type_cache.get(raw)
        if cached is not None:
            return cached
        if raw in STANDARD_TYPES:
            result = (raw, "remapped" if raw in self.role_map else "")
        else:
            seen = [raw]
            current = raw
            result = (None, "unmapped")
            while True:
                target = _name(self.role_map.get(current))
                if target is None or target == "":
                    result = (None, "unmapped")
                    break
                if target in seen:
                    result = (None, "circular")
                    break
                if target in STANDARD_TYPES:
                    result = (target, "")
                    break
                seen.append(target)
                current = target
        self._type_cache[raw] = result
        return result

    def check_structure_tree(self) -> None:
        tree = self.root.get("/StructTreeRoot")
        if not _is_dict(tree):
            return
        self.class_map = tree.get("/ClassMap")
        role_map = tree.get("/RoleMap")
        if _is_dict(role_map):
            self.role_map = {str(k)[1:]: v for k, v in role_map.items()}
        self._read_parent_tree(tree)
        self._walk_tree(tree)
        if not self.elements:
            self.add("7.1", "the structure tree has no structure elements")
        self._check_types()
        self._check_grouping()
        self._check_alternatives()
        self._check_headings()
        self._check_tables()
        self._check_notes()
        self._check_forms()

    def _read_parent_tree(self, tree: Dictionary) -> None:
        """The /ParentTree number tree as {key: value}; a fallback when the tree walk misses an MCID."""
        parent_tree = tree.get("/ParentTree")
        result: dict[int, Any] = {}
        stack = [parent_tree] if _is_dict(parent_tree) else []
        seen: set = set()
        while stack:
            node = stack.pop()
            k = _key(node)
            if k in seen:
                continue
            seen.add(k)
            nums = node.get("/Nums")
            if isinstance(nums, Array):
                for i in range(0, len(nums) - 1, 2):
                    index = _int(nums[i])
                    if index is not None:
                        result[index] = nums[i + 1]
            for kid in _array(node.get("/Kids")):
                if _is_dict(kid):
                    stack.append(kid)
        self.parent_tree = result

    def _walk_tree(self, tree: Dictionary) -> None:
        seen: set = set()
        # (node, parent elem, inherited /Pg)
        stack: list[tuple[Any, _Elem | None, Any]] = [(k, None, None) for k in reversed(_array(tree.get("/K")))]
        while stack:
            node, parent, page = stack.pop()
            mcid = _int(node)
            if mcid is not None:
                if parent is not None:
                    parent.mcids += 1
                    if page is not None:
                        self.mcid_owner.setdefault((_key(page), mcid), parent)
                continue
            if not _is_dict(node):
                continue
            kind = _name(node.get("/Type"))
            if "/S" not in node and (kind == "MCR" or "/MCID" in node):
                number = _int(node.get("/MCID"))
                owner = node.get("/Stm") if "/Stm" in node else node.get("/Pg", page)
                if parent is not None and number is not None:
                    parent.mcids += 1
                    if owner is not None:
                        self.mcid_owner.setdefault((_key(owner), number), parent)
                continue
            if "/S" not in node and (kind == "OBJR" or "/Obj" in node):
                target = node.get("/Obj")
                if parent is not None and target is not None:
                    parent.objrs.append(target)
                    self.objr_owner.setdefault(_key(target), parent)
                continue
            if "/S" not in node:
                continue
            k = _key(node)
            if k in seen:
                self.add("7.1", "the structure tree contains a loop (an element is its own descendant or is used twice)")
                continue
            seen.add(k)
            raw = _name(node.get("/S")) or ""
            std, _problem = self.standard_type(raw)
            elem = _Elem(node, raw, std, parent, len(self.elements) + 1)
            self.elements.append(elem)
            if parent is not None:
                parent.kids.append(elem)
            own_lang = _text(node.get("/Lang")) if "/Lang" in node else None
            elem.lang = own_lang if own_lang else (parent.lang if parent is not None else None)
            pg = node.get("/Pg", page)
            for kid in reversed(_array(node.get("/K"))):
                stack.append((kid, elem, pg))

    def _check_types(self) -> None:
        problems: dict[str, list[str]] = defaultdict(list)
        for elem in self.elements:
            _std, problem = self.standard_type(elem.raw)
            if problem:
                problems[problem].append(elem.raw)
        for raw in sorted(set(problems["unmapped"])):
            target = _name(self.role_map.get(raw))
            via = f" (role map ends at {target!r})" if target is not None else ""
            self.add("7.1", f"non-standard structure type {raw!r} is not role-mapped to a standard type{via}")
        for raw in self.role_map:  # the role map itself, used or not (Matterhorn 02-003, 02-004)
            _std, problem = self.standard_type(raw)
            if problem in ("circular", "remapped"):
                problems[problem].append(raw)
        for raw in sorted(set(problems["circular"])):
            self.add("7.1", f"the role map for structure type {raw!r} is circular")
        for raw in sorted(set(problems["remapped"])):
            target = _name(self.role_map.get(raw))
            self.add("7.1", f"standard structure type {raw!r} is remapped to {target!r} in the role map")

    def _check_grouping(self) -> None:
        """7.2 (ISO 32000-1 14.8.4.3): what tables, lists and TOCs may contain and sit in."""
        bad: dict[str, list[str]] = defaultdict(list)
        for elem in self.elements:
            std = elem.std
            if std is None:
                continue
            if std in ("Table", "TR", "THead", "TBody", "TFoot", "TH", "TD", "L", "LI", "LBody", "TOC", "TOCI"):
                kids = elem.kid_types()
                parent = elem.parent_type()
                label = elem.label()
                if std == "Table":
                    body = [k for k in kids if k != "Caption"]
                    captions = [i for i, k in enumerate(kids) if k == "Caption"]
                    if any(k not in ("TR", "THead", "TBody", "TFoot") for k in body):
                        bad["a Table may contain only TR, THead, TBody, TFoot and one Caption"].append(label)
                    if len(captions) > 1 or (captions and captions[0] not in (0, len(kids) - 1)):
                        bad["a Table Caption must be the single first or last child"].append(label)
                    if kids.count("THead") > 1:
                        bad["a Table has more than one THead"].append(label)
                    if kids.count("TFoot") > 1:
                        bad["a Table has more than one TFoot"].append(label)
                    if ("THead" in kids or "TFoot" in kids) and "TBody" not in kids:
                        bad["a Table with THead or TFoot needs a TBody"].append(label)
                elif std == "TR":
                    if parent not in ("Table", "THead", "TBody", "TFoot"):
                        bad["TR must be inside Table, THead, TBody or TFoot"].append(f"{label} in {parent}")
                    if any(k not in ("TH", "TD") for k in kids):
                        bad["TR may contain only TH and TD"].append(label)
                elif std in ("THead", "TBody", "TFoot"):
                    if parent != "Table":
                        bad[f"{std} must be inside Table"].append(f"{label} in {parent}")
                    if any(k != "TR" for k in kids):
                        bad[f"{std} may contain only TR"].append(label)
                elif std in ("TH", "TD"):
                    if parent != "TR":
                        bad[f"{std} must be inside TR"].append(f"{label} in {parent}")
                elif std == "L":
                    if any(k not in ("L", "LI", "Caption") for k in kids) or "Caption" in kids[1:]:
                        bad["L may contain only LI, L and one leading Caption"].append(label)
                elif std == "LI":
                    if parent != "L":
                        bad["LI must be inside L"].append(f"{label} in {parent}")
                    if any(k not in ("Lbl", "LBody") for k in kids):
                        bad["LI may contain only Lbl and LBody"].append(label)
                elif std == "LBody":
                    if parent != "LI":
                        bad["LBody must be inside LI"].append(f"{label} in {parent}")
                elif std == "TOC":
                    if any(k not in ("TOC", "TOCI", "Caption") for k in kids) or "Caption" in kids[1:]:
                        bad["TOC may contain only TOCI, TOC and one leading Caption"].append(label)
                elif std == "TOCI":
                    if parent != "TOC":
                        bad["TOCI must be inside TOC"].append(f"{label} in {parent}")
        for rule, where in bad.items():
            self.add("7.2", f"{rule}: {_examples(where)}")

    def _check_alternatives(self) -> None:
        missing: dict[str, list[str]] = defaultdict(list)
        no_lang: dict[str, list[str]] = defaultdict(list)
        for elem in self.elements:
            obj = elem.obj
            if elem.std in ("Figure", "Formula"):
                alt = _text(obj.get("/Alt"))
                if not (alt and alt.strip()) and "/ActualText" not in obj:
                    missing[elem.std].append(elem.label())
            if not self.catalog_lang and not elem.lang:
                for key in ("/Alt", "/ActualText", "/E"):
                    if key in obj:
                        no_lang[key[1:]].append(elem.label())
        if missing["Figure"]:
            self.add("7.3", f"Figure without alternative text (/Alt) or /ActualText: {_examples(missing['Figure'])}")
        if missing["Formula"]:
            self.add("7.7", f"Formula without alternative text (/Alt) or /ActualText: {_examples(missing['Formula'])}")
        for key, where in no_lang.items():
            self.add("7.2", f"the language of /{key} text cannot be determined (no /Lang on the element, "
                            f"its ancestors or the catalog): {_examples(where)}")

    def _check_headings(self) -> None:
        numbered: list[_Elem] = []
        plain: list[_Elem] = []
        for elem in self.elements:
            if elem.std is None:
                continue
            match = _HEADING.fullmatch(elem.std)
            if match:
                numbered.append(elem)
                self.headings.append(elem.std)
            elif elem.std == "H":
                plain.append(elem)
            if elem.kid_types().count("H") > 1:
                self.add("7.4.4", f"{elem.label()} contains more than one H heading")
        if numbered and plain:
            self.add("7.4.4", f"document mixes unnumbered H ({len(plain)}) and numbered H1-H6 "
                              f"({len(numbered)}) headings")
        previous = 0
        for elem in numbered:
            level = int(elem.std[1])
            if level > previous + 1:
                if previous == 0:
                    self.add("7.4.2", f"the first heading is {elem.std} ({elem.label()}), not H1")
                else:
                    self.add("7.4.2", f"heading {elem.std} ({elem.label()}) skips a level after H{previous}")
            previous = level

    def _check_notes(self) -> None:
        ids: Counter = Counter()
        missing: list[str] = []
        for elem in self.elements:
            if elem.std != "Note":
                continue
            value = elem.obj.get("/ID")
            ident = bytes(value) if isinstance(value, pikepdf.String) else None
            if not ident:
                missing.append(elem.label())
            else:
                ids[ident] += 1
        if missing:
            self.add("7.9", f"Note without a non-empty /ID: {_examples(missing)}")
        duplicated = [i.decode("latin-1") for i, n in ids.items() if n > 1]
        if duplicated:
            self.add("7.9", f"Note /ID values are not unique: {_examples(duplicated)}")

    def _check_forms(self) -> None:
        """7.18.4 (ISO 32000-1 Table 340): a Form element without a Role attribute has exactly one
        child, an object reference to its widget annotation."""
        bad: list[str] = []
        for elem in self.elements:
            if elem.std != "Form" or _attribute(elem.obj, "PrintField", "/Role", self.class_map) is not None:
                continue
            children = _array(elem.obj.get("/K"))
            only = children[0] if len(children) == 1 else None
            target = only.get("/Obj") if _is_dict(only) and "/S" not in only else None
            if not (_is_dict(target) and _name(target.get("/Subtype")) == "Widget"):
                bad.append(elem.label())
        if bad:
            self.add("7.18.4", f"Form element without a Role attribute must hold exactly one widget annotation "
                               f"reference: {_examples(bad)}")

    def _elem_for(self, obj: Any) -> _Elem | None:
        """The structure element (met in the tree walk) that is this dictionary."""
        by_key = self.__dict__.get("_elem_by_key")
        if by_key is None:
            by_key = self._elem_by_key = {_key(e.obj): e for e in self.elements}
        return by_key.get(_key(obj)) if _is_dict(obj) else None


def _attribute(obj: Dictionary, owner: str, key: str, class_map: Any = None) -> Any:
    """A structure attribute of the given owner (/O), from /A (dictionary or array, newest last
    wins per ISO 32000-1 14.7.5) or else from the classes named by /C in the ClassMap."""
    found = None
    attrs = obj.get("/A")
    for attr in _array(attrs) if isinstance(attrs, Array) else [attrs]:
        if _is_dict(attr) and _name(attr.get("/O")) == owner and key in attr:
            found = attr.get(key)
    if found is not None or not _is_dict(class_map) or "/C" not in obj:
        return found
    classes = obj.get("/C")
    for name in _array(classes) if isinstance(classes, Array) else [classes]:
        if not isinstance(name, Name):
            continue
        entry = class_map.get(str(name))
        for attr in _array(entry) if isinstance(entry, Array) else [entry]:
            if _is_dict(attr) and _name(attr.get("/O")) == owner and key in attr:
                found = attr.get(key)
    return found
