"""The structure hints hook: WeasyPrint 70 does not write down which HTML element a structure
element came from; while `structure_hints()` is active, each one notes it.

Closes gap 4 here, in WeasyPrint's own structure elements: /Lang from an element's `lang`
attribute, /ActualText in logical order for right-to-left text blocks. The notes it leaves
(/LeafletsElement, /LeafletsTag, read by `tree`; /LeafletsMargin, read by `artifacts`) are what
make gap 3 (roles) closable at all and let gap 2 join every element cut at a page break
exactly; `write` removes them again.

The hook wraps a private function, `weasyprint.pdf.tags._build_box_tree`, and reads private
attributes of WeasyPrint's boxes. `WRITTEN_FOR` records what it was written against (the
version, the function's signature and generator protocol, the attributes); `structure_hints()`
compares it with the installed WeasyPrint before patching anything and raises
`UnsupportedWeasyPrint`, naming what to re-check, when they differ. docs/upgrading-weasyprint.md
says how to upgrade.

The patch of `weasyprint.pdf.tags._build_box_tree` and the count of its users live here, in
module globals, so nested and concurrent uses share one patch.
"""
from __future__ import annotations

import dis
import functools
import inspect
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

HINT_ELEMENT = "LeafletsElement"  # number of the HTML element (and pseudo-element) it came from
HINT_TAG = "LeafletsTag"          # its HTML tag, e.g. 'aside', 'dt', 'a::after', 'a::after::leader'
HINT_MARGIN = "LeafletsMargin"    # the @page margin box it was drawn in, e.g. '@bottom-left'
HINT_WORDS = "LeafletsHyphenated"  # words written with a hyphen in a text block ('MS-verpleegkundige'), for gap 7
HINT_KEYS = tuple("/" + key for key in (HINT_ELEMENT, HINT_TAG, HINT_MARGIN, HINT_WORDS))

UPGRADE_GUIDE = "docs/upgrading-weasyprint.md"

_hint_lock = threading.Lock()
_hint_users = 0
_original_build = None


class UnsupportedWeasyPrint(RuntimeError):
    """The installed WeasyPrint is not the one the structure hints hook was written for.

    Raised before anything is patched; the worker turns it into a failed variant."""


# ---------------------------------------------------------------- what the hook was written for

@dataclass(frozen=True)
class Expectation:
    """One thing the hook relies on in WeasyPrint, as it was when the hook was written."""

    fact: str                       # what is looked at, e.g. 'signature of …'
    written_for: tuple              # the value(s) it had in the WeasyPrint the hook was tested with
    recheck: str                    # what to re-check in this module when the value differs
    look: Callable[[], object]      # reads the fact from the installed WeasyPrint


def _tags():
    from weasyprint.pdf import tags
    return tags


def _boxes():
    from weasyprint.formatting_structure import boxes
    return boxes


def _builder():
    """WeasyPrint's own `_build_box_tree`, also while our patch is in place."""
    return _original_build if _hint_users else _tags()._build_box_tree


def _loads_global(function, name: str) -> bool:
    """Does `function` look `name` up as a module global (so that patching the module reaches it)?"""
    return _code_loads_global(function.__code__, name)


@functools.lru_cache(maxsize=16)
def _code_loads_global(code, name: str) -> bool:  # cached: disassembling takes ~1 ms, checks run per PDF
    return any(i.opname == "LOAD_GLOBAL" and i.argval == name for i in dis.get_instructions(code))


def _version() -> str:
    import weasyprint
    return weasyprint.__version__


def _signature(function) -> str:
    return str(inspect.signature(function))


def _placeholder_attribute() -> str | None:
    """The attribute an AbsolutePlaceholder keeps its box in."""
    from weasyprint.layout.absolute import AbsolutePlaceholder
    box = object()
    return next((name for name, value in vars(AbsolutePlaceholder(box)).items() if value is box), None)


WRITTEN_FOR = (
    Expectation("weasyprint.__version__", ("70.0",),
                "every private API listed in docs/upgrading-weasyprint.md and whether each post-processing "
                "gap (leaflets/postprocess/__init__.py) is still there; then add the version here",
                _version),
    Expectation("signature of weasyprint.pdf.tags._build_box_tree",
                ("(box, parent, pdf, page_number, nums, annotations, tags)",),
                "the arguments _hinted_build takes and passes on to it",
                lambda: _signature(_builder())),
    Expectation("weasyprint.pdf.tags._build_box_tree is a generator function", (True,),
                "that _hinted_build can iterate it and pass on the structure elements (pydyf.Dictionary) it yields",
                lambda: inspect.isgeneratorfunction(_builder())),
    Expectation("weasyprint.pdf.tags._build_box_tree finds itself as a module global", (True,),
                "that its recursion goes through the patched name, so every box below the page is hinted",
                lambda: _loads_global(_builder(), "_build_box_tree")),
    Expectation("weasyprint.pdf.tags.add_tags finds _build_box_tree as a module global", (True,),
                "that the page boxes reach the patched name (add_tags is where the tag tree is built)",
                lambda: _loads_global(_tags().add_tags, "_build_box_tree")),
    Expectation("attribute in which weasyprint.layout.absolute.AbsolutePlaceholder keeps its box", ("_box",),
                "how _hinted_build reaches the real box of an absolutely positioned element",
                _placeholder_attribute),
    Expectation("signature of weasyprint.formatting_structure.boxes.MarginBox.__init__",
                ("(self, at_keyword, style)",),
                "that MarginBox.at_keyword still names the @page margin box (read for /LeafletsMargin)",
                lambda: _signature(_boxes().MarginBox.__init__)),
    Expectation("signature of weasyprint.formatting_structure.boxes.Box.__init__",
                ("(self, element_tag, style, element)",),
                "that box.element, box.element_tag and box.style['direction'] are still read the same way",
                lambda: _signature(_boxes().Box.__init__)),
    Expectation("weasyprint.formatting_structure.boxes.Box.is_leader", (False,),
                "that boxes drawn by CSS leader() are still told by box.is_leader (noted as 'tag::leader')",
                lambda: _boxes().Box.is_leader),
)


