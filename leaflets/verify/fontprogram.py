"""Checks against the embedded font program, read with fontTools: the glyphs that character codes
select are present (ISO 14289-1 7.21.4.1), a subset's /CharSet or /CIDSet lists its glyphs
(7.21.4.2), dictionary widths match the program's (7.21.5), a TrueType program has the 'cmap'
subtables its encoding needs (7.21.6), and no code selects .notdef (7.21.8).

A program fontTools cannot read is itself a finding (7.21.4.1): the checks above cannot be made
on it, and a verifier that skipped them silently would pass a font no reader can render.
"""
from __future__ import annotations

import logging
import re
import struct
from contextlib import contextmanager
from functools import cached_property
from io import BytesIO
from typing import TYPE_CHECKING, Any, Iterator

import pikepdf
from fontTools.cffLib import CFFFontSet
from fontTools.encodings.MacRoman import MacRoman
from fontTools.misc import eexec, psLib
from fontTools.misc.psCharStrings import T1CharString
from fontTools.pens.basePen import NullPen
from fontTools.t1Lib import T1Error
from fontTools.ttLib import TTFont, TTLibError
from pikepdf import Stream

from .cmaps import encoding_glyph_name, glyph_unicode
from .pdfutil import _examples, _name, _stream_bytes, _text

if TYPE_CHECKING:
    from .fonts import FontInfo, FontUse

#: What reading a malformed font program raises: a stream that cannot be decoded, fontTools' own
#: errors, and the plain ones its table decoders let through (struct.error on a short table,
#: IndexError or KeyError on a bad offset, AssertionError on a failed sanity check, ...).
FONT_ERRORS = (pikepdf.PdfError, TTLibError, T1Error, psLib.PSError, psLib.PSTokenError, struct.error, EOFError,
               ValueError, KeyError, IndexError, TypeError, AttributeError, AssertionError, ZeroDivisionError,
               OverflowError)
_SUBSET = re.compile(r"[A-Z]{6}\+")
_TYPE1_CHARSTRING_KEY = 4330  # eexec key of Type 1 charstrings (Adobe Type 1 Font Format, 7.2)
_SYMBOL_OFFSETS = (0, 0xF000, 0xF100, 0xF200)  # where a (3,0) subtable may put single-byte codes


@contextmanager
def _quiet_fonttools() -> Iterator[None]:
    """fontTools logs warnings about odd but harmless font tables; verification reports its own findings."""
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def program_problems(use: FontUse) -> list[tuple[str, str]]:
    """The 7.21 problems found in a font's embedded program; one 7.21.4.1 problem if it cannot be read."""
    info = use.info
    if info.subtype == "Type3" or info.descriptor is None:
        return []
    try:
        with _quiet_fonttools():
            program = load_program(info.descriptor)
            return [] if program is None else _problems(info, use, program)
    except FONT_ERRORS as exc:
        return [("7.21.4.1", f"the embedded font program cannot be read ({type(exc).__name__}: {exc})")]


def _problems(info: FontInfo, use: FontUse, program: FontProgram) -> list[tuple[str, str]]:
    out = _charset_problems(info, program) + _cidset_problems(info, program)
    if info.subtype == "TrueType":
        out += _truetype_problems(info, program)
    return out + _glyph_problems(info, use, program) if use.codes else out


# -- reading the program ---------------------------------------------------------------------


