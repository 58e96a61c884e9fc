"""Fonts (ISO 14289-1 7.21), checked on the font dictionaries the content streams use:
embedding (7.21.4.1), CIDFonts and CMaps (7.21.3.1 to 7.21.3.3), TrueType encodings (7.21.6),
Unicode mapping (7.21.7, also filed under 7.2 as Matterhorn 10-001 does) and .notdef (7.21.8).

The checks that need the embedded font program itself are in `fontprogram.py`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

import pikepdf
from pikepdf import Name, Stream

from .cmaps import (_PREDEFINED_CMAPS, _cid_ranges, _codespace_ranges, _glyph_unicode, _parse_to_unicode,
                    _predefined_ordering)
from .fontprogram import _FontProgramChecks
from .pdfutil import _array, _examples, _int, _is_dict, _key, _name, _pages, _text

_UNICODE_COLLECTIONS = frozenset({"GB1", "CNS1", "Japan1", "Korea1"})
_PREDEFINED_SIMPLE_ENCODINGS = frozenset({"WinAnsiEncoding", "MacRomanEncoding", "MacExpertEncoding"})


@dataclass
class _FontUse:
    font: Any
    codes: set = field(default_factory=set)
    rendered: bool = False  # used with a text rendering mode other than 3 (invisible)
    pages: set = field(default_factory=set)


class FontChecks:
    """Each font met in the content streams, with the character codes it showed."""

    # -- 7.21: fonts ------------------------------------------------------------------------------------

    def _font_use(self, font: Any) -> _FontUse:
        k = _key(font)
        use = self.font_uses.get(k)
        if use is None:
            use = self.font_uses[k] = _FontUse(font)
        return use

    def _font_info(self, font: Any) -> "_FontInfo":
        cache = self.__dict__.setdefault("_font_infos", {})
        k = _key(font)
        info = cache.get(k)
        if info is None:
            info = cache[k] = _FontInfo(font)
        return info

    def check_fonts(self) -> None:
        for use in self.font_uses.values():
            info = self._font_info(use.font)
            pages = _pages(use.pages) if use.pages else "?"
            for clause, message in info.problems(use.codes, use.rendered):
                self.add(clause, f"font {info.base_name} (page(s) {pages}): {message}")


class _FontInfo(_FontProgramChecks):
    """What the 7.21 checks need to know about one font dictionary, computed once; the checks
    that need the embedded font program come from `fontprogram._FontProgramChecks`."""

    def __init__(self, font: Any):
        self.font = font
        self.subtype = _name(font.get("/Subtype")) if _is_dict(font) else None
        self.base_name = _name(font.get("/BaseFont")) if _is_dict(font) else None
        self.base_name = self.base_name or "(unnamed)"
        self.descendant = None
        if self.subtype == "Type0":
            kids = _array(font.get("/DescendantFonts"))
            self.descendant = kids[0] if kids and _is_dict(kids[0]) else None
        self.encoding = font.get("/Encoding") if _is_dict(font) else None
        self._ranges: list[tuple[int, bytes, bytes]] | None = None
        self._to_unicode: dict[int, str] | None = None
        self._cid_map: dict[int, int] | None = None
        self._init_decoding()

    # decoding character codes
    def _init_decoding(self) -> None:
        if self.subtype != "Type0":
            return
        enc = self.encoding
        if isinstance(enc, Stream):
            try:
                data = enc.read_bytes()
            except pikepdf.PdfError:
                data = b""
            self._ranges = _codespace_ranges(data)
            self._cid_map = _cid_ranges(data)
        else:
            name = _name(enc) or ""
            if "RKSJ" in name:
                self._ranges = [(1, b"\x00", b"\x80"), (2, b"\x81\x40", b"\x9f\xfc"), (1, b"\xa0", b"\xdf"),
                                (2, b"\xe0\x40", b"\xfc\xfc")]
            elif name and not any(t in name for t in ("Identity", "UCS2", "UTF16")) and name not in ("H", "V"):
                self._ranges = [(1, b"\x00", b"\x80"), (2, b"\x81\x40", b"\xfe\xfe")]

    def codes(self, data: bytes) -> Iterable[int]:
        if self.subtype != "Type0":
            return data  # iterating bytes yields ints
        ranges = self._ranges
        if not ranges:
            return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)]
        out, i, n = [], 0, len(data)
        while i < n:
            for length, lo, hi in ranges:
                chunk = data[i:i + length]
                if len(chunk) == length and all(lo[j] <= chunk[j] <= hi[j] for j in range(length)):
                    out.append(int.from_bytes(chunk, "big"))
                    i += length
                    break
            else:
                length = min((r[0] for r in ranges), default=1)
                out.append(int.from_bytes(data[i:i + length], "big"))
                i += max(length, 1)
        return out

    def to_unicode(self) -> dict[int, str] | None:
        if self._to_unicode is None:
            stream = self.font.get("/ToUnicode")
            if isinstance(stream, Stream):
                try:
                    self._to_unicode = _parse_to_unicode(stream.read_bytes())
                except pikepdf.PdfError:
                    self._to_unicode = {}
            else:
                self._to_unicode = None
                return None
        return self._to_unicode

    def problems(self, codes: set[int], rendered: bool) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        font = self.font
        if not _is_dict(font):
            return [("7.21", "font resource is not a dictionary")]
        # 7.21.4.1: embedding (Type3 glyphs are content streams; Type0 is checked via its CIDFont)
        if rendered and self.subtype != "Type3":
            target = self.descendant if self.subtype == "Type0" else font
            descriptor = target.get("/FontDescriptor") if _is_dict(target) else None
            if not _is_dict(descriptor) or not any(
                    isinstance(descriptor.get(k), Stream) for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                out.append(("7.21.4.1", "font program is not embedded"))
        if self.subtype == "Type0":
            out += self._composite_problems()
        elif self.subtype == "TrueType":
            out += self._truetype_encoding_problems()
        out += self._unicode_problems(codes)
        out += self._program_problems(codes, rendered)
        return out

    def _composite_problems(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        cid_font = self.descendant
        enc = self.encoding
        if not _is_dict(cid_font):
            return [("7.21.3.1", "Type0 font has no descendant CIDFont")]
        cid_info = cid_font.get("/CIDSystemInfo")
        # 7.21.3.3: CMaps must be predefined (Table 118) or embedded; WMode consistent; no non-standard usecmap
        cmap_name = None
        cmap_info = None
        if isinstance(enc, Name):
            cmap_name = _name(enc)
            if cmap_name not in _PREDEFINED_CMAPS:
                out.append(("7.21.3.3", f"CMap {cmap_name} is neither predefined nor embedded"))
        elif isinstance(enc, Stream):
            cmap_name = _name(enc.get("/CMapName"))
            cmap_info = enc.get("/CIDSystemInfo")
            try:
                data = enc.read_bytes()
            except pikepdf.PdfError:
                data = b""
            match = re.search(rb"/WMode\s+(\d+)\s+def", data)
            stream_wmode = int(match.group(1)) if match else 0
            dict_wmode = _int(enc.get("/WMode")) or 0
            if stream_wmode != dict_wmode:
                out.append(("7.21.3.3", f"embedded CMap WMode {stream_wmode} differs from its dictionary's /WMode {dict_wmode}"))
            use = enc.get("/UseCMap")
            used = _name(use) if isinstance(use, Name) else (_name(use.get("/CMapName")) if isinstance(use, Stream) else None)
            for m in re.finditer(rb"/([^\s/\[\]<>()]+)\s+usecmap", data):
                used = used or m.group(1).decode("latin-1")
            if used is not None and used not in _PREDEFINED_CMAPS:
                out.append(("7.21.3.3", f"CMap references the non-predefined CMap {used}"))
        # 7.21.3.1: CIDSystemInfo of CIDFont and CMap compatible (unless Identity-H/V)
        if cmap_name not in ("Identity-H", "Identity-V"):
            if _is_dict(cmap_info) and _is_dict(cid_info):
                reg_a, reg_b = _text(cid_info.get("/Registry")), _text(cmap_info.get("/Registry"))
                ord_a, ord_b = _text(cid_info.get("/Ordering")), _text(cmap_info.get("/Ordering"))
                sup_a, sup_b = _int(cid_info.get("/Supplement")), _int(cmap_info.get("/Supplement"))
                if reg_a != reg_b or ord_a != ord_b:
                    out.append(("7.21.3.1", f"CIDFont uses {reg_a}-{ord_a} but the CMap {reg_b}-{ord_b}"))
                elif sup_a is None or sup_b is None or sup_a > sup_b:
                    out.append(("7.21.3.1", f"CIDFont Supplement {sup_a} exceeds the CMap's Supplement {sup_b}"))
            elif isinstance(enc, Name) and _is_dict(cid_info) and cmap_name in _PREDEFINED_CMAPS:
                registry = _text(cid_info.get("/Registry")) or ""
                ordering = _text(cid_info.get("/Ordering")) or ""
                expected = _predefined_ordering(cmap_name)
                if expected and (registry, ordering) != ("Adobe", expected):
                    out.append(("7.21.3.1", f"CIDFont uses {registry}-{ordering} but CMap {cmap_name} is Adobe-{expected}"))
        # 7.21.3.2: embedded CIDFontType2 needs a CIDToGIDMap (stream or /Identity)
        if _name(cid_font.get("/Subtype")) == "CIDFontType2":
            descriptor = cid_font.get("/FontDescriptor")
            embedded = _is_dict(descriptor) and any(isinstance(descriptor.get(k), Stream)
                                                   for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            mapping = cid_font.get("/CIDToGIDMap")
            if embedded and not (isinstance(mapping, Stream) or _name(mapping) == "Identity"):
                out.append(("7.21.3.2", "Type 2 CIDFont has no valid /CIDToGIDMap (stream or /Identity)"))
        return out

    def _truetype_encoding_problems(self) -> list[tuple[str, str]]:
        descriptor = self.font.get("/FontDescriptor")
        flags = _int(descriptor.get("/Flags")) if _is_dict(descriptor) else None
        symbolic = bool((flags or 0) & 4)
        enc = self.encoding
        if symbolic:
            if enc is not None:
                return [("7.21.6", "symbolic TrueType font has an /Encoding entry")]
            return []
        base = _name(enc) if isinstance(enc, Name) else (_name(enc.get("/BaseEncoding")) if _is_dict(enc) else None)
        if base not in ("MacRomanEncoding", "WinAnsiEncoding"):
            return [("7.21.6", f"non-symbolic TrueType font has encoding {base or 'none'}, "
                               "not MacRomanEncoding or WinAnsiEncoding")]
        if _is_dict(enc):
            names = [_name(d) for d in _array(enc.get("/Differences")) if isinstance(d, Name)]
            unknown = [n for n in names if n and not _glyph_unicode(n)]
            if unknown:
                return [("7.21.6", f"non-symbolic TrueType font's /Differences use glyph names outside the Adobe "
                                   f"Glyph List: {_examples(unknown)}")]
        return []

    def _simple_glyph_names(self) -> tuple[dict[int, str], str | None]:
        enc = self.encoding
        differences: dict[int, str] = {}
        base = _name(enc) if isinstance(enc, Name) else None
        if _is_dict(enc):
            base = _name(enc.get("/BaseEncoding"))
            code = 0
            for item in _array(enc.get("/Differences")):
                number = _int(item)
                if number is not None:
                    code = number
                elif isinstance(item, Name):
                    differences[code] = _name(item) or ""
                    code += 1
        return differences, base

    def _unicode_problems(self, codes: set[int]) -> list[tuple[str, str]]:
        if not codes:
            return []
        out: list[tuple[str, str]] = []
        to_unicode = self.to_unicode() or {}
        bad_values = sorted(c for c in codes if c in to_unicode and any(ch in "\x00\ufeff\ufffe" for ch in to_unicode[c]))
        if bad_values:
            out.append(("7.21.7", f"ToUnicode maps character code(s) {_examples([hex(c) for c in bad_values])} "
                                  "to U+0000, U+FEFF or U+FFFE"))
        unmapped = [c for c in codes if c not in to_unicode]
        if not unmapped:
            return out
        missing = [c for c in unmapped if not self._has_implicit_unicode(c)]
        if missing:
            how = "no ToUnicode map" if self.font.get("/ToUnicode") is None else "the ToUnicode map misses them"
            codes_text = _examples([hex(c) for c in sorted(missing)])
            out.append(("7.21.7", f"character code(s) {codes_text} cannot be mapped to Unicode ({how}, and the "
                                  "font qualifies for no other mapping)"))
            # Matterhorn 10-001 files the same failure under 7.2 (text shall be mappable to Unicode)
            out.append(("7.2", f"text shown with character code(s) {codes_text} has no Unicode equivalent"))
        notdef = []
        if self.subtype in ("Type1", "MMType1", "Type3", "TrueType"):
            differences, _ = self._simple_glyph_names()
            notdef = sorted(c for c in codes if differences.get(c) == ".notdef")
        if notdef:
            out.append(("7.21.8", f"character code(s) {_examples([hex(c) for c in notdef])} use the .notdef glyph"))
        return out

    def _has_implicit_unicode(self, code: int) -> bool:
        """ISO 14289-1 7.21.7: exemptions from ToUnicode for a used character code."""
        subtype = self.subtype
        if subtype == "Type0":
            info = self.descendant.get("/CIDSystemInfo") if _is_dict(self.descendant) else None
            return (_is_dict(info) and _text(info.get("/Registry")) == "Adobe"
                    and _text(info.get("/Ordering")) in _UNICODE_COLLECTIONS)
        differences, base = self._simple_glyph_names()
        if code in differences:
            name = differences[code]
            if subtype == "TrueType":
                return self._nonsymbolic() or bool(_glyph_unicode(name))
            return bool(_glyph_unicode(name))
        if base in _PREDEFINED_SIMPLE_ENCODINGS:
            return True
        if subtype == "TrueType":
            return self._nonsymbolic()
        if subtype in ("Type1", "MMType1"):
            return True  # StandardEncoding or the font's built-in encoding: glyph names from the font program
        return False

    def _nonsymbolic(self) -> bool:
        descriptor = self.font.get("/FontDescriptor")
        flags = _int(descriptor.get("/Flags")) if _is_dict(descriptor) else None
        return flags is not None and not flags & 4
