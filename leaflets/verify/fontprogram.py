"""Checks against the embedded font program, read with fontTools: the glyphs that character codes
select are present (ISO 14289-1 7.21.4.1), a subset's /CharSet or /CIDSet lists its glyphs
(7.21.4.2), dictionary widths match the program's (7.21.5), a TrueType program has the 'cmap'
subtables its encoding needs (7.21.6), and no code selects .notdef (7.21.8).
"""
from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pikepdf
from pikepdf import Array, Name, Stream

from .cmaps import _encoding_glyph_name, _glyph_unicode
from .pdfutil import _array, _examples, _int, _is_dict, _name, _number, _text


class _FontProgramChecks:
    """The part of `fonts._FontInfo` that needs the font program; mixed into it."""

    # -- checks that need the embedded font program (fontTools) --------------------------------

    def _descriptor(self) -> Any:
        target = self.descendant if self.subtype == "Type0" else self.font
        descriptor = target.get("/FontDescriptor") if _is_dict(target) else None
        return descriptor if _is_dict(descriptor) else None

    def program(self) -> "_FontProgram | None":
        if "_program" not in self.__dict__:
            descriptor = self._descriptor()
            self._program = _FontProgram.load(descriptor) if descriptor is not None else None
        return self._program

    def _program_problems(self, codes: set[int], rendered: bool) -> list[tuple[str, str]]:
        with _quiet_fonttools():
            return self._program_problems_quietly(codes, rendered)

    def _program_problems_quietly(self, codes: set[int], rendered: bool) -> list[tuple[str, str]]:
        if self.subtype == "Type3":
            return []
        descriptor = self._descriptor()
        program = self.program()
        if descriptor is None or program is None:
            return []
        out: list[tuple[str, str]] = []
        subset = bool(re.match(r"[A-Z]{6}\+", self.base_name))
        # 7.21.4.2: CharSet / CIDSet of subset fonts list every glyph in the program
        if subset and self.subtype in ("Type1", "MMType1") and "/CharSet" in descriptor:
            listed = set(re.findall(r"/([^/\s]+)", _text(descriptor.get("/CharSet")) or "")) - {".notdef"}
            present = program.glyph_names() - {".notdef"}
            if present and listed != present:
                detail = []
                if present - listed:
                    detail.append(f"omits {_examples(sorted(present - listed))}")
                if listed - present:
                    detail.append(f"lists absent {_examples(sorted(listed - present))}")
                out.append(("7.21.4.2", f"/CharSet does not match the glyphs in the font program ({'; '.join(detail)})"))
        if subset and self.subtype == "Type0" and isinstance(descriptor.get("/CIDSet"), Stream):
            try:
                bitmap = descriptor.get("/CIDSet").read_bytes()
            except pikepdf.PdfError:
                bitmap = b""
            present = self._program_cids(program)
            missing = sorted(c for c in present if c // 8 >= len(bitmap) or not bitmap[c // 8] & (0x80 >> (c % 8)))
            if missing:
                out.append(("7.21.4.2", f"/CIDSet omits CID(s) {_examples([str(c) for c in missing])} "
                                        "present in the font program"))
        if self.subtype == "TrueType":
            out += program.truetype_cmap_problems(symbolic=not self._nonsymbolic())
            differences, _base = self._simple_glyph_names()
            if differences and self._nonsymbolic() and program.kind == "truetype" and (3, 1) not in program._cmaps():
                out.append(("7.21.6", "non-symbolic TrueType font has a /Differences array but its program has no "
                                      "Microsoft Unicode (3,1) 'cmap' subtable"))
        if not codes:
            return out
        absent, notdef, widths = [], [], []
        for code in sorted(codes):
            glyph = self._glyph(program, code)
            if glyph is None:
                continue
            if glyph == ".notdef" or glyph == 0:
                notdef.append(hex(code))
                continue
            if not program.has_glyph(glyph):
                absent.append(hex(code))
                continue
            if not rendered:
                continue
            expected = self._dictionary_width(code)
            actual = program.width(glyph)
            if expected is not None and actual is not None and abs(expected - actual) > 1:
                widths.append(f"{hex(code)}: {expected:g} vs {actual:g}")
        if notdef:
            out.append(("7.21.8", f"character code(s) {_examples(notdef)} select the .notdef glyph"))
        if absent and rendered:
            out.append(("7.21.4.1", f"glyph(s) for character code(s) {_examples(absent)} are missing from the "
                                    "embedded font program"))
        if widths:
            out.append(("7.21.5", f"glyph widths in the font dictionary differ from the font program "
                                  f"({_examples(widths)})"))
        return out

    def _program_cids(self, program: "_FontProgram") -> set[int]:
        if program.kind == "cff":
            cids = set()
            for name in program.glyph_names():
                if name.startswith("cid") and name[3:].isdigit():
                    cids.add(int(name[3:]))
                elif name == ".notdef":
                    cids.add(0)
            return cids
        count = program.glyph_count()
        mapping = self.descendant.get("/CIDToGIDMap") if _is_dict(self.descendant) else None
        if isinstance(mapping, Stream):
            try:
                table = mapping.read_bytes()
            except pikepdf.PdfError:
                return set()
            return {i // 2 for i in range(0, len(table) - 1, 2)
                    if int.from_bytes(table[i:i + 2], "big") < count and (i == 0 or table[i:i + 2] != b"\0\0")}
        return set(range(count))

    def _cid(self, code: int) -> int | None:
        enc = self.encoding
        if isinstance(enc, Name) and _name(enc) in ("Identity-H", "Identity-V"):
            return code
        if isinstance(enc, Stream):
            if self._cid_map is not None and code in self._cid_map:
                return self._cid_map[code]
            return None
        return None  # a predefined CJK CMap: the CID is not known without the CMap file

    def _glyph(self, program: "_FontProgram", code: int) -> Any:
        """The glyph a character code selects: a glyph name, a glyph id, or None when unknown."""
        if self.subtype == "Type0":
            cid = self._cid(code)
            if cid is None:
                return None
            if cid == 0:
                return ".notdef"
            if program.kind == "cff":
                return program.cid_glyph_name(cid)
            mapping = self.descendant.get("/CIDToGIDMap") if _is_dict(self.descendant) else None
            if isinstance(mapping, Stream):
                table = self.__dict__.get("_cid_to_gid")
                if table is None:
                    try:
                        table = self._cid_to_gid = mapping.read_bytes()
                    except pikepdf.PdfError:
                        table = self._cid_to_gid = b""
                if 2 * cid + 1 >= len(table):
                    return 0
                return int.from_bytes(table[2 * cid:2 * cid + 2], "big")
            return cid
        differences, base = self._simple_glyph_names()
        if self.subtype == "TrueType":
            name = differences.get(code) or _encoding_glyph_name(base, code)
            return program.truetype_glyph(code, name, symbolic=not self._nonsymbolic() or base is None and not differences)
        name = differences.get(code)
        if name is None:
            name = _encoding_glyph_name(base, code) if base else program.builtin_glyph_name(code)
        return name

    def _dictionary_width(self, code: int) -> float | None:
        font = self.font
        if self.subtype == "Type0":
            cid = self._cid(code)
            if cid is None or not _is_dict(self.descendant):
                return None
            widths = self.__dict__.get("_cid_widths")
            if widths is None:
                widths = self._cid_widths = _cid_width_table(self.descendant.get("/W"))
            if cid in widths:
                return widths[cid]
            default = _number(self.descendant.get("/DW"))
            return default if default is not None else 1000.0
        first = _int(font.get("/FirstChar"))
        table = font.get("/Widths")
        if first is None or not isinstance(table, Array) or not first <= code < first + len(table):
            return None
        return _number(table[code - first])


def _cid_width_table(w: Any) -> dict[int, float]:
    out: dict[int, float] = {}
    items = _array(w) if isinstance(w, Array) else []
    i = 0
    while i < len(items):
        first = _int(items[i])
        if first is None:
            break
        nxt = items[i + 1] if i + 1 < len(items) else None
        if isinstance(nxt, Array):
            for j, value in enumerate(nxt):
                number = _number(value)
                if number is not None:
                    out[first + j] = number
            i += 2
        else:
            last = _int(nxt)
            value = _number(items[i + 2]) if i + 2 < len(items) else None
            if last is None or value is None or last - first > 0xFFFF:
                break
            for cid in range(first, last + 1):
                out[cid] = value
            i += 3
    return out


class _quiet_fonttools:
    """fontTools logs warnings about odd but harmless font tables; verification reports its own findings."""

    def __enter__(self):
        import logging

        self.logger = logging.getLogger("fontTools")
        self.level = self.logger.level
        self.logger.setLevel(logging.ERROR)

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)
        return False


