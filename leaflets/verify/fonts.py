"""Fonts (ISO 14289-1 7.21), checked on the font dictionaries the content streams use:
embedding (7.21.4.1), CIDFonts and CMaps (7.21.3.1 to 7.21.3.3), TrueType encodings (7.21.6),
Unicode mapping (7.21.7, also filed under 7.2 as Matterhorn 10-001 does) and .notdef (7.21.8).

`read_font` reads a font dictionary once into a `FontInfo` (the content walk needs it to split
shown strings into character codes); the checks that need the embedded font program itself are
in `fontprogram.py`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from pikepdf import Array, Dictionary, Name, Stream

from .cmaps import PREDEFINED_CMAPS, cid_map, codespace_ranges, glyph_unicode, parse_to_unicode, predefined_ordering
from .findings import Finding
from .fontprogram import program_problems
from .pdfutil import _array, _examples, _int, _is_dict, _name, _number, _pages, _stream_bytes, _text

if TYPE_CHECKING:
    from .index import PdfIndex

_UNICODE_COLLECTIONS = frozenset({"GB1", "CNS1", "Japan1", "Korea1"})
_PREDEFINED_SIMPLE_ENCODINGS = frozenset({"WinAnsiEncoding", "MacRomanEncoding", "MacExpertEncoding"})
_SIMPLE_FONTS = frozenset({"Type1", "MMType1", "Type3", "TrueType"})
_SYMBOLIC = 4  # font descriptor flag bit 3
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
#: Code space of predefined CJK CMaps, approximated by lead byte (the CMap files are not shipped).
_SHIFT_JIS = [(1, b"\x00", b"\x80"), (2, b"\x81\x40", b"\x9f\xfc"), (1, b"\xa0", b"\xdf"), (2, b"\xe0\x40", b"\xfc\xfc")]
_DOUBLE_BYTE = [(1, b"\x00", b"\x80"), (2, b"\x81\x40", b"\xfe\xfe")]


@dataclass(frozen=True)
class FontInfo:
    """What the 7.21 checks need to know about one font dictionary, read once."""

    font: Dictionary
    subtype: str | None
    base_name: str
    descendant: Any  # a Type0 font's CIDFont dictionary, else None
    encoding: Any  # /Encoding as written: a name, a dictionary or an embedded CMap stream
    cmap_data: bytes = b""  # an embedded CMap's stream
    ranges: list[tuple[int, bytes, bytes]] | None = None  # Type0 code space: (bytes per code, low, high)
    cid_map: dict[int, int] | None = None  # an embedded CMap's code -> CID
    to_unicode: dict[int, str] | None = None  # None when there is no ToUnicode stream
    differences: dict[int, str] = field(default_factory=dict)  # simple fonts: code -> glyph name
    base_encoding: str | None = None
    flags: int | None = None  # the font's own descriptor /Flags
    cid_to_gid: bytes | None = None  # a Type0 font's /CIDToGIDMap stream; None when not a stream
    cid_widths: dict[int, float] = field(default_factory=dict)  # a Type0 font's /W

    @property
    def descriptor(self) -> Any:
        """The descriptor holding the font program (the CIDFont's for Type0), or None."""
        target = self.descendant if self.subtype == "Type0" else self.font
        descriptor = target.get("/FontDescriptor") if _is_dict(target) else None
        return descriptor if _is_dict(descriptor) else None

    @property
    def nonsymbolic(self) -> bool:
        return self.flags is not None and not self.flags & _SYMBOLIC

    def codes(self, data: bytes) -> Iterable[int]:
        """The character codes of a shown string."""
        if self.subtype != "Type0":
            return data  # iterating bytes yields ints
        if not self.ranges:
            return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)]
        return _split(data, self.ranges)

    def cid(self, code: int) -> int | None:
        """A Type0 font's CID for a code; None when unknown (a predefined CJK CMap)."""
        if isinstance(self.encoding, Name) and _name(self.encoding) in ("Identity-H", "Identity-V"):
            return code
        return self.cid_map.get(code) if self.cid_map is not None else None

    def dictionary_width(self, code: int) -> float | None:
        """The width the font dictionary gives a code (/W and /DW, or /FirstChar and /Widths)."""
        if self.subtype == "Type0":
            cid = self.cid(code)
            if cid is None or not _is_dict(self.descendant):
                return None
            default = _number(self.descendant.get("/DW"))
            return self.cid_widths.get(cid, default if default is not None else 1000.0)
        first = _int(self.font.get("/FirstChar"))
        table = self.font.get("/Widths")
        if first is None or not isinstance(table, Array) or not first <= code < first + len(table):
            return None
        return _number(table[code - first])


