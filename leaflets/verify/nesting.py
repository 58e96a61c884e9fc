"""What tables, lists, TOCs, ruby and warichu may contain and sit in (ISO 14289-1 7.2; ISO 32000-1
14.8.4.3, Tables 333, 336, 337 and 338), as data: one `Nesting` row per structure type, read by one check.

NonStruct, Div and Part are transparent (see `StructTree.significant_kids`), as veraPDF treats them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from .findings import Finding
from .pdfutil import _examples

if TYPE_CHECKING:
    from .index import PdfIndex


@dataclass(frozen=True)
class Nesting:
    """Where one structure type may sit and what it may hold; each rule names its finding."""

    parents: frozenset[str] = frozenset()  # empty: it may sit anywhere
    inside_rule: str = ""
    kids: frozenset[str] = frozenset()  # empty: it may hold anything
    kids_rule: str = ""
    leading_caption: bool = False  # a Caption among the kids must come first


def _rule(parents: str = "", inside: str = "", kids: str = "", holds: str = "", leading_caption: bool = False) -> Nesting:
    return Nesting(frozenset(parents.split()), inside, frozenset(kids.split()), holds, leading_caption)


NESTING: dict[str, Nesting] = {
    "Table": _rule(kids="TR THead TBody TFoot Caption",
                   holds="a Table may contain only TR, THead, TBody, TFoot and one Caption"),
    "TR": _rule("Table THead TBody TFoot", "TR must be inside Table, THead, TBody or TFoot",
                "TH TD", "TR may contain only TH and TD"),
    "THead": _rule("Table", "THead must be inside Table", "TR", "THead may contain only TR"),
    "TBody": _rule("Table", "TBody must be inside Table", "TR", "TBody may contain only TR"),
    "TFoot": _rule("Table", "TFoot must be inside Table", "TR", "TFoot may contain only TR"),
    "TH": _rule("TR", "TH must be inside TR"),
    "TD": _rule("TR", "TD must be inside TR"),
    "L": _rule(kids="L LI Caption", holds="L may contain only LI, L and one leading Caption", leading_caption=True),
    "LI": _rule("L", "LI must be inside L", "Lbl LBody", "LI may contain only Lbl and LBody"),
    "LBody": _rule("LI", "LBody must be inside LI"),
    "TOC": _rule(kids="TOC TOCI Caption", holds="TOC may contain only TOCI, TOC and one leading Caption",
                 leading_caption=True),
    "TOCI": _rule("TOC", "TOCI must be inside TOC"),
    # ISO 32000-1 Table 338: ruby and warichu annotations of CJK text
    "Ruby": _rule(kids="RB RT RP", holds="Ruby may contain only RB, RT and RP"),
    "RB": _rule("Ruby", "RB must be inside Ruby"),
    "RT": _rule("Ruby", "RT must be inside Ruby"),
    "RP": _rule("Ruby", "RP must be inside Ruby"),
    "Warichu": _rule(kids="WT WP", holds="Warichu may contain only WT and WP"),
    "WT": _rule("Warichu", "WT must be inside Warichu"),
    "WP": _rule("Warichu", "WP must be inside Warichu"),
}


def _misplaced_caption(kids: list[str]) -> bool:
    captions = [i for i, k in enumerate(kids) if k == "Caption"]
    return len(captions) > 1 or bool(captions and captions[0] not in (0, len(kids) - 1))


#: What a Table's kids must satisfy besides their types: (rule, test that finds a violation).
TABLE_RULES: tuple[tuple[str, Callable[[list[str]], bool]], ...] = (
    ("a Table Caption must be the single first or last child", _misplaced_caption),
    ("a Table has more than one THead", lambda kids: kids.count("THead") > 1),
    ("a Table has more than one TFoot", lambda kids: kids.count("TFoot") > 1),
    ("a Table with THead or TFoot needs a TBody", lambda kids: ("THead" in kids or "TFoot" in kids)
     and "TBody" not in kids),
)


def broken_rules(nesting: Nesting, parent: str | None, kids: list[str]) -> list[str]:
    """The rules of `nesting` that an element with this parent type and these kid types breaks."""
    out = []
    if nesting.parents and parent not in nesting.parents:
        out.append(nesting.inside_rule)
    if nesting.kids and (any(k not in nesting.kids for k in kids)
                         or nesting.leading_caption and "Caption" in kids[1:]):
        out.append(nesting.kids_rule)
    return out


def check_grouping(index: PdfIndex) -> list[Finding]:
    """7.2: every table, list and TOC element sits where NESTING says and holds what it allows."""
    tree = index.structure
    bad: dict[str, list[str]] = defaultdict(list)
    for elem in tree.elements:
        nesting = NESTING.get(elem.std or "")
        if nesting is None:
            continue
        parent, kids = tree.parent_type(elem), tree.kid_types(elem)
        for rule in broken_rules(nesting, parent, kids):
            bad[rule].append(f"{elem.label()} in {parent}" if rule == nesting.inside_rule else elem.label())
        if elem.std == "Table":
            for rule, broken in TABLE_RULES:
                if broken(kids):
                    bad[rule].append(elem.label())
    return [Finding("7.2", f"{rule}: {_examples(where)}") for rule, where in bad.items()]
