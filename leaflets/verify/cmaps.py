"""From character codes to CIDs, glyph names and Unicode: predefined CMaps (ISO 32000-1 Table
118), embedded and ToUnicode CMap streams, the predefined simple-font encodings (Annex D) and the
Adobe Glyph List.

No clause of its own: the font checks of ISO 14289-1 7.21.3 and 7.21.7 read fonts through it.
"""
from __future__ import annotations

import re
from typing import Iterator

from .pdfutil import _HEX, _hex_bytes

#: ISO 32000-1:2008, 9.7.5.2, Table 118: predefined CMaps, which need not be embedded.
_PREDEFINED_CMAPS = frozenset(
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


def _predefined_ordering(cmap: str) -> str | None:
    """The Adobe character collection of a predefined CMap (ISO 32000-1 Table 118)."""
    if cmap in ("Identity-H", "Identity-V"):
        return None
    if "GB" in cmap:
        return "GB1"
    if "CNS" in cmap or "B5" in cmap:
        return "CNS1"
    if "KS" in cmap or "UHC" in cmap:
        return "Korea1"
    if "JIS" in cmap or "RKSJ" in cmap or cmap in ("H", "V", "EUC-H", "EUC-V"):
        return "Japan1"
    return None


_ENCODING_TABLES: dict[str, list[str | None]] = {}


def _encoding_glyph_name(encoding: str | None, code: int) -> str | None:
    """The glyph name a predefined simple-font encoding gives a code (Annex D of ISO 32000-1)."""
    if encoding is None or not 0 <= code < 256:
        return None
    table = _ENCODING_TABLES.get(encoding)
    if table is None:
        table = [None] * 256
        try:
            if encoding == "MacRomanEncoding":
                from fontTools.encodings.MacRoman import MacRoman
                table = [n if n != ".notdef" else None for n in MacRoman]
            elif encoding == "StandardEncoding":
                from fontTools.encodings.StandardEncoding import StandardEncoding
                table = [n if n != ".notdef" else None for n in StandardEncoding]
            elif encoding == "WinAnsiEncoding":
                from fontTools.agl import UV2AGL
                for c in range(32, 256):
                    try:
                        char = bytes([c]).decode("cp1252")
                    except UnicodeDecodeError:
                        continue
                    table[c] = UV2AGL.get(ord(char))
                table[0xA0], table[0xAD] = "space", "hyphen"
        except ImportError:
            pass
        _ENCODING_TABLES[encoding] = table
    return table[code]


_GLYPH_CACHE: dict[str, str] = {}


def _glyph_unicode(name: str) -> str:
    """Unicode for a glyph name per the Adobe Glyph List (uniXXXX/uXXXXX forms included)."""
    if name in _GLYPH_CACHE:
        return _GLYPH_CACHE[name]
    try:
        from fontTools.agl import toUnicode  # shipped with WeasyPrint's fontTools dependency
        value = toUnicode(name)
    except Exception:  # fontTools missing or a malformed name: treat as unmapped
        value = ""
    _GLYPH_CACHE[name] = value
    return value


def _cmap_sections(data: bytes, begin: bytes, end: bytes) -> Iterator[bytes]:
    for m in re.finditer(rb"\b" + begin + rb"\b(.*?)\b" + end + rb"\b", data, re.S):
        yield m.group(1)


def _utf16(raw: bytes) -> str:
    if len(raw) % 2:
        raw = raw + b"\x00"
    return raw.decode("utf-16-be", errors="surrogatepass")


def _parse_to_unicode(data: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for section in _cmap_sections(data, b"beginbfchar", b"endbfchar"):
        tokens = re.findall(rb"<[0-9A-Fa-f\s]*>|/[^\s<\[/]+", section)
        for i in range(0, len(tokens) - 1, 2):
            src, dst = tokens[i], tokens[i + 1]
            if src.startswith(b"<") and dst.startswith(b"<"):
                out[int.from_bytes(_hex_bytes(src[1:-1]), "big")] = _utf16(_hex_bytes(dst[1:-1]))
            elif src.startswith(b"<"):
                out[int.from_bytes(_hex_bytes(src[1:-1]), "big")] = _glyph_unicode(dst[1:].decode("latin-1")) or "\ufffd"
    for section in _cmap_sections(data, b"beginbfrange", b"endbfrange"):
        for m in re.finditer(rb"<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(<[0-9A-Fa-f\s]*>|\[[^\]]*\])", section):
            lo = int.from_bytes(_hex_bytes(m.group(1)), "big")
            hi = int.from_bytes(_hex_bytes(m.group(2)), "big")
            if hi < lo or hi - lo > 0xFFFF:
                continue
            dst = m.group(3)
            if dst.startswith(b"["):
                for offset, item in enumerate(_HEX.findall(dst)):
                    if lo + offset > hi:
                        break
                    out[lo + offset] = _utf16(_hex_bytes(item))
            else:
                start = _hex_bytes(dst[1:-1])
                if not start:
                    for code in range(lo, hi + 1):
                        out[code] = ""
                    continue
                prefix, last = start[:-2], int.from_bytes(start[-2:], "big")
                for code in range(lo, hi + 1):
                    value = last + (code - lo)
                    out[code] = _utf16(prefix + (value & 0xFFFF).to_bytes(2, "big"))
    return out


def _codespace_ranges(data: bytes) -> list[tuple[int, bytes, bytes]]:
    ranges = []
    for section in _cmap_sections(data, b"begincodespacerange", b"endcodespacerange"):
        tokens = _HEX.findall(section)
        for i in range(0, len(tokens) - 1, 2):
            lo, hi = _hex_bytes(tokens[i]), _hex_bytes(tokens[i + 1])
            if lo and len(lo) == len(hi):
                ranges.append((len(lo), lo, hi))
    ranges.sort(key=lambda r: r[0])
    return ranges


def _cid_ranges(data: bytes) -> dict[int, int]:
    out: dict[int, int] = {}
    for section in _cmap_sections(data, b"begincidchar", b"endcidchar"):
        for m in re.finditer(rb"<([0-9A-Fa-f\s]*)>\s*(\d+)", section):
            out[int.from_bytes(_hex_bytes(m.group(1)), "big")] = int(m.group(2))
    for section in _cmap_sections(data, b"begincidrange", b"endcidrange"):
        for m in re.finditer(rb"<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(\d+)", section):
            lo = int.from_bytes(_hex_bytes(m.group(1)), "big")
            hi = int.from_bytes(_hex_bytes(m.group(2)), "big")
            if 0 <= hi - lo <= 0xFFFF:
                for code in range(lo, hi + 1):
                    out[code] = int(m.group(3)) + code - lo
    return out