def _split(data: bytes, ranges: list[tuple[int, bytes, bytes]]) -> list[int]:
    out, i, n = [], 0, len(data)
    shortest = max(min(r[0] for r in ranges), 1)
    while i < n:
        length = next((length for length, lo, hi in ranges if _in_range(data[i:i + length], length, lo, hi)), 0)
        out.append(int.from_bytes(data[i:i + (length or shortest)], "big"))
        i += length or shortest
    return out


def _in_range(chunk: bytes, length: int, lo: bytes, hi: bytes) -> bool:
    return len(chunk) == length and all(lo[j] <= chunk[j] <= hi[j] for j in range(length))


@dataclass
class FontTally:
    """A font while the content walk counts what it shows."""

    info: FontInfo
    codes: set[int] = field(default_factory=set)
    rendered: bool = False
    pages: set[int] = field(default_factory=set)

    def freeze(self) -> FontUse:
        return FontUse(self.info, frozenset(self.codes), self.rendered, frozenset(self.pages))


@dataclass(frozen=True)
class FontUse:
    """One font met in the content streams, with the character codes it showed."""

    info: FontInfo
    codes: frozenset[int]
    rendered: bool  # used with a text rendering mode other than 3 (invisible)
    pages: frozenset[int]


# -- reading ---------------------------------------------------------------------------------


def read_font(font: Dictionary) -> FontInfo:
    subtype = _name(font.get("/Subtype"))
    kids = _array(font.get("/DescendantFonts")) if subtype == "Type0" else []
    descendant = kids[0] if kids and _is_dict(kids[0]) else None
    encoding = font.get("/Encoding")
    cmap_data = _stream_bytes(encoding) if subtype == "Type0" and isinstance(encoding, Stream) else b""
    descriptor = font.get("/FontDescriptor")
    differences, base_encoding = _simple_encoding(encoding)
    mapping = descendant.get("/CIDToGIDMap") if descendant is not None else None
    return FontInfo(
        font, subtype, _name(font.get("/BaseFont")) or "(unnamed)", descendant, encoding, cmap_data,
        ranges=_code_space(encoding, cmap_data) if subtype == "Type0" else None,
        cid_map=cid_map(cmap_data) if subtype == "Type0" and isinstance(encoding, Stream) else None,
        to_unicode=parse_to_unicode(_stream_bytes(font.get("/ToUnicode"))) if isinstance(font.get("/ToUnicode"), Stream) else None,
        differences=differences, base_encoding=base_encoding,
        flags=_int(descriptor.get("/Flags")) if _is_dict(descriptor) else None,
        cid_to_gid=_stream_bytes(mapping) if isinstance(mapping, Stream) else None,
        cid_widths=_cid_width_table(descendant.get("/W")) if descendant is not None else {},
    )


def _code_space(encoding: Any, cmap_data: bytes) -> list[tuple[int, bytes, bytes]] | None:
    if isinstance(encoding, Stream):
        return codespace_ranges(cmap_data)
    name = _name(encoding) or ""
    if "RKSJ" in name:
        return _SHIFT_JIS
    if name and not any(t in name for t in ("Identity", "UCS2", "UTF16")) and name not in ("H", "V"):
        return _DOUBLE_BYTE
    return None


def _simple_encoding(enc: Any) -> tuple[dict[int, str], str | None]:
    """A simple font's /Differences (code -> glyph name) and base encoding name."""
    if not _is_dict(enc):
        return {}, _name(enc) if isinstance(enc, Name) else None
    differences: dict[int, str] = {}
    code = 0
    for item in _array(enc.get("/Differences")):
        number = _int(item)
        if number is not None:
            code = number
        elif isinstance(item, Name):
            differences[code] = _name(item) or ""
            code += 1
    return differences, _name(enc.get("/BaseEncoding"))


def _cid_width_table(w: Any) -> dict[int, float]:
    """A CIDFont's /W array: `c [w1 w2 ...]` and `c_first c_last w` entries."""
    out: dict[int, float] = {}
    items = _array(w) if isinstance(w, Array) else []
    i = 0
    while i < len(items):
        first = _int(items[i])
        nxt = items[i + 1] if i + 1 < len(items) else None
        if first is None:
            break
        if isinstance(nxt, Array):
            out.update((first + j, n) for j, n in enumerate(_number(v) for v in nxt) if n is not None)
            i += 2
            continue
        last, value = _int(nxt), _number(items[i + 2]) if i + 2 < len(items) else None
        if last is None or value is None or last - first > 0xFFFF:
            break
        out.update((cid, value) for cid in range(first, last + 1))
        i += 3
    return out


# -- checks ----------------------------------------------------------------------------------