class FontProgram:
    """An embedded font program, read with fontTools (a WeasyPrint dependency). Tables are
    decoded when first used, so any method may raise one of FONT_ERRORS."""

    def __init__(self, kind: str, font: Any):
        self.kind = kind  # "truetype" (TTFont, glyf or CFF based), "cff" (bare CFF) or "type1"
        self.font = font

    @cached_property
    def glyph_names(self) -> frozenset[str]:
        if self.kind == "truetype":
            return frozenset(self.font.getGlyphOrder())
        if self.kind == "cff":
            return frozenset(self.font.charset)
        return frozenset(self.font["CharStrings"].keys())

    @cached_property
    def cmaps(self) -> dict[tuple[int, int], dict[int, str]]:
        """A TrueType program's 'cmap' subtables by (platform, encoding), the first of each."""
        tables: dict[tuple[int, int], dict[int, str]] = {}
        if self.kind == "truetype" and "cmap" in self.font:
            for table in self.font["cmap"].tables:
                tables.setdefault((table.platformID, table.platEncID), table.cmap)
        return tables

    def glyph_count(self) -> int:
        return self.font["maxp"].numGlyphs if self.kind == "truetype" else len(self.glyph_names)

    def cid_glyph_name(self, cid: int) -> str:
        return next((c for c in (f"cid{cid:05d}", f"cid{cid}") if c in self.glyph_names), f"cid{cid:05d}")

    def has_glyph(self, glyph: Any) -> bool:
        if isinstance(glyph, int):
            return 0 <= glyph < self.glyph_count()
        return glyph in self.glyph_names

    def builtin_glyph_name(self, code: int) -> str | None:
        """The glyph the program's own encoding gives a code (Type 1 and bare CFF programs)."""
        if self.kind == "type1":
            encoding = self.font.get("Encoding")
            if isinstance(encoding, list) and code < len(encoding):
                return encoding[code]
            return encoding_glyph_name("StandardEncoding", code)
        if self.kind == "cff":
            encoding = getattr(self.font, "Encoding", "StandardEncoding")
            if isinstance(encoding, list):
                return encoding[code] if code < len(encoding) else None
            return encoding_glyph_name(encoding, code) if encoding == "StandardEncoding" else None
        return None

    def truetype_glyph(self, code: int, name: str | None, symbolic: bool) -> Any:
        """ISO 32000-1 9.6.6.4: the glyph a simple TrueType font selects for a code (name or gid)."""
        if self.kind != "truetype":
            return name
        if not symbolic and name:
            return self._by_name(name)
        cmaps = self.cmaps
        in_30 = (cmaps[(3, 0)].get(code + offset) for offset in _SYMBOL_OFFSETS) if (3, 0) in cmaps else ()
        return next((g for g in in_30 if g is not None), None) or cmaps.get((1, 0), {}).get(code)

    def _by_name(self, name: str) -> Any:
        """A non-symbolic font: the glyph through the (3,1) subtable, the (1,0) one, or by name."""
        cmaps = self.cmaps
        uni = glyph_unicode(name)
        glyph = cmaps[(3, 1)].get(ord(uni)) if (3, 1) in cmaps and uni and len(uni) == 1 else None
        if glyph is None and (1, 0) in cmaps and name in MacRoman:
            glyph = cmaps[(1, 0)].get(MacRoman.index(name))
        if glyph is None and name in self.glyph_names:
            return name
        return glyph

    def width(self, glyph: Any) -> float | None:
        """Advance width of a glyph in 1/1000 text space units."""
        if self.kind == "truetype":
            if "hmtx" not in self.font:
                return None
            name = self.font.getGlyphName(glyph) if isinstance(glyph, int) else glyph
            return self.font["hmtx"][name][0] * 1000.0 / self.font["head"].unitsPerEm
        if self.kind == "cff":
            charstring, matrix = self.font.CharStrings[glyph], getattr(self.font, "FontMatrix", None)
        else:
            charstring, matrix = self.font["CharStrings"][glyph], self.font.get("FontMatrix")
        charstring.draw(NullPen())  # the width is known once the charstring has run
        return charstring.width * (matrix or [0.001])[0] * 1000.0


def load_program(descriptor: Any) -> FontProgram | None:
    """The program a font descriptor embeds (FontFile2, FontFile3 or FontFile), or None."""
    stream = descriptor.get("/FontFile2")
    if isinstance(stream, Stream):
        return FontProgram("truetype", TTFont(BytesIO(stream.read_bytes()), lazy=True))
    stream = descriptor.get("/FontFile3")
    if isinstance(stream, Stream):
        if _name(stream.get("/Subtype")) == "OpenType":
            return FontProgram("truetype", TTFont(BytesIO(stream.read_bytes()), lazy=True))
        fontset = CFFFontSet()
        fontset.decompile(BytesIO(stream.read_bytes()), None)
        return FontProgram("cff", fontset[fontset.fontNames[0]])
    stream = descriptor.get("/FontFile")
    if isinstance(stream, Stream):
        return FontProgram("type1", read_type1(stream.read_bytes()))
    return None


def read_type1(data: bytes) -> dict:
    """A Type 1 program (an embedded /FontFile: clear text, then the binary eexec part) as
    fontTools' font dictionary, its charstrings decrypted.

    `fontTools.t1Lib.T1Font` only reads from a path and insists on the 512 zeros that end a
    font file, which embedded programs usually leave out (/Length3 0); so this does what
    `T1Font.parse` does, with the public helpers it uses: `psLib.suckfont` runs the PostScript
    (decrypting the eexec part), `eexec.decrypt` opens each charstring and subroutine."""
    font = psLib.suckfont(data)
    private = font["Private"]
    skip = private.get("lenIV", 4)
    subrs = private.get("Subrs", [])
    for i, subr in enumerate(subrs):
        subrs[i] = T1CharString(eexec.decrypt(subr, _TYPE1_CHARSTRING_KEY)[0][skip:], subrs=subrs)
    charstrings = font["CharStrings"]
    for name, charstring in charstrings.items():
        charstrings[name] = T1CharString(eexec.decrypt(charstring, _TYPE1_CHARSTRING_KEY)[0][skip:], subrs=subrs)
    return font


# -- the checks ------------------------------------------------------------------------------


def _charset_problems(info: FontInfo, program: FontProgram) -> list[tuple[str, str]]:
    """7.21.4.2: a subset Type 1 font's /CharSet lists exactly the program's glyphs."""
    descriptor = info.descriptor
    if not (_SUBSET.match(info.base_name) and info.subtype in ("Type1", "MMType1") and "/CharSet" in descriptor):
        return []
    listed = set(re.findall(r"/([^/\s]+)", _text(descriptor.get("/CharSet")) or "")) - {".notdef"}
    present = program.glyph_names - {".notdef"}
    if not present or listed == present:
        return []
    detail = []
    if present - listed:
        detail.append(f"omits {_examples(sorted(present - listed))}")
    if listed - present:
        detail.append(f"lists absent {_examples(sorted(listed - present))}")
    return [("7.21.4.2", f"/CharSet does not match the glyphs in the font program ({'; '.join(detail)})")]