def weasyprint_mismatches() -> list[str]:
    """How the installed WeasyPrint differs from `WRITTEN_FOR`, one sentence each (empty: it does not)."""
    found = []
    for expectation in WRITTEN_FOR:
        try:
            value = expectation.look()
            shown = repr(value)
        except (ImportError, AttributeError, TypeError, ValueError) as exc:  # the private API moved or is gone
            value, shown = None, f"unreadable ({type(exc).__name__}: {exc})"
        if value not in expectation.written_for:
            expected = " or ".join(repr(v) for v in expectation.written_for)
            found.append(f"{expectation.fact}: {shown} (written for {expected}): re-check {expectation.recheck}")
    return found


def check_weasyprint() -> None:
    """Raise `UnsupportedWeasyPrint` naming what to re-check when WeasyPrint is not as `WRITTEN_FOR` says."""
    mismatches = weasyprint_mismatches()
    if mismatches:
        raise UnsupportedWeasyPrint(
            "the structure hints hook (leaflets/postprocess/hints.py) relies on private WeasyPrint APIs that "
            f"changed: {'; '.join(mismatches)}. See {UPGRADE_GUIDE} for how to upgrade WeasyPrint")


# ---------------------------------------------------------------- the hook

def _hinted_build(box, parent, pdf, *passed_on):
    """WeasyPrint's `_build_box_tree`, noting on each structure element where it came from.

    The arguments it does not read (page number, nums, annotations, tags) are passed on as
    WeasyPrint gave them; `WRITTEN_FOR` checks that the signature is still the one it wraps."""
    import pydyf
    from weasyprint.formatting_structure import boxes

    state = pdf.__dict__.setdefault("_leaflets_hints", {"ids": {}, "margin": None})
    source = getattr(box, "_box", box)  # an AbsolutePlaceholder wraps the real box
    if isinstance(source, boxes.MarginBox):
        state["margin"] = source.at_keyword
        try:
            yield from _original_build(box, parent, pdf, *passed_on)
        finally:
            state["margin"] = None
        return
    for element in _original_build(box, parent, pdf, *passed_on):
        if not isinstance(element, pydyf.Dictionary):
            raise UnsupportedWeasyPrint(
                f"weasyprint.pdf.tags._build_box_tree yielded a {type(element).__name__}, not a structure "
                "element (pydyf.Dictionary): re-check its generator protocol in leaflets/postprocess/hints.py, "
                f"see {UPGRADE_GUIDE}")
        # Elements passed up from html/body/page boxes were noted by the call that made them.
        if HINT_TAG not in element and HINT_MARGIN not in element:
            _note(element, source, state)
        yield element


def _note(element, source, state: dict) -> None:
    """Write on a structure element the HTML element (or page margin) it was made from."""
    import pydyf
    from weasyprint.formatting_structure import boxes

    if state["margin"]:
        element[HINT_MARGIN] = pydyf.String(state["margin"])
        return
    if source.element is None or isinstance(source, boxes.PageBox) or source.element_tag in ("html", "body"):
        return
    tag = source.element_tag + ("::leader" if source.is_leader else "")
    ids = state["ids"]
    element[HINT_ELEMENT] = ids.setdefault((id(source.element), tag), len(ids) + 1)
    element[HINT_TAG] = pydyf.String(tag)
    lang = source.element.get("lang")
    if lang and "::" not in tag:
        element["Lang"] = pydyf.String(lang)
    if tag in _TEXT_BLOCKS:
        # gap 7 (hyphens.py): a hyphen at a line end that the text itself has is kept
        hard = " ".join(sorted(set(re.findall(r"\w+(?:-\w+)+", "".join(source.element.itertext())))))
        if hard:
            element[HINT_WORDS] = pydyf.String(hard)
    if tag in _TEXT_BLOCKS and source.style["direction"] == "rtl":
        # Right-to-left runs are drawn in visual order, and readers differ in how they
        # put marks and ligatures back; /ActualText gives them the text as written.
        text = " ".join("".join(source.element.itertext()).split())
        if text:
            element["ActualText"] = pydyf.String(text)


_TEXT_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "caption", "th", "td"}


@contextmanager
def structure_hints() -> Iterator[None]:
    """While active, WeasyPrint's structure elements note the HTML element they came from.

    Wrap `document.write_pdf(...)` in it, then run `postprocess`, which reads and removes the
    notes. Safe to nest and to use from several threads (the patch stays while anyone uses it).
    Raises `UnsupportedWeasyPrint` (and patches nothing) when WeasyPrint is not the one the
    hook was written for (`WRITTEN_FOR`).
    """
    global _hint_users, _original_build
    tags = _tags()

    with _hint_lock:
        check_weasyprint()
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