def check_fonts(index: PdfIndex) -> list[Finding]:
    """7.21: every font used in the content, on its dictionary and its embedded program."""
    out = []
    for use in index.content.fonts.values():
        pages = _pages(use.pages) if use.pages else "?"
        for clause, message in dictionary_problems(use) + program_problems(use):
            out.append(Finding(clause, f"font {use.info.base_name} (page(s) {pages}): {message}"))
    return out


def dictionary_problems(use: FontUse) -> list[tuple[str, str]]:
    info = use.info
    out: list[tuple[str, str]] = []
    # 7.21.4.1: embedding (Type3 glyphs are content streams; Type0 is checked via its CIDFont)
    if use.rendered and info.subtype != "Type3" and not _embedded(info.descriptor):
        out.append(("7.21.4.1", "font program is not embedded"))
    if info.subtype == "Type0":
        out += _composite_problems(info)
    elif info.subtype == "TrueType":
        out += _truetype_encoding_problems(info)
    return out + _unicode_problems(info, use.codes)


def _embedded(descriptor: Any) -> bool:
    return _is_dict(descriptor) and any(isinstance(descriptor.get(k), Stream) for k in _FONT_FILES)


def _composite_problems(info: FontInfo) -> list[tuple[str, str]]:
    if not _is_dict(info.descendant):
        return [("7.21.3.1", "Type0 font has no descendant CIDFont")]
    return _cmap_problems(info) + _system_info_problems(info) + _cid_to_gid_problems(info)


def _cmap_problems(info: FontInfo) -> list[tuple[str, str]]:
    """7.21.3.3: a CMap is predefined (Table 118) or embedded, its WMode consistent, no non-standard usecmap."""
    enc = info.encoding
    if isinstance(enc, Name):
        name = _name(enc)
        return [] if name in PREDEFINED_CMAPS else [("7.21.3.3", f"CMap {name} is neither predefined nor embedded")]
    if not isinstance(enc, Stream):
        return []
    out = []
    match = re.search(rb"/WMode\s+(\d+)\s+def", info.cmap_data)
    stream_wmode, dict_wmode = int(match.group(1)) if match else 0, _int(enc.get("/WMode")) or 0
    if stream_wmode != dict_wmode:
        out.append(("7.21.3.3", f"embedded CMap WMode {stream_wmode} differs from its dictionary's /WMode {dict_wmode}"))
    use = enc.get("/UseCMap")
    used = _name(use) if isinstance(use, Name) else (_name(use.get("/CMapName")) if isinstance(use, Stream) else None)
    for m in re.finditer(rb"/([^\s/\[\]<>()]+)\s+usecmap", info.cmap_data):
        used = used or m.group(1).decode("latin-1")
    if used is not None and used not in PREDEFINED_CMAPS:
        out.append(("7.21.3.3", f"CMap references the non-predefined CMap {used}"))
    return out


def _system_info_problems(info: FontInfo) -> list[tuple[str, str]]:
    """7.21.3.1: CIDSystemInfo of CIDFont and CMap compatible (unless Identity-H/V)."""
    enc = info.encoding
    cid_info = info.descendant.get("/CIDSystemInfo")
    cmap_name = _name(enc) if isinstance(enc, Name) else _name(enc.get("/CMapName")) if isinstance(enc, Stream) else None
    cmap_info = enc.get("/CIDSystemInfo") if isinstance(enc, Stream) else None
    if cmap_name in ("Identity-H", "Identity-V") or not _is_dict(cid_info):
        return []
    if _is_dict(cmap_info):
        reg_a, reg_b = _text(cid_info.get("/Registry")), _text(cmap_info.get("/Registry"))
        ord_a, ord_b = _text(cid_info.get("/Ordering")), _text(cmap_info.get("/Ordering"))
        sup_a, sup_b = _int(cid_info.get("/Supplement")), _int(cmap_info.get("/Supplement"))
        if reg_a != reg_b or ord_a != ord_b:
            which = "Registry" if reg_a != reg_b else "Ordering"
            return [("7.21.3.1", f"CIDSystemInfo {which} differs: CIDFont uses {reg_a}-{ord_a} but the CMap {reg_b}-{ord_b}")]
        if sup_a is None or sup_b is None or sup_a > sup_b:
            return [("7.21.3.1", f"CIDFont Supplement {sup_a} exceeds the CMap's Supplement {sup_b}")]
        return []
    if not isinstance(enc, Name) or cmap_name not in PREDEFINED_CMAPS:
        return []
    registry, ordering = _text(cid_info.get("/Registry")) or "", _text(cid_info.get("/Ordering")) or ""
    expected = predefined_ordering(cmap_name)
    if expected and (registry, ordering) != ("Adobe", expected):
        which = "Registry" if registry != "Adobe" else "Ordering"
        return [("7.21.3.1", f"CIDSystemInfo {which} differs: CIDFont uses {registry}-{ordering} but CMap {cmap_name} "
                             f"is Adobe-{expected}")]
    return []


