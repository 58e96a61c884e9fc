"""leaflets.readout: what a screen reader gets, on tiny tagged PDFs (test_verify.Doc)."""
from __future__ import annotations

from pikepdf import Name, String
from test_verify import Doc, helvetica

from leaflets.readout import read_out


def text_doc(*lines: bytes) -> Doc:
    """A Document with one P whose lines are each their own MCID sequence (hex strings, a Tm per
    line), as WeasyPrint draws them."""
    doc = Doc(("H1", {}, None))
    doc.page.Resources = {"/Font": {"/F1": doc.pdf.make_indirect(helvetica())}}
    paragraph = doc.add(("P", {}, []), doc.root_elem)
    for number, line in enumerate(lines):
        doc.mark("Span", paragraph, b"BT /F1 12 Tf 1 0 0 1 10 %d Tm <%s> Tj ET" % (100 - 14 * number, line.hex().encode()))
    return doc


def test_structure_is_read_in_order_with_roles():
    doc = text_doc(b"Gewone tekst.")
    doc.add(("Figure", {"/Alt": "Een blauwe cirkel"}, None), doc.root_elem)
    items = [(item.depth, item.role, item.text) for item in read_out(doc.bytes()).items]
    assert items == [(0, "document", ""), (1, "heading 1", ""), (1, "paragraph", "Gewone tekst."),
                     (1, "figure", "Een blauwe cirkel")]


def test_lines_are_joined_with_a_space_and_a_hyphen_at_a_line_end_is_a_split_word():
    reading = read_out(text_doc(b"Een kinder-", b"wens.").bytes())
    assert reading.items[-1].text == "Een kinder- wens."
    assert reading.splits == ["kinder- wens."]


def test_actual_text_around_a_line_replaces_what_it_wraps():
    # what post-processing gap 7 writes: a Span with /ActualText around each of the two lines
    doc = text_doc(b"Een kinder-", b"wens.")
    doc.content[-2] = b"/Span <</ActualText (Een kinderwens.)>> BDC " + doc.content[-2] + b" EMC"
    doc.content[-1] = b"/Span <</ActualText ()>> BDC " + doc.content[-1] + b" EMC"
    reading = read_out(doc.bytes())
    assert reading.items[-1].text == "Een kinderwens." and reading.splits == []


def test_an_elision_before_a_conjunction_is_not_a_split_word():
    doc = text_doc(b"pepermunt-", b"of theeboomolie")
    doc.pdf.Root.Lang = String("nl")
    assert read_out(doc.bytes()).splits == []


def test_artifacts_are_not_read_and_actual_text_and_lang_on_elements_are():
    doc = text_doc(b"Tekst.")
    doc.content.append(b"/Artifact BMC BT /F1 12 Tf 10 10 Td (Pagina 1 van 1) Tj ET EMC")
    doc.add(("P", {"/ActualText": "Ersetzter Text", "/Lang": "de"}, None), doc.root_elem)  # the document is en
    reading = read_out(doc.bytes())
    assert "Pagina" not in reading.text()
    last = reading.items[-1]
    assert (last.role, last.text, last.lang, last.source) == ("paragraph", "Ersetzter Text", "de", "ActualText")
    assert reading.lines()[-1] == "  paragraph [de] (ActualText): Ersetzter Text"


def test_build_py_read_prints_the_reading(tmp_path, capsys):
    from leaflets.cli import main

    path = tmp_path / "leaflet.pdf"
    path.write_bytes(text_doc(b"Gewone tekst.").bytes())
    assert main(["read", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "document language: en", "document", "  heading 1", "  paragraph: Gewone tekst."]
    assert main(["read", str(tmp_path / "missing.pdf")]) == 1
    assert "no such file" in capsys.readouterr().err


def _with_to_unicode(doc: Doc) -> Doc:
    """PageContent (post-processing) decodes text through ToUnicode only, as WeasyPrint's fonts have it."""
    pairs = "".join(f"<{c:02X}> <{c:04X}>\n" for c in range(32, 127))
    cmap = (f"/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <00> <FF> "
            f"endcodespacerange 95 beginbfchar\n{pairs}endbfchar endcmap end end").encode()
    doc.page.Resources.Font.F1.ToUnicode = doc.pdf.make_stream(cmap)
    return doc


def test_post_processing_reads_a_word_hyphenated_over_three_lines_whole():
    # regression: 'defecatie-' | 'proble-' | 'men' was read as 'defecatieproble- problemen'
    import io

    import pikepdf

    from leaflets.postprocess.hyphens import join_hyphenated

    doc = _with_to_unicode(text_doc(b"mictie- of defecatie-", b"proble-", b"men en spraak-", b"problemen."))
    doc.pdf.Root.Lang = String("nl")
    with pikepdf.open(io.BytesIO(doc.bytes())) as pdf:
        assert join_hyphenated(pdf, "nl") == 2
        out = io.BytesIO()
        pdf.save(out)
    reading = read_out(out.getvalue())
    assert reading.items[-1].text == "mictie- of defecatieproblemen en spraakproblemen."
    assert reading.splits == []


def test_an_empty_sequence_at_a_line_start_still_parts_the_words_around_it():
    # regression (merge of #17): a paragraph's last word in its own Span, after an empty
    # sequence that starts the next line, was read glued to the word before ("spierensamenwerken")
    from leaflets.readout import Piece, _join

    pieces = [(Piece("hoe goed uw spieren", 1, 951.6, 951.6, 52), ""), (Piece("", 1, 973.9, 973.9, 53), ""),
              (Piece("samenwerken", 1, 973.9, 973.9, 54), ""), (Piece(".", 1, 973.9, 973.9, 55), "")]
    assert _join(pieces, []) == "hoe goed uw spieren samenwerken."
    same_line = [(Piece("samen", 1, 9.0, 9.0, 1), ""), (Piece("", 1, 9.0, 9.0, 2), ""), (Piece("werken", 1, 9.0, 9.0, 3), "")]
    assert _join(same_line, []) == "samenwerken"  # an empty sequence on the same line parts nothing