class _FontProgram:
    """An embedded font program, read with fontTools (a WeasyPrint dependency) when possible."""

    def __init__(self, kind: str, font: Any, extra: Any = None):
        self.kind = kind  # "truetype" (TTFont, glyf or CFF based), "cff" (bare CFF) or "type1"
        self.font = font
        self.extra = extra
        self._names: set[str] | None = None

    @classmethod
    def load(cls, descriptor: Any) -> "_FontProgram | None":
        with _quiet_fonttools():
            return cls._load(descriptor)

    @classmethod
    def _load(cls, descriptor: Any) -> "_FontProgram | None":
        try:
            if isinstance(descriptor.get("/FontFile2"), Stream):
                from fontTools.ttLib import TTFont

                return cls("truetype", TTFont(BytesIO(descriptor.get("/FontFile2").read_bytes()), lazy=True))
            stream = descriptor.get("/FontFile3")
            if isinstance(stream, Stream):
                data = stream.read_bytes()
                if _name(stream.get("/Subtype")) == "OpenType":
                    from fontTools.ttLib import TTFont

                    return cls("truetype", TTFont(BytesIO(data), lazy=True))
                from fontTools.cffLib import CFFFontSet

                fontset = CFFFontSet()
                fontset.decompile(BytesIO(data), None)
                return cls("cff", fontset[fontset.fontNames[0]])
            stream = descriptor.get("/FontFile")
            if isinstance(stream, Stream):
                from fontTools.t1Lib import T1Font

                t1 = T1Font.__new__(T1Font)
                t1.data, t1.encoding = stream.read_bytes(), "ascii"
                t1.parse()
                return cls("type1", t1.font)
        except Exception:  # an unreadable program: the program-level checks are skipped, not guessed
            return None
        return None

    def glyph_names(self) -> set[str]:
        if self._names is None:
            try:
                if self.kind == "truetype":
                    self._names = set(self.font.getGlyphOrder())
                elif self.kind == "cff":
                    self._names = set(self.font.charset)
                else:
                    self._names = set(self.font["CharStrings"].keys())
            except Exception:
                self._names = set()
        return self._names

    def glyph_count(self) -> int:
        try:
            if self.kind == "truetype":
                return self.font["maxp"].numGlyphs
        except Exception:
            return 0
        return len(self.glyph_names())

    def cid_glyph_name(self, cid: int) -> str | None:
        names = self.glyph_names()
        for candidate in (f"cid{cid:05d}", f"cid{cid}"):
            if candidate in names:
                return candidate
        return f"cid{cid:05d}"

    def has_glyph(self, glyph: Any) -> bool:
        if isinstance(glyph, int):
            return 0 <= glyph < self.glyph_count()
        return glyph in self.glyph_names()

    def builtin_glyph_name(self, code: int) -> str | None:
        try:
            if self.kind == "type1":
                encoding = self.font.get("Encoding")
                if isinstance(encoding, list) and code < len(encoding):
                    return encoding[code]
                return _encoding_glyph_name("StandardEncoding", code)
            if self.kind == "cff":
                encoding = getattr(self.font, "Encoding", "StandardEncoding")
                if isinstance(encoding, list):
                    return encoding[code] if code < len(encoding) else None
                return _encoding_glyph_name(encoding, code) if encoding == "StandardEncoding" else None
        except Exception:
            return None
        return None

    def _cmaps(self) -> dict[tuple[int, int], dict[int, str]]:
        if "_cmap_tables" not in self.__dict__:
            tables: dict[tuple[int, int], dict[int, str]] = {}
            try:
                for table in self.font["cmap"].tables:
                    tables.setdefault((table.platformID, table.platEncID), table.cmap)
            except Exception:
                pass
            self._cmap_tables = tables
        return self._cmap_tables

    def truetype_glyph(self, code: int, name: str | None, symbolic: bool) -> Any:
        """ISO 32000-1 9.6.6.4: the glyph a simple TrueType font selects for a code (name or gid)."""
        if self.kind != "truetype":
            return name
        cmaps = self._cmaps()
        if not symbolic and name:
            uni = _glyph_unicode(name)
            if (3, 1) in cmaps and uni and len(uni) == 1:
                glyph = cmaps[(3, 1)].get(ord(uni))
                if glyph is not None:
                    return glyph
            if (1, 0) in cmaps:
                from fontTools.encodings.MacRoman import MacRoman

                if name in MacRoman:
                    glyph = cmaps[(1, 0)].get(MacRoman.index(name))
                    if glyph is not None:
                        return glyph
            if name in self.glyph_names():
                return name
            return None
        if (3, 0) in cmaps:
            for offset in (0, 0xF000, 0xF100, 0xF200):
                glyph = cmaps[(3, 0)].get(code + offset)
                if glyph is not None:
                    return glyph
        if (1, 0) in cmaps:
            glyph = cmaps[(1, 0)].get(code)
            if glyph is not None:
                return glyph
        return None

    def width(self, glyph: Any) -> float | None:
        """Advance width of a glyph in 1/1000 text space units."""
        try:
            if self.kind == "truetype":
                font = self.font
                name = font.getGlyphName(glyph) if isinstance(glyph, int) else glyph
                if "hmtx" not in font:
                    return None
                advance = font["hmtx"][name][0]
                return advance * 1000.0 / font["head"].unitsPerEm
            from fontTools.pens.basePen import NullPen

            if self.kind == "cff":
                charstring = self.font.CharStrings[glyph]
                charstring.draw(NullPen())
                scale = (getattr(self.font, "FontMatrix", None) or [0.001])[0]
                return charstring.width * scale * 1000.0
            charstring = self.font["CharStrings"][glyph]
            charstring.draw(NullPen())
            scale = (self.font.get("FontMatrix") or [0.001])[0]
            return charstring.width * scale * 1000.0
        except Exception:
            return None

    def truetype_cmap_problems(self, symbolic: bool) -> list[tuple[str, str]]:
        """7.21.6: the 'cmap' subtables a TrueType font program needs."""
        if self.kind != "truetype":
            return []
        cmaps = self._cmaps()
        if not cmaps and "cmap" not in self.font:
            return [("7.21.6", "TrueType font program has no 'cmap' table")]
        has30 = (3, 0) in cmaps
        if symbolic:
            if len(cmaps) != 1 and not has30:
                return [("7.21.6", "symbolic TrueType font program has several 'cmap' subtables but no (3,0)")]
        elif not (len(cmaps) > 1 if has30 else cmaps):
            return [("7.21.6", "non-symbolic TrueType font program has no non-symbolic 'cmap' subtable")]
        return []
