"""From character codes to CIDs, glyph names and Unicode: predefined CMaps (ISO 32000-1 Table
118), embedded and ToUnicode CMap streams, the predefined simple-font encodings (Annex D) and the
Adobe Glyph List.

No clause of its own: the font checks of ISO 14289-1 7.21.3 and 7.21.7 read fonts through it, and
the post-processor (`leaflets.postprocess.content`) decodes page text with `parse_to_unicode`, so
the two stages cannot disagree about what a text says.
"""
from __future__ import annotations

import re
from typing import Iterator

from fontTools.agl import UV2AGL, toUnicode
from fontTools.encodings.MacRoman import MacRoman
from fontTools.encodings.StandardEncoding import StandardEncoding

from .pdfutil import _HEX, _hex_bytes

#: ISO 32000-1:2008, 9.7.5.2, Table 118: predefined CMaps, which need not be embedded.
PREDEFINED_CMAPS = frozenset(
    """GB-EUC-H GB-EUC-V GBpc-EUC-H GBpc-EUC-V GBK-EUC-H GBK-EUC-V GBKp-EUC-H GBKp-EUC-V
    GBK2K-H GBK2K-V UniGB-UCS2-H UniGB-UCS2-V UniGB-UTF16-H UniGB-UTF16-V B5pc-H B5pc-V
    HKscs-B5-H HKscs-B5-V ETen-B5-H ETen-B5-V ETenms-B5-H ETenms-B5-V CNS-EUC-H CNS-EUC-V
    UniCNS-UCS2-H UniCNS-UCS2-V UniCNS-UTF16-H UniCNS-UTF16-V 83pv-RKSJ-H 90ms-RKSJ-H
    90ms-RKSJ-V 90msp-RKSJ-H 90msp-RKSJ-V 90pv-RKSJ-H Add-RKSJ-H Add-RKSJ-V EUC-H EUC-V
    Ext-RKSJ-H Ext-RKSJ-V H V UniJIS-UCS2-H UniJIS-UCS2-V UniJIS-UCS2-HW-H UniJIS-UCS2-HW-V
    UniJIS-UTF16-H UniJIS-UTF16-V KSC-EUC-H KSC-EUC-V KSCms-UHC-H KSCms-UHC-V KSCms-UHC-HW-H
    KSCms-UHC-HW-V KSCpc-EUC-H UniKS-UCS2-H UniKS-UCS2-V UniKS-UTF16-H UniKS-UTF16-V
    Identity-H Identity-V""".split()
)
#: The Adobe character collection a predefined CMap's name points to, first match wins.
_ORDERINGS = (("GB", "GB1"), ("CNS", "CNS1"), ("B5", "CNS1"), ("KS", "Korea1"), ("UHC", "Korea1"),
              ("JIS", "Japan1"), ("RKSJ", "Japan1"))
_RANGE_LIMIT = 0xFFFF  # a bfrange or cidrange wider than the two-byte code space is malformed


def predefined_ordering(cmap: str) -> str | None:
    """The Adobe character collection of a predefined CMap (ISO 32000-1 Table 118)."""
    if cmap in ("Identity-H", "Identity-V"):
        return None
    found = next((ordering for part, ordering in _ORDERINGS if part in cmap), None)
    if found is None and cmap in ("H", "V", "EUC-H", "EUC-V"):
        return "Japan1"
    return found


def _winansi_table() -> list[str | None]:
    table: list[str | None] = [None] * 256
    for code in range(32, 256):
        try:
            table[code] = UV2AGL.get(ord(bytes([code]).decode("cp1252")))
        except UnicodeDecodeError:  # the five codes cp1252 leaves undefined
            continue
    table[0xA0], table[0xAD] = "space", "hyphen"
    return table


_ENCODING_TABLES: dict[str, list[str | None]] = {
    "MacRomanEncoding": [n if n != ".notdef" else None for n in MacRoman],
    "StandardEncoding": [n if n != ".notdef" else None for n in StandardEncoding],
    "WinAnsiEncoding": _winansi_table(),
}


def encoding_glyph_name(encoding: str | None, code: int) -> str | None:
    """The glyph name a predefined simple-font encoding gives a code (Annex D of ISO 32000-1)."""
    table = _ENCODING_TABLES.get(encoding or "")
    return table[code] if table is not None and 0 <= code < 256 else None


_GLYPH_CACHE: dict[str, str] = {}


