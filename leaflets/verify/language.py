"""Natural language (ISO 14289-1 7.2) where it is declared outside the content streams: /Lang on
structure elements, and whether bookmark titles and form field names have a determinable language.

The catalog /Lang is read in `metadata.py`, marked-content /Lang in `content.py`, annotation /Lang
in `annotations.py`.
"""
from __future__ import annotations

from .pdfutil import _array, _examples, _is_dict, _key, _text, _valid_language


class LanguageChecks:
    """Language identifiers of structure elements, outlines and form fields; also counts bookmarks."""

    # -- 7.2: language identifiers ---------------------------------------------------------------

    def check_language_entries(self) -> None:
        bad: list[str] = []
        for elem in self.elements:
            if "/Lang" in elem.obj:
                value = _text(elem.obj.get("/Lang"))
                if value is None or not _valid_language(value):
                    bad.append(f"{value!r} on {elem.label()}")
        if bad:
            self.add("7.2", f"/Lang is not a valid language identifier (RFC 3066): {_examples(bad)}")

    # -- 7.2: outlines ----------------------------------------------------------------------------

    def check_outlines(self) -> None:
        outlines = self.root.get("/Outlines")
        if not _is_dict(outlines) or "/First" not in outlines:
            return
        count, stack, seen = 0, [outlines.get("/First")], set()
        while stack:
            item = stack.pop()
            if not _is_dict(item) or _key(item) in seen:
                continue
            seen.add(_key(item))
            count += 1
            stack.append(item.get("/Next"))
            stack.append(item.get("/First"))
        self.bookmarks = count
        if count and not self.catalog_lang:
            self.add("7.2", f"the language of the bookmark (outline) titles cannot be determined: {self._no_catalog_lang()}")

    def check_form_fields(self) -> None:
        form = self.root.get("/AcroForm")
        if not _is_dict(form):
            return
        stack = list(_array(form.get("/Fields")))
        seen: set = set()
        missing: list[str] = []
        while stack:
            node = stack.pop()
            if not _is_dict(node) or _key(node) in seen:
                continue
            seen.add(_key(node))
            stack.extend(_array(node.get("/Kids")))
            if "/TU" not in node or self.catalog_lang or _text(node.get("/Lang")):
                continue
            widgets = [node] + [k for k in _array(node.get("/Kids")) if _is_dict(k)]
            if any((e := self._struct_parent(w)) is not None and e.lang for w in widgets):
                continue
            missing.append(repr(_text(node.get("/T")) or "?"))
        if missing:
            self.add("7.2", f"the language of form field /TU names cannot be determined: {_examples(missing)}")
