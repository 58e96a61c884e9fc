"""Embedded font programs: a program the verifier cannot read is a 7.21.4.1 finding, never a pass.

The fonts are made here with fontTools' FontBuilder (three square glyphs), so the tests need no
font files."""
from __future__ import annotations

import struct
from io import BytesIO

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from pikepdf import Dictionary, Name
from test_verify import Doc, clauses

from leaflets.verify.fontprogram import read_type1

GLYPHS = (".notdef", "H", "i")


def tiny_truetype() -> bytes:
    pen = TTGlyphPen(None)
    for point in ((0, 0), (0, 500), (400, 500), (400, 0)):
        (pen.lineTo if point != (0, 0) else pen.moveTo)(point)
    pen.closePath()
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(list(GLYPHS))
    builder.setupCharacterMap({ord("H"): "H", ord("i"): "i"})
    builder.setupGlyf({name: pen.glyph() for name in GLYPHS})
    builder.setupHorizontalMetrics({name: (500, 0) for name in GLYPHS})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupOS2()
    builder.setupPost()
    builder.setupNameTable({"familyName": "Tiny", "styleName": "Regular"})
    out = BytesIO()
    builder.save(out)
    return out.getvalue()


def with_table_length(program: bytes, tag: bytes, length: int) -> bytes:
    """The program with one table directory entry claiming another length (a truncated table)."""
    data = bytearray(program)
    for entry in range(struct.unpack(">H", data[4:6])[0]):
        at = 12 + 16 * entry
        if data[at:at + 4] == tag:
            struct.pack_into(">L", data, at + 12, length)
    return bytes(data)


def truetype_font(doc: Doc, program: bytes, key: str = "/FontFile2") -> Dictionary:
    descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name("/Tiny"), Flags=32, ItalicAngle=0,
                            Ascent=800, Descent=-200, CapHeight=700, StemV=80, FontBBox=[0, 0, 400, 500])
    descriptor[key] = doc.pdf.make_stream(program)
    return Dictionary(Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/Tiny"), Encoding=Name.WinAnsiEncoding,
                      FirstChar=72, LastChar=105, Widths=[500] * 34, FontDescriptor=descriptor)


def test_readable_embedded_truetype_font_conforms():
    doc = Doc()
    doc.use_font(truetype_font(doc, tiny_truetype()))
    assert doc.findings() == []


def test_font_program_that_cannot_be_parsed_is_7_21_4_1_naming_the_font():
    doc = Doc()
    doc.use_font(truetype_font(doc, b"this is not a font program"))
    findings = doc.findings()
    assert clauses(findings) == {"7.21.4.1"}
    assert "Tiny" in findings[0].message and "cannot be read" in findings[0].message


def test_font_program_with_a_truncated_table_is_7_21_4_1():
    # regression: a table fontTools failed to decode only when a check read it (here the widths
    # in 'hmtx') was swallowed by `except Exception`, and the font passed unchecked
    doc = Doc()
    doc.use_font(truetype_font(doc, with_table_length(tiny_truetype(), b"hmtx", 2)))
    findings = doc.findings()
    assert clauses(findings) == {"7.21.4.1"}
    assert "hmtx" in findings[0].message


def test_type1_font_program_that_cannot_be_parsed_is_7_21_4_1():
    doc = Doc()
    font = truetype_font(doc, b"%!PS-AdobeFont-1.0: Tiny\n/FontName /Tiny def\ncurrentfile eexec\n\x80\x81",
                         key="/FontFile")
    font.Subtype = Name.Type1
    doc.use_font(font)
    assert "7.21.4.1" in clauses(doc.findings())


def test_type1_reader_needs_no_trailing_zeros():
    # embedded Type 1 programs usually end after the eexec part (/Length3 0); T1Font(path) insists
    # on the 512 zeros, read_type1 does not
    clear = b"%!PS-AdobeFont-1.0: Tiny\n11 dict begin\n/FontName /Tiny def\n/FontType 1 def\n" \
            b"/FontMatrix [0.001 0 0 0.001 0 0] readonly def\n/Encoding StandardEncoding def\n" \
            b"currentdict end\ncurrentfile eexec\n"
    private = b"dup /Private 8 dict dup begin\n/RD {string currentfile exch readstring pop} executeonly def\n" \
              b"/ND {noaccess def} executeonly def\n/NP {noaccess put} executeonly def\n/lenIV 4 def\n" \
              b"/Subrs 0 array ND\n2 index /CharStrings 1 dict dup begin\n/.notdef %d RD %s ND\nend\nend\n" \
              b"readonly put\nnoaccess put\ndup /FontName get exch definefont pop\nmark currentfile closefile\n"
    from fontTools.misc import eexec
    notdef = eexec.encrypt(b"\0\0\0\0" + bytes([139, 248, 236, 13, 14]), 4330)[0]  # 0 500 hsbw endchar
    body = private.replace(b"%d RD %s", b"%d RD " % len(notdef) + notdef)
    font = read_type1(clear + eexec.encrypt(b"\0\0\0\0" + body, 55665)[0])
    assert set(font["CharStrings"].keys()) == {".notdef"}