def glyph_unicode(name: str) -> str:
    """Unicode for a glyph name per the Adobe Glyph List (uniXXXX/uXXXXX forms included)."""
    if name not in _GLYPH_CACHE:
        try:
            _GLYPH_CACHE[name] = toUnicode(name)
        except ValueError:  # a uniXXXX name outside Unicode: unmapped
            _GLYPH_CACHE[name] = ""
    return _GLYPH_CACHE[name]


def _sections(data: bytes, begin: bytes, end: bytes) -> Iterator[bytes]:
    for m in re.finditer(rb"\b" + begin + rb"\b(.*?)\b" + end + rb"\b", data, re.S):
        yield m.group(1)


def _code(token: bytes) -> int:
    return int.from_bytes(_hex_bytes(token), "big")


def _utf16(raw: bytes) -> str:
    if len(raw) % 2:
        raw = raw + b"\x00"
    return raw.decode("utf-16-be", errors="surrogatepass")


def parse_to_unicode(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap stream as {character code: text} (ISO 32000-1 9.10.3): its bfchar and
    bfrange entries; a bfchar target may also be a glyph name."""
    out: dict[int, str] = {}
    for section in _sections(data, b"beginbfchar", b"endbfchar"):
        out.update(_bfchar(section))
    for section in _sections(data, b"beginbfrange", b"endbfrange"):
        out.update(_bfrange(section))
    return out


def _bfchar(section: bytes) -> Iterator[tuple[int, str]]:
    tokens = re.findall(rb"<[0-9A-Fa-f\s]*>|/[^\s<\[/]+", section)
    for src, dst in zip(tokens[::2], tokens[1::2]):
        if not src.startswith(b"<"):
            continue
        if dst.startswith(b"<"):
            yield _code(src[1:-1]), _utf16(_hex_bytes(dst[1:-1]))
        else:
            yield _code(src[1:-1]), glyph_unicode(dst[1:].decode("latin-1")) or "\ufffd"


def _bfrange(section: bytes) -> Iterator[tuple[int, str]]:
    for m in re.finditer(rb"<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(<[0-9A-Fa-f\s]*>|\[[^\]]*\])", section):
        lo, hi, dst = _code(m.group(1)), _code(m.group(2)), m.group(3)
        if hi < lo or hi - lo > _RANGE_LIMIT:
            continue
        if dst.startswith(b"["):  # one target per code
            yield from zip(range(lo, hi + 1), (_utf16(_hex_bytes(item)) for item in _HEX.findall(dst)))
        else:
            yield from _incremented(lo, hi, _hex_bytes(dst[1:-1]))


def _incremented(lo: int, hi: int, start: bytes) -> Iterator[tuple[int, str]]:
    """bfrange <lo> <hi> <start>: each code maps to `start` with its last two bytes incremented."""
    if not start:
        yield from ((code, "") for code in range(lo, hi + 1))
        return
    prefix, last = start[:-2], int.from_bytes(start[-2:], "big")
    for code in range(lo, hi + 1):
        yield code, _utf16(prefix + ((last + code - lo) & 0xFFFF).to_bytes(2, "big"))


def codespace_ranges(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """An embedded CMap's code space ranges as (bytes per code, low, high), shortest first."""
    ranges = []
    for section in _sections(data, b"begincodespacerange", b"endcodespacerange"):
        tokens = _HEX.findall(section)
        for lo_token, hi_token in zip(tokens[::2], tokens[1::2]):
            lo, hi = _hex_bytes(lo_token), _hex_bytes(hi_token)
            if lo and len(lo) == len(hi):
                ranges.append((len(lo), lo, hi))
    ranges.sort(key=lambda r: r[0])
    return ranges


def cid_map(data: bytes) -> dict[int, int]:
    """An embedded CMap's cidchar and cidrange entries as {character code: CID}."""
    out: dict[int, int] = {}
    for section in _sections(data, b"begincidchar", b"endcidchar"):
        for m in re.finditer(rb"<([0-9A-Fa-f\s]*)>\s*(\d+)", section):
            out[_code(m.group(1))] = int(m.group(2))
    for section in _sections(data, b"begincidrange", b"endcidrange"):
        for m in re.finditer(rb"<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(\d+)", section):
            lo, hi, first = _code(m.group(1)), _code(m.group(2)), int(m.group(3))
            if 0 <= hi - lo <= _RANGE_LIMIT:
                out.update((code, first + code - lo) for code in range(lo, hi + 1))
    return out
