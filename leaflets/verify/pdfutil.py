"""Small helpers every check module shares: reading pikepdf objects leniently (a malformed
object reads as None, never raises), object identity, language tags, and wording findings.

No clause of its own. The names keep their leading underscore: they are private to the
`leaflets.verify` package, not part of its API.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

#: ISO 32000-1 14.9.2 language identifiers: RFC 3066 Language-Tag syntax.
_LANGUAGE_TAG = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")
_MAX_EXAMPLES = 3
#: A hex string token (content streams, CMaps).
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")


def _name(obj: Any) -> str | None:
    """A PDF name (or, leniently, a string) without its slash; None for anything else."""
    if isinstance(obj, Name):
        return str(obj)[1:]
    if isinstance(obj, pikepdf.String):
        return str(obj)
    return None


def _text(obj: Any) -> str | None:
    """A text string's value, or None when `obj` is not a string."""
    if isinstance(obj, pikepdf.String):
        try:
            return str(obj)
        except UnicodeDecodeError:
            return bytes(obj).decode("latin-1")
    return None


def _int(obj: Any) -> int | None:
    if isinstance(obj, bool):
        return None
    if isinstance(obj, int):
        return obj
    if isinstance(obj, pikepdf.Object) and obj._type_code == pikepdf.ObjectType.integer:
        return int(obj)
    return None


def _number(obj: Any) -> float | None:
    try:
        if isinstance(obj, pikepdf.Object) and obj._type_code in (pikepdf.ObjectType.integer, pikepdf.ObjectType.real):
            return float(obj)
        if isinstance(obj, (int, float)) and not isinstance(obj, bool):
            return float(obj)
        from decimal import Decimal

        if isinstance(obj, Decimal):
            return float(obj)
    except (TypeError, ValueError):
        return None
    return None


def _key(obj: Any) -> Any:
    """A hashable identity: the object number for indirect objects; for direct objects their
    serialised form (an id() would be reused once pikepdf's temporary wrapper is freed)."""
    try:
        gen = obj.objgen
    except (AttributeError, TypeError, ValueError):
        return ("python", id(obj))
    if gen != (0, 0):
        return gen
    try:
        return ("direct", bytes(obj.unparse()))
    except (AttributeError, TypeError, ValueError, pikepdf.PdfError):
        return ("python", id(obj))


def _is_dict(obj: Any) -> bool:
    return isinstance(obj, (Dictionary, Stream))


def _array(obj: Any) -> list:
    if isinstance(obj, Array):
        return list(obj)
    if obj is None:
        return []
    return [obj]


def _valid_language(value: str) -> bool:
    return bool(_LANGUAGE_TAG.fullmatch(value))


def _examples(items: Iterable[str]) -> str:
    """The first few distinct items, and how many more there are."""
    unique = list(dict.fromkeys(items))
    shown = ", ".join(unique[:_MAX_EXAMPLES])
    return shown + (f" and {len(unique) - _MAX_EXAMPLES} more" if len(unique) > _MAX_EXAMPLES else "")


def _inherited(node: Any, key: str, limit: int = 64) -> Any:
    """A page attribute, looked up through /Parent (Resources, CropBox, MediaBox are inheritable)."""
    while _is_dict(node) and limit:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        limit -= 1
    return None


def _stream_bytes(stream: Stream) -> bytes:
    """A stream's decoded data; empty when its filters cannot decode it (what the checks then
    look for in it is not there, which they report)."""
    try:
        return stream.read_bytes()
    except pikepdf.PdfError:
        return b""


def _hex_bytes(token: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", token)
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode("ascii"))


def _pages(numbers: Iterable[int]) -> str:
    """Page numbers as ranges: "1-3, 7"."""
    ordered = sorted(set(numbers))
    runs: list[str] = []
    start = previous = None
    for n in ordered + [None]:
        if start is not None and n == previous + 1:
            previous = n
            continue
        if start is not None:
            runs.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = n
    return ", ".join(runs)
