"""PDF features PDF/UA restricts, each checked on its own dictionaries: optional content
configurations (ISO 14289-1 7.10), embedded file specifications (7.11), dynamic XFA forms (7.15),
encryption permissions (7.16) and XObjects (7.20: no reference XObjects; a form XObject with
MCIDs painted once).
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from pikepdf import Array, Dictionary, Name, Stream

from .pdfutil import _array, _examples, _int, _is_dict, _key, _text


class FeatureChecks:
    """7.10, 7.11, 7.15, 7.16 and 7.20; 7.20 uses what `ContentChecks` recorded about form XObjects."""

    # -- 7.10, 7.11, 7.15, 7.16, 7.20 -----------------------------------------------------------------

    def check_optional_content(self) -> None:
        props = self.root.get("/OCProperties")
        if not _is_dict(props):
            return
        configs = [props.get("/D")] + _array(props.get("/Configs"))
        for index, config in enumerate(configs):
            if not _is_dict(config):
                continue
            which = "the default configuration (/D)" if index == 0 else f"configuration {index} in /Configs"
            name = _text(config.get("/Name"))
            if not name:
                self.add("7.10", f"optional content {which} has no non-empty /Name")
            if "/AS" in config:
                self.add("7.10", f"optional content {which} has an /AS entry")

    def check_embedded_files(self) -> None:
        bad: list[str] = []
        for spec in self._file_specs():
            if "/EF" in spec and not (_text(spec.get("/F")) and _text(spec.get("/UF"))):
                bad.append(repr(_text(spec.get("/UF")) or _text(spec.get("/F")) or "?"))
        if bad:
            self.add("7.11", f"embedded file specification lacks a non-empty /F and /UF: {_examples(bad)}")

    def _file_specs(self) -> Iterator[Dictionary]:
        seen: set = set()
        for obj in self.pdf.objects:
            if isinstance(obj, Dictionary) and "/EF" in obj:
                seen.add(_key(obj))
                yield obj
        for page in self.pdf.pages:
            for annot in _array(page.obj.get("/Annots")):
                if _is_dict(annot):
                    spec = annot.get("/FS")
                    if _is_dict(spec) and _key(spec) not in seen:
                        seen.add(_key(spec))
                        yield spec
        names = self.root.get("/Names")
        tree = names.get("/EmbeddedFiles") if _is_dict(names) else None
        for _name_, spec in _name_tree(tree):
            if _is_dict(spec) and _key(spec) not in seen:
                seen.add(_key(spec))
                yield spec

    def check_xfa(self) -> None:
        form = self.root.get("/AcroForm")
        xfa = form.get("/XFA") if _is_dict(form) else None
        if xfa is None:
            return
        streams = [xfa] if isinstance(xfa, Stream) else [s for s in _array(xfa) if isinstance(s, Stream)]
        for stream in streams:
            data = stream.read_bytes()
            if re.search(rb"<(?:[\w.-]+:)?dynamicRender\b[^>]*>\s*required\s*</(?:[\w.-]+:)?dynamicRender\s*>", data):
                self.add("7.15", "the document uses a dynamic XFA form (dynamicRender required)")
                return

    def check_encryption(self) -> None:
        encrypt = self.pdf.trailer.get("/Encrypt")
        if not _is_dict(encrypt):
            return
        p = _int(encrypt.get("/P"))
        if p is None:
            self.add("7.16", "the encryption dictionary has no /P permissions")
        elif not p & 512:
            self.add("7.16", "encryption denies assistive technology access (bit 10 of /P is not set)")

    def check_xobjects(self) -> None:
        refs = 0
        for obj in self.pdf.objects:
            if isinstance(obj, Stream) and obj.get("/Subtype") == Name.Form and "/Ref" in obj:
                refs += 1
        if refs:
            self.add("7.20", f"the document contains {refs} reference XObject(s) (/Ref)")
        for k, form in self.forms_with_mcid.items():
            if self.form_uses[k] > 1:
                self.add("7.20", f"a form XObject with tagged content (MCIDs) is painted {self.form_uses[k]} times")


def _name_tree(node: Any, depth: int = 0) -> Iterator[tuple[Any, Any]]:
    if not _is_dict(node) or depth > 32:
        return
    names = node.get("/Names")
    if isinstance(names, Array):
        for i in range(0, len(names) - 1, 2):
            yield names[i], names[i + 1]
    for kid in _array(node.get("/Kids")):
        yield from _name_tree(kid, depth + 1)