def _cid_to_gid_problems(info: FontInfo) -> list[tuple[str, str]]:
    """7.21.3.2: an embedded CIDFontType2 needs a CIDToGIDMap (stream or /Identity)."""
    cid_font = info.descendant
    if _name(cid_font.get("/Subtype")) != "CIDFontType2" or not _embedded(cid_font.get("/FontDescriptor")):
        return []
    mapping = cid_font.get("/CIDToGIDMap")
    if isinstance(mapping, Stream) or _name(mapping) == "Identity":
        return []
    return [("7.21.3.2", "Type 2 CIDFont has no valid /CIDToGIDMap (stream or /Identity)")]


def _truetype_encoding_problems(info: FontInfo) -> list[tuple[str, str]]:
    """7.21.6: a non-symbolic TrueType font uses MacRoman or WinAnsi with AGL names; a symbolic one no /Encoding."""
    enc = info.encoding
    if (info.flags or 0) & _SYMBOLIC:
        return [("7.21.6", "symbolic TrueType font has an /Encoding entry")] if enc is not None else []
    base = _name(enc) if isinstance(enc, Name) else (_name(enc.get("/BaseEncoding")) if _is_dict(enc) else None)
    if base not in ("MacRomanEncoding", "WinAnsiEncoding"):
        return [("7.21.6", f"non-symbolic TrueType font has encoding {base or 'none'}, "
                           "not MacRomanEncoding or WinAnsiEncoding")]
    names = [_name(d) for d in _array(enc.get("/Differences")) if isinstance(d, Name)] if _is_dict(enc) else []
    unknown = [n for n in names if n and not glyph_unicode(n)]
    if unknown:
        return [("7.21.6", "non-symbolic TrueType font's /Differences use glyph names outside the Adobe "
                           f"Glyph List: {_examples(unknown)}")]
    return []


def _unicode_problems(info: FontInfo, codes: frozenset[int]) -> list[tuple[str, str]]:
    """7.21.7: used codes map to Unicode, and not to U+0000, U+FEFF or U+FFFE; 7.21.8: no .notdef."""
    if not codes:
        return []
    out: list[tuple[str, str]] = []
    to_unicode = info.to_unicode or {}
    bad_values = sorted(c for c in codes if c in to_unicode and any(ch in "\x00\ufeff\ufffe" for ch in to_unicode[c]))
    if bad_values:
        out.append(("7.21.7", f"ToUnicode maps character code(s) {_examples([hex(c) for c in bad_values])} "
                              "to U+0000, U+FEFF or U+FFFE"))
    unmapped = [c for c in codes if c not in to_unicode]
    if not unmapped:
        return out
    missing = [c for c in unmapped if not _has_implicit_unicode(info, c)]
    if missing:
        how = "no ToUnicode map" if info.font.get("/ToUnicode") is None else "the ToUnicode map misses them"
        codes_text = _examples([hex(c) for c in sorted(missing)])
        out.append(("7.21.7", f"character code(s) {codes_text} cannot be mapped to Unicode ({how}, and the "
                              "font qualifies for no other mapping)"))
        # Matterhorn 10-001 files the same failure under 7.2 (text shall be mappable to Unicode)
        out.append(("7.2", f"text shown with character code(s) {codes_text} has no Unicode equivalent"))
    notdef = sorted(c for c in codes if info.differences.get(c) == ".notdef") if info.subtype in _SIMPLE_FONTS else []
    if notdef:
        out.append(("7.21.8", f"character code(s) {_examples([hex(c) for c in notdef])} use the .notdef glyph"))
    return out


def _has_implicit_unicode(info: FontInfo, code: int) -> bool:
    """ISO 14289-1 7.21.7: exemptions from ToUnicode for a used character code."""
    if info.subtype == "Type0":
        cid_info = info.descendant.get("/CIDSystemInfo") if _is_dict(info.descendant) else None
        return (_is_dict(cid_info) and _text(cid_info.get("/Registry")) == "Adobe"
                and _text(cid_info.get("/Ordering")) in _UNICODE_COLLECTIONS)
    if code in info.differences:
        named = bool(glyph_unicode(info.differences[code]))
        return info.nonsymbolic or named if info.subtype == "TrueType" else named
    if info.base_encoding in _PREDEFINED_SIMPLE_ENCODINGS:
        return True
    if info.subtype == "TrueType":
        return info.nonsymbolic
    # StandardEncoding or the font's built-in encoding: glyph names from the font program
    return info.subtype in ("Type1", "MMType1")
