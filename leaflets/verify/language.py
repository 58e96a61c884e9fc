"""Natural language (ISO 14289-1 7.2) where it is declared outside the content streams: /Lang on
structure elements, and whether bookmark titles and form field names have a determinable language.

The catalog /Lang is checked in `metadata.py`, marked-content /Lang in `content.py`, annotation
/Lang in `annotations.py`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from pikepdf import Dictionary

from .findings import Finding
from .pdfutil import _array, _examples, _is_dict, _key, _text, _valid_language

if TYPE_CHECKING:
    from .index import PdfIndex


def read_catalog_lang(root: Dictionary) -> tuple[str, str | None]:
    """(the catalog /Lang as written, or ""; the same when it is a valid language tag, else None)."""
    if root.get("/Lang") is None:
        return "", None
    value = _text(root.get("/Lang"))
    return value or "", value if value is not None and _valid_language(value) else None


def no_catalog_lang(index: PdfIndex) -> str:
    """Why the catalog gives no language, for findings about text that depends on it."""
    return "the catalog /Lang is not valid" if "/Lang" in index.root else "the catalog has no /Lang"


def count_outlines(root: Dictionary) -> int:
    """The number of bookmarks (outline items), each counted once however the tree is linked."""
    outlines = root.get("/Outlines")
    if not _is_dict(outlines) or "/First" not in outlines:
        return 0
    count, stack, seen = 0, [outlines.get("/First")], set()
    while stack:
        item = stack.pop()
        if not _is_dict(item) or _key(item) in seen:
            continue
        seen.add(_key(item))
        count += 1
        stack += [item.get("/Next"), item.get("/First")]
    return count


def check_language_entries(index: PdfIndex) -> list[Finding]:
    """7.2: every structure element's /Lang is a language identifier."""
    bad = []
    for elem in (e for e in index.structure.elements if "/Lang" in e.obj):
        value = _text(elem.obj.get("/Lang"))
        if value is None or not _valid_language(value):
            bad.append(f"{value!r} on {elem.label()}")
    return [Finding("7.2", f"/Lang is not a valid language identifier (RFC 3066): {_examples(bad)}")] if bad else []


def check_outlines(index: PdfIndex) -> list[Finding]:
    """7.2: bookmark titles take their language from the catalog."""
    if not index.outlines or index.catalog_lang:
        return []
    return [Finding("7.2", "the language of the bookmark (outline) titles cannot be determined: "
                           f"{no_catalog_lang(index)}")]


def check_form_fields(index: PdfIndex) -> list[Finding]:
    """7.2: a form field's /TU name has a language: its own /Lang, its widget's element's, or the catalog's."""
    form = index.root.get("/AcroForm")
    if not _is_dict(form) or index.catalog_lang:
        return []
    missing = [repr(_text(node.get("/T")) or "?") for node in _fields(form)
               if "/TU" in node and not _text(node.get("/Lang")) and not _widget_lang(index, node)]
    if not missing:
        return []
    return [Finding("7.2", f"the language of form field /TU names cannot be determined: {_examples(missing)}")]


def _fields(form: Dictionary) -> Iterator[Any]:
    """Every field dictionary of the form, each once, depth first."""
    stack = list(_array(form.get("/Fields")))
    seen: set = set()
    while stack:
        node = stack.pop()
        if not _is_dict(node) or _key(node) in seen:
            continue
        seen.add(_key(node))
        stack.extend(_array(node.get("/Kids")))
        yield node


def _widget_lang(index: PdfIndex, field: Any) -> bool:
    widgets = [field] + [k for k in _array(field.get("/Kids")) if _is_dict(k)]
    owners = (index.structure.annotation_owner(w) for w in widgets)
    return any(e is not None and e.lang for e in owners)
