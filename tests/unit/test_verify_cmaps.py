"""The one ToUnicode CMap parser, shared by the verifier and the post-processor."""
from __future__ import annotations

import pikepdf
from pikepdf import Dictionary, Name

from leaflets.postprocess import content as postprocess_content
from leaflets.verify.cmaps import cid_map, codespace_ranges, parse_to_unicode

CMAP = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <ffff> endcodespacerange
3 beginbfchar
<0003> <0020>
<01d4> <06440623>
<0005> /quotesingle
endbfchar
2 beginbfrange
<0010> <0012> <0041>
<0020> <0021> [<D83DDE00> <0062>]
endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end"""


def test_bfchar_maps_codes_to_utf16_text_or_glyph_names():
    mapping = parse_to_unicode(CMAP)
    assert mapping[0x03] == " "
    assert mapping[0x1D4] == "\u0644\u0623"  # a ligature: one code, two characters
    assert mapping[0x05] == "'"


def test_bfrange_increments_the_target_or_takes_one_per_code_from_an_array():
    mapping = parse_to_unicode(CMAP)
    assert [mapping[c] for c in (0x10, 0x11, 0x12)] == ["A", "B", "C"]
    assert mapping[0x20] == "\U0001F600" and mapping[0x21] == "b"  # a surrogate pair is one character


def test_malformed_ranges_are_skipped():
    assert parse_to_unicode(b"beginbfrange <0005> <0001> <0041> endbfrange") == {}
    assert parse_to_unicode(b"beginbfrange <000000> <ffffff> <0041> endbfrange") == {}


def test_codespace_and_cid_ranges_of_an_embedded_cmap():
    cmap = b"begincodespacerange <00> <80> <8140> <9ffc> endcodespacerange " \
           b"begincidrange <8140> <8142> 633 endcidrange begincidchar <20> 1 endcidchar"
    assert codespace_ranges(cmap) == [(1, b"\x00", b"\x80"), (2, b"\x81\x40", b"\x9f\xfc")]
    assert cid_map(cmap) == {0x8140: 633, 0x8141: 634, 0x8142: 635, 0x20: 1}


def test_post_processor_decodes_page_text_with_the_same_parser():
    pdf = pikepdf.new()
    font = Dictionary(Type=Name.Font, Subtype=Name.Type0, ToUnicode=pdf.make_stream(CMAP))
    assert postprocess_content._to_unicode(font) == (2, parse_to_unicode(CMAP))