def _cidset_problems(info: FontInfo, program: FontProgram) -> list[tuple[str, str]]:
    """7.21.4.2: a subset CID font's /CIDSet has a bit for every CID in the program."""
    cid_set = info.descriptor.get("/CIDSet")
    if not (_SUBSET.match(info.base_name) and info.subtype == "Type0" and isinstance(cid_set, Stream)):
        return []
    bitmap = _stream_bytes(cid_set)
    missing = sorted(c for c in _program_cids(info, program)
                     if c // 8 >= len(bitmap) or not bitmap[c // 8] & (0x80 >> (c % 8)))
    if not missing:
        return []
    return [("7.21.4.2", f"/CIDSet omits CID(s) {_examples([str(c) for c in missing])} present in the font program")]


def _program_cids(info: FontInfo, program: FontProgram) -> set[int]:
    if program.kind == "cff":
        return {0 if name == ".notdef" else int(name[3:]) for name in program.glyph_names
                if name == ".notdef" or name.startswith("cid") and name[3:].isdigit()}
    count = program.glyph_count()
    table = info.cid_to_gid
    if table is None:
        return set(range(count))
    return {i // 2 for i in range(0, len(table) - 1, 2)
            if int.from_bytes(table[i:i + 2], "big") < count and (i == 0 or table[i:i + 2] != b"\0\0")}


def _truetype_problems(info: FontInfo, program: FontProgram) -> list[tuple[str, str]]:
    """7.21.6: the 'cmap' subtables a TrueType program needs for its font's encoding."""
    if program.kind != "truetype":
        return []
    cmaps = program.cmaps
    has30 = (3, 0) in cmaps
    if not cmaps and "cmap" not in program.font:
        out = [("7.21.6", "TrueType font program has no 'cmap' table")]
    elif not info.nonsymbolic and len(cmaps) != 1 and not has30:
        out = [("7.21.6", "symbolic TrueType font program has several 'cmap' subtables but no (3,0)")]
    elif info.nonsymbolic and not (len(cmaps) > 1 if has30 else cmaps):
        out = [("7.21.6", "non-symbolic TrueType font program has no non-symbolic 'cmap' subtable")]
    else:
        out = []
    if info.differences and info.nonsymbolic and (3, 1) not in cmaps:
        out.append(("7.21.6", "non-symbolic TrueType font has a /Differences array but its program has no "
                              "Microsoft Unicode (3,1) 'cmap' subtable"))
    return out


def _glyph_problems(info: FontInfo, use: FontUse, program: FontProgram) -> list[tuple[str, str]]:
    """7.21.8: no code selects .notdef; 7.21.4.1: the glyphs are there; 7.21.5: widths agree."""
    absent, notdef, widths = [], [], []
    for code in sorted(use.codes):
        glyph = _glyph(info, program, code)
        if glyph is None:
            continue
        if glyph == ".notdef" or glyph == 0:
            notdef.append(hex(code))
        elif not program.has_glyph(glyph):
            absent.append(hex(code))
        elif use.rendered:
            expected, actual = info.dictionary_width(code), program.width(glyph)
            if expected is not None and actual is not None and abs(expected - actual) > 1:
                widths.append(f"{hex(code)}: {expected:g} vs {actual:g}")
    out = [("7.21.8", f"character code(s) {_examples(notdef)} select the .notdef glyph")] if notdef else []
    if absent and use.rendered:
        out.append(("7.21.4.1", f"glyph(s) for character code(s) {_examples(absent)} are missing from the "
                                "embedded font program"))
    if widths:
        out.append(("7.21.5", f"glyph widths in the font dictionary differ from the font program ({_examples(widths)})"))
    return out


def _glyph(info: FontInfo, program: FontProgram, code: int) -> Any:
    """The glyph a character code selects: a glyph name, a glyph id, or None when unknown."""
    if info.subtype == "Type0":
        return _cid_glyph(info, program, info.cid(code))
    differences, base = info.differences, info.base_encoding
    if info.subtype == "TrueType":
        name = differences.get(code) or encoding_glyph_name(base, code)
        return program.truetype_glyph(code, name, symbolic=not info.nonsymbolic or base is None and not differences)
    name = differences.get(code)
    if name is None:
        name = encoding_glyph_name(base, code) if base else program.builtin_glyph_name(code)
    return name


def _cid_glyph(info: FontInfo, program: FontProgram, cid: int | None) -> Any:
    if cid is None:
        return None
    if cid == 0:
        return ".notdef"
    if program.kind == "cff":
        return program.cid_glyph_name(cid)
    table = info.cid_to_gid
    if table is None:
        return cid
    return int.from_bytes(table[2 * cid:2 * cid + 2], "big") if 2 * cid + 1 < len(table) else 0
