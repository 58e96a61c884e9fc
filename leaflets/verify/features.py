"""PDF features PDF/UA restricts, each checked on its own dictionaries: optional content
configurations (ISO 14289-1 7.10), embedded file specifications (7.11), dynamic XFA forms (7.15),
encryption permissions (7.16) and XObjects (7.20: no reference XObjects; a form XObject with
MCIDs painted once, as the content walk counted).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterator

from pikepdf import Array, Dictionary, Name, Stream

from .findings import Finding
from .pdfutil import _array, _examples, _int, _is_dict, _key, _text

if TYPE_CHECKING:
    from .index import PdfIndex

_DYNAMIC_XFA = re.compile(rb"<(?:[\w.-]+:)?dynamicRender\b[^>]*>\s*required\s*</(?:[\w.-]+:)?dynamicRender\s*>")


def check_optional_content(index: PdfIndex) -> list[Finding]:
    """7.10: every optional content configuration has a /Name and no /AS."""
    props = index.root.get("/OCProperties")
    if not _is_dict(props):
        return []
    out = []
    for number, config in enumerate([props.get("/D")] + _array(props.get("/Configs"))):
        if not _is_dict(config):
            continue
        which = "the default configuration (/D)" if number == 0 else f"configuration {number} in /Configs"
        if not _text(config.get("/Name")):
            out.append(Finding("7.10", f"optional content {which} has no non-empty /Name"))
        if "/AS" in config:
            out.append(Finding("7.10", f"optional content {which} has an /AS entry"))
    return out


def check_embedded_files(index: PdfIndex) -> list[Finding]:
    """7.11: every embedded file specification has a non-empty /F and /UF."""
    bad = [repr(_text(spec.get("/UF")) or _text(spec.get("/F")) or "?") for spec in _file_specs(index)
           if "/EF" in spec and not (_text(spec.get("/F")) and _text(spec.get("/UF")))]
    return [Finding("7.11", f"embedded file specification lacks a non-empty /F and /UF: {_examples(bad)}")] if bad else []


def _file_specs(index: PdfIndex) -> Iterator[Dictionary]:
    """File specifications anywhere: among all objects, on annotations, in the EmbeddedFiles name tree."""
    seen: set = set()
    names = index.root.get("/Names")
    candidates = [
        (obj for obj in index.pdf.objects if isinstance(obj, Dictionary) and "/EF" in obj),
        (annot.get("/FS") for page in index.pages for annot in _array(page.get("/Annots")) if _is_dict(annot)),
        (spec for _name_, spec in _name_tree(names.get("/EmbeddedFiles") if _is_dict(names) else None)),
    ]
    for spec in (spec for group in candidates for spec in group):
        if _is_dict(spec) and _key(spec) not in seen:
            seen.add(_key(spec))
            yield spec


def check_xfa(index: PdfIndex) -> list[Finding]:
    """7.15: no dynamic XFA form."""
    form = index.root.get("/AcroForm")
    xfa = form.get("/XFA") if _is_dict(form) else None
    streams = [xfa] if isinstance(xfa, Stream) else [s for s in _array(xfa) if isinstance(s, Stream)]
    if any(_DYNAMIC_XFA.search(stream.read_bytes()) for stream in streams):
        return [Finding("7.15", "the document uses a dynamic XFA form (dynamicRender required)")]
    return []


def check_encryption(index: PdfIndex) -> list[Finding]:
    """7.16: encryption leaves assistive technology its access (bit 10 of /P)."""
    encrypt = index.pdf.trailer.get("/Encrypt")
    if not _is_dict(encrypt):
        return []
    p = _int(encrypt.get("/P"))
    if p is None:
        return [Finding("7.16", "the encryption dictionary has no /P permissions")]
    if not p & 512:
        return [Finding("7.16", "encryption denies assistive technology access (bit 10 of /P is not set)")]
    return []


def check_xobjects(index: PdfIndex) -> list[Finding]:
    """7.20: no reference XObjects; a form XObject with MCIDs is painted once."""
    refs = sum(1 for obj in index.pdf.objects
               if isinstance(obj, Stream) and obj.get("/Subtype") == Name.Form and "/Ref" in obj)
    out = [Finding("7.20", f"the document contains {refs} reference XObject(s) (/Ref)")] if refs else []
    uses = index.content.form_uses
    return out + [Finding("7.20", f"a form XObject with tagged content (MCIDs) is painted {uses[k]} times")
                  for k in index.content.forms_with_mcid if uses[k] > 1]


def _name_tree(node: Any, depth: int = 0) -> Iterator[tuple[Any, Any]]:
    if not _is_dict(node) or depth > 32:
        return
    names = node.get("/Names")
    if isinstance(names, Array):
        for i in range(0, len(names) - 1, 2):
            yield names[i], names[i + 1]
    for kid in _array(node.get("/Kids")):
        yield from _name_tree(kid, depth + 1)
