"""Mutations of our own built leaflets, each breaking one Matterhorn failure condition, each with
a control that changes the same object harmlessly.

A `Mutation` is data: the condition it breaks (and the clause the verifier must file it under),
the base leaflet it applies to, and two functions that change an open `pikepdf.Pdf` in memory:
`mutant` breaks the condition, `control` touches the same thing and keeps the file conforming.
`also` names the conditions that the defect necessarily breaks with it (removing the XMP stream
also removes its pdfuaid:part and dc:title): the suite asserts the mutant is reported under its
own condition and nothing outside `also`, and the control under none.

Helpers build what a mutation needs (structure elements, tagged annotations, content) the way a
PDF writer would, so the only defect in a mutant is the one it is named after.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from io import BytesIO
from typing import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream, String

Change = Callable[[pikepdf.Pdf], None]


@dataclass(frozen=True)
class Mutation:
    condition: str  # Matterhorn failure condition, or an own id for checks outside Matterhorn
    clause: str  # the ISO 14289-1 clause the verifier must file it under
    what: str  # the defect, for the table in docs/verify.md
    mutant: Change
    control: Change
    base: str = "nl"  # which built leaflet: "nl" (Dutch A4), "en" (English A5), "ar" (Arabic A4)
    also: tuple[str, ...] = ()  # conditions the same defect necessarily breaks too

    @property
    def id(self) -> str:
        return f"{self.condition}-{self.base}"


# ---------------------------------------------------------------- structure helpers

def elements(pdf: pikepdf.Pdf) -> list[Dictionary]:
    out: list[Dictionary] = []

    def walk(node) -> None:
        for kid in _kids(node):
            if isinstance(kid, Dictionary) and "/S" in kid:
                out.append(kid)
                walk(kid)
    walk(pdf.Root.StructTreeRoot)
    return out


def _kids(node) -> list:
    k = node.get("/K")
    return list(k) if isinstance(k, Array) else [] if k is None else [k]


def first(pdf: pikepdf.Pdf, kind: str) -> Dictionary:
    return next(e for e in elements(pdf) if e.S == Name("/" + kind))


def document(pdf: pikepdf.Pdf) -> Dictionary:
    return first(pdf, "Document")


def add_element(pdf: pikepdf.Pdf, parent: Dictionary, kind: str, *kids, **entries) -> Dictionary:
    """A new element at the end of `parent` (an empty element is still an element to a reader)."""
    elem = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + kind), P=parent, K=Array(list(kids))))
    for key, value in entries.items():
        elem[Name("/" + key)] = value
    for kid in kids:
        if isinstance(kid, Dictionary) and "/S" in kid:
            kid.P = elem
    parent.K = Array(_kids(parent) + [elem])
    return elem


def role_map(pdf: pikepdf.Pdf, **entries: str) -> None:
    root = pdf.Root.StructTreeRoot
    mapping = root.get("/RoleMap") or Dictionary()
    for custom, standard in entries.items():
        mapping[Name("/" + custom)] = Name("/" + standard)
    root.RoleMap = mapping


def parent_tree(pdf: pikepdf.Pdf) -> Array:
    """The ParentTree's /Nums (our PDFs write one flat node)."""
    return pdf.Root.StructTreeRoot.ParentTree.Nums


def next_key(pdf: pikepdf.Pdf) -> int:
    root = pdf.Root.StructTreeRoot
    key = int(root.get("/ParentTreeNextKey", 0))
    nums = parent_tree(pdf)
    key = max([key] + [int(nums[i]) + 1 for i in range(0, len(nums), 2)])
    root.ParentTreeNextKey = key + 1
    return key


def set_entry(pdf: pikepdf.Pdf, key: int, value) -> None:
    nums = parent_tree(pdf)
    for i in range(0, len(nums), 2):
        if int(nums[i]) == key:
            nums[i + 1] = value
            return
    pairs = sorted([(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)] + [(key, value)], key=lambda p: p[0])
    pdf.Root.StructTreeRoot.ParentTree.Nums = Array([x for pair in pairs for x in pair])


def drop_entry(pdf: pikepdf.Pdf, key: int) -> None:
    nums = parent_tree(pdf)
    pdf.Root.StructTreeRoot.ParentTree.Nums = Array(
        [x for i in range(0, len(nums), 2) if int(nums[i]) != key for x in (nums[i], nums[i + 1])])


def entry(pdf: pikepdf.Pdf, key: int):
    nums = parent_tree(pdf)
    return next(nums[i + 1] for i in range(0, len(nums), 2) if int(nums[i]) == key)


# ---------------------------------------------------------------- pages, content, annotations

def page(pdf: pikepdf.Pdf, index: int = 0) -> Dictionary:
    return pdf.pages[index].obj


def annotated_page(pdf: pikepdf.Pdf) -> Dictionary:
    return next(p.obj for p in pdf.pages if len(p.obj.get("/Annots", [])))


def plain_page(pdf: pikepdf.Pdf) -> Dictionary:
    return next(p.obj for p in pdf.pages if not len(p.obj.get("/Annots", [])))


def first_link(pdf: pikepdf.Pdf) -> Dictionary:
    return next(a for p in pdf.pages for a in p.obj.get("/Annots", []) if a.get("/Subtype") == Name.Link)


def content(pdf: pikepdf.Pdf, index: int = 0) -> bytes:
    return pdf.pages[index].obj.Contents.read_bytes() if isinstance(pdf.pages[index].obj.Contents, Stream) else \
        b"\n".join(c.read_bytes() for c in pdf.pages[index].obj.Contents)


def set_content(pdf: pikepdf.Pdf, data: bytes, index: int = 0) -> None:
    pdf.pages[index].obj.Contents = pdf.make_stream(data)


def edit_content(pdf: pikepdf.Pdf, old: bytes, new: bytes, index: int = 0) -> None:
    data = content(pdf, index)
    assert old in data, old
    set_content(pdf, data.replace(old, new, 1), index)


def append_content(pdf: pikepdf.Pdf, data: bytes, index: int = 0) -> None:
    set_content(pdf, content(pdf, index) + b"\nq " + data + b" Q\n", index)


def first_tagged(pdf: pikepdf.Pdf, index: int = 0) -> bytes:
    """The operator that opens the page's first MCID sequence, e.g. b'/Span <</MCID 0>> BDC'."""
    return re.search(rb"/\w+ <</MCID \d+>> BDC", content(pdf, index))[0]


def add_annotation(pdf: pikepdf.Pdf, pg: Dictionary, subtype: str, **entries) -> Dictionary:
    annot = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name("/" + subtype),
                                         Rect=Array([20, 20, 60, 40]), **entries))
    pg.Annots = Array(list(pg.get("/Annots", [])) + [annot])
    return annot


def tag_annotation(pdf: pikepdf.Pdf, annot: Dictionary, pg: Dictionary, kind: str, **entries) -> Dictionary:
    """Put an annotation in a new `kind` element (OBJR), with /StructParent and its ParentTree entry."""
    elem = add_element(pdf, document(pdf), kind, Dictionary(Type=Name.OBJR, Obj=annot, Pg=pg), **entries)
    elem.Pg = pg
    key = next_key(pdf)
    annot.StructParent = key
    set_entry(pdf, key, elem)
    return elem


def tagged_annotation(kind: str, subtype: str, elem_entries: dict | None = None, **entries) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        pg = annotated_page(pdf)
        annot = add_annotation(pdf, pg, subtype, **entries)
        tag_annotation(pdf, annot, pg, kind, **(elem_entries or {}))
    return change


def untagged_annotation(subtype: str, **entries) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        add_annotation(pdf, annotated_page(pdf), subtype, **entries)
    return change


def widget(tu: bool, kind: str = "Form") -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        pg = annotated_page(pdf)
        fields = {"FT": Name.Tx, "T": String("name")} | ({"TU": String("Your name")} if tu else {})
        annot = add_annotation(pdf, pg, "Widget", **fields)
        tag_annotation(pdf, annot, pg, kind)
        pdf.Root.AcroForm = Dictionary(Fields=Array([annot]))
    return change


def lone_field(pdf: pikepdf.Pdf) -> None:
    """A form field with a /TU name and no widget, so no structure element gives it a language."""
    pdf.Root.AcroForm = Dictionary(Fields=Array([pdf.make_indirect(
        Dictionary(FT=Name.Tx, T=String("name"), TU=String("Your name")))]))


def printer_mark(tagged: bool, appearance: bytes) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        pg = annotated_page(pdf)
        ap = pdf.make_stream(appearance, Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 10, 10]))
        annot = add_annotation(pdf, pg, "PrinterMark", AP=Dictionary(N=ap))
        if tagged:
            tag_annotation(pdf, annot, pg, "Annot", Alt=String("crop mark"))
    return change


def media_clip(ct: bool, alt: bool) -> Change:
    clip = Dictionary(S=Name.MCD, D=Dictionary(Type=Name.Filespec, F=String("clip.mp4"), UF=String("clip.mp4")))
    if ct:
        clip.CT = String("video/mp4")
    if alt:
        clip.Alt = Array([String("en"), String("A short clip")])
    action = Dictionary(S=Name.Rendition, OP=0, R=Dictionary(S=Name.MR, C=clip))
    return tagged_annotation("Annot", "Screen", A=action, Contents=String("Video"))


def file_attachment(complete: bool) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        data = pdf.make_stream(b"hello", Type=Name.EmbeddedFile)
        spec = Dictionary(Type=Name.Filespec, F=String("a.txt"), EF=Dictionary(F=data))
        if complete:
            spec.UF = String("a.txt")
        tagged_annotation("Annot", "FileAttachment", FS=pdf.make_indirect(spec), Contents=String("A note"))(pdf)
    return change


def embedded_file(complete: bool) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        data = pdf.make_stream(b"hello", Type=Name.EmbeddedFile)
        spec = pdf.make_indirect(Dictionary(Type=Name.Filespec, F=String("a.txt"), EF=Dictionary(F=data)))
        if complete:
            spec.UF = String("a.txt")
        names = pdf.Root.get("/Names") or Dictionary()
        names.EmbeddedFiles = Dictionary(Names=Array([String("a.txt"), spec]))
        pdf.Root.Names = names
    return change


# ---------------------------------------------------------------- metadata and catalog

def xmp_edit(old: str, new: str, count: int = 1) -> Change:
    """Replace `old` (a regular expression) in the XMP; `count` 0 replaces every match."""
    def change(pdf: pikepdf.Pdf) -> None:
        text = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert re.search(old, text), old
        pdf.Root.Metadata.write(re.sub(old, new, text, count=count).encode("utf-8"))
    return change


def set_catalog(**entries) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        for key, value in entries.items():
            pdf.Root[Name("/" + key)] = value
    return change


def drop_catalog(*keys: str) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        for key in keys:
            del pdf.Root[Name("/" + key)]
    return change


def viewer(**entries) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        prefs = pdf.Root.ViewerPreferences
        for key, value in entries.items():
            if value is None:
                del prefs[Name("/" + key)]
            else:
                prefs[Name("/" + key)] = value
    return change


def without_catalog_lang(pdf: pikepdf.Pdf) -> None:
    """The language moves from the catalog to the Document element: tagged text, /Alt and
    annotations still have one; what only the catalog can give (bookmarks, XMP, and the text of
    running headers and footers, which are artifacts outside every element) has none."""
    document(pdf).Lang = pdf.Root.Lang
    del pdf.Root.Lang


def both(*changes: Change) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        for one in changes:
            one(pdf)
    return change


def elem_change(kind: str, **entries) -> Change:
    """Set (or, with None, remove) entries on the first element of a type."""
    def change(pdf: pikepdf.Pdf) -> None:
        elem = first(pdf, kind)
        for key, value in entries.items():
            if value is None:
                del elem[Name("/" + key)]
            else:
                elem[Name("/" + key)] = value
    return change


def new_elements(build: Callable[[pikepdf.Pdf, Dictionary], None]) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        build(pdf, document(pdf))
    return change


def nested(*path: str) -> Change:
    """A chain of new, empty elements under the Document, e.g. nested('L', 'LI')."""
    def build(pdf: pikepdf.Pdf, parent: Dictionary) -> None:
        for kind in path:
            parent = add_element(pdf, parent, kind)
    return new_elements(build)


def siblings(parent_kind: str, *kinds: str, **entries) -> Change:
    def build(pdf: pikepdf.Pdf, doc: Dictionary) -> None:
        parent = add_element(pdf, doc, parent_kind)
        for kind in kinds:
            add_element(pdf, parent, kind, **entries)
    return new_elements(build)


def table(scope: bool) -> Change:
    def build(pdf: pikepdf.Pdf, doc: Dictionary) -> None:
        tbl = add_element(pdf, doc, "Table")
        attrs = {"A": Dictionary(O=Name.Table, Scope=Name.Column)} if scope else {}
        add_element(pdf, add_element(pdf, tbl, "TR"), "TH", **attrs)
        add_element(pdf, add_element(pdf, tbl, "TR"), "TD")
    return new_elements(build)


def optional_content(default: Dictionary, configs: list[Dictionary] | None = None) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        ocg = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String("Layer")))
        props = Dictionary(OCGs=Array([ocg]), D=default)
        if configs is not None:
            props.Configs = Array(configs)
        pdf.Root.OCProperties = props
    return change


def xfa(render: str) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        config = f"<config><present><script><dynamicRender>{render}</dynamicRender></script></present></config>"
        pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=Array([String("config"), pdf.make_stream(config.encode())]))
    return change


# ---------------------------------------------------------------- links between content and structure

def move_page_key(pdf: pikepdf.Pdf) -> None:
    """Control: the page's /StructParents gets a new key, and its ParentTree entry moves with it."""
    pg = page(pdf)
    old = int(pg.StructParents)
    value = entry(pdf, old)
    drop_entry(pdf, old)
    pg.StructParents = new = next_key(pdf)
    set_entry(pdf, new, value)


def move_annotation_key(pdf: pikepdf.Pdf) -> None:
    link = first_link(pdf)
    old = int(link.StructParent)
    value = entry(pdf, old)
    drop_entry(pdf, old)
    link.StructParent = new = next_key(pdf)
    set_entry(pdf, new, value)


def swap_page_entry(swap: bool) -> Change:
    """The page's ParentTree array: MCID 0 given to another element (or the array copied as is)."""
    def change(pdf: pikepdf.Pdf) -> None:
        key = int(page(pdf).StructParents)
        items = list(entry(pdf, key))
        if swap:
            other = next(i for i, e in enumerate(items) if e.objgen != items[0].objgen)
            items[0], items[other] = items[other], items[0]
        set_entry(pdf, key, pdf.make_indirect(Array(items)))
    return change


def drop_parent(keep: bool) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        elem = first(pdf, "P")
        if keep:
            elem.T = String("a title, which says nothing to a reader of the text")
        else:
            del elem["/P"]
    return change


# ---------------------------------------------------------------- content streams

def artifact_inside_tagged(inside: bool) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        opening = first_tagged(pdf)
        edit_content(pdf, opening, opening + b"\n/Artifact BMC EMC" if inside else b"/Artifact BMC EMC\n" + opening)
    return change


def tagged_inside_artifact(tagged: bool) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        inner = b"/Span <</MCID 999>> BDC EMC" if tagged else b"/Span BMC EMC"
        edit_content(pdf, b"/Artifact\nBMC", b"/Artifact\nBMC\n" + inner)
    return change


def untagged_square(marked: bool) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        square = b"0 0 1 1 re f"
        append_content(pdf, b"/Artifact BMC " + square + b" EMC" if marked else square)
    return change


def form_painted(times: int) -> Change:
    """A form XObject with tagged content (an MCID owned through an MCR with /Stm), painted `times`."""
    def change(pdf: pikepdf.Pdf) -> None:
        pg = page(pdf)
        key = next_key(pdf)
        form = pdf.make_stream(b"/Span <</MCID 0>> BDC 0 0 1 1 re f EMC", Type=Name.XObject, Subtype=Name.Form,
                               BBox=Array([0, 0, 10, 10]), StructParents=key)
        elem = add_element(pdf, document(pdf), "Figure", Dictionary(Type=Name.MCR, Pg=pg, Stm=form, MCID=0),
                           Alt=String("A small square"))
        elem.Pg = pg
        set_entry(pdf, key, Array([elem]))
        resources = pg.Resources
        xobjects = resources.get("/XObject") or Dictionary()
        xobjects.Fm99 = form
        resources.XObject = xobjects
        append_content(pdf, b" ".join([b"q /Fm99 Do Q"] * times))
    return change


def reference_xobject(ref: bool) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        form = pdf.make_stream(b"", Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 1, 1]))
        if ref:
            form.Ref = Dictionary(F=String("other.pdf"), Page=0)
        page(pdf).Resources.XObject = page(pdf).Resources.get("/XObject") or Dictionary()
        page(pdf).Resources.XObject.Fm98 = form
    return change


# ---------------------------------------------------------------- fonts

def font(pdf: pikepdf.Pdf) -> Dictionary:
    """The Type0 font that shows the page's first text."""
    name = re.search(rb"/(\w+) [\d.]+ Tf", content(pdf))[1].decode()
    return page(pdf).Resources.Font[Name("/" + name)]


def used_codes(pdf: pikepdf.Pdf) -> list[int]:
    """The character codes the first tagged text shows with that font (two bytes each)."""
    data = content(pdf)
    start = data.index(b"Tf", data.index(first_tagged(pdf)))
    hexes = re.findall(rb"<([0-9a-fA-F]{4})>", data[start:start + 400])
    return [int(h, 16) for h in hexes]


def identity_cmap(registry: str = "Adobe", ordering: str = "Identity", wmode_stream: int = 0, wmode_dict: int = 0,
                  usecmap: str | None = None) -> Change:
    """Replace Identity-H by an embedded CMap that does the same (code = CID)."""
    def change(pdf: pikepdf.Pdf) -> None:
        use = f"/{usecmap} usecmap\n" if usecmap else ""
        text = (f"/CIDInit /ProcSet findresource begin 12 dict begin begincmap {use}"
                f"/CIDSystemInfo << /Registry ({registry}) /Ordering ({ordering}) /Supplement 0 >> def\n"
                f"/CMapName /Leaflets-Identity def /CMapType 1 def /WMode {wmode_stream} def\n"
                "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
                "1 begincidrange <0000> <FFFF> 0 endcidrange\n"
                "endcmap CMapName currentdict /CMap defineresource pop end end\n")
        cmap = pdf.make_stream(text.encode(), Type=Name.CMap, CMapName=Name("/Leaflets-Identity"), WMode=wmode_dict,
                               CIDSystemInfo=Dictionary(Registry=String(registry), Ordering=String(ordering),
                                                        Supplement=0))
        font(pdf).Encoding = cmap
    return change


def cid_font(pdf: pikepdf.Pdf) -> Dictionary:
    return font(pdf).DescendantFonts[0]


def supplement(value: int) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        identity_cmap()(pdf)
        cid_font(pdf).CIDSystemInfo.Supplement = value
    return change


def cid_to_gid(mapping: dict[int, int] | None, drop: bool = False) -> Change:
    """An explicit CIDToGIDMap stream (identity, with `mapping`'s exceptions), or none at all."""
    def change(pdf: pikepdf.Pdf) -> None:
        cid = cid_font(pdf)
        if drop:
            del cid["/CIDToGIDMap"]
            return
        glyphs = glyph_count(pdf)
        table = bytearray()
        for c in range(glyphs):
            table += (mapping or {}).get(c, c).to_bytes(2, "big")
        cid.CIDToGIDMap = pdf.make_stream(bytes(table))
    return change


def first_code_to(gid: int) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        cid_to_gid({used_codes(pdf)[0]: gid})(pdf)
    return change


def without_font_file(drop: bool) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        descriptor = cid_font(pdf).FontDescriptor
        if drop:
            del descriptor["/FontFile2"]
        else:
            descriptor.FontFile2 = pdf.make_stream(descriptor.FontFile2.read_bytes())
    return change


def glyph_count(pdf: pikepdf.Pdf) -> int:
    from fontTools.ttLib import TTFont
    return TTFont(BytesIO(cid_font(pdf).FontDescriptor.FontFile2.read_bytes()))["maxp"].numGlyphs


def cid_set(complete: bool) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        descriptor = cid_font(pdf).FontDescriptor
        glyphs = glyph_count(pdf)
        bits = bytearray((glyphs + 7) // 8)
        for c in range(glyphs if complete else glyphs // 2):
            bits[c // 8] |= 0x80 >> (c % 8)
        descriptor.CIDSet = pdf.make_stream(bytes(bits))
    return change


def width(used: bool) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        cid = cid_font(pdf)
        code = used_codes(pdf)[0] if used else 0xFFF0
        cid.W = Array(list(cid.W) + [code, Array([3000])])
    return change


def simple_truetype(flags: int = 32, encoding=Name.WinAnsiEncoding, cmaps: tuple[tuple[int, int], ...] = ((3, 1),),
                    text: bytes = b"sea") -> Change:
    """A paragraph set in a simple (not Type0) TrueType font: the program of the leaflet's own font
    with only the 'cmap' subtables `cmaps` ((3, 0) is the (3, 1) table renumbered), /Widths from its
    'hmtx', a ToUnicode map, and the given /Flags (32 non-symbolic, 4 symbolic) and /Encoding.
    WeasyPrint writes only Type0 fonts; this is how a simple TrueType font looks when it is right."""
    def change(pdf: pikepdf.Pdf) -> None:
        from fontTools.ttLib import TTFont
        program = TTFont(BytesIO(cid_font(pdf).FontDescriptor.FontFile2.read_bytes()))
        unicode_map = dict(program["cmap"].getcmap(3, 1).cmap)
        program["cmap"].tables = [_subtable(platform, encoding_id, unicode_map) for platform, encoding_id in cmaps]
        out = BytesIO()
        program.save(out)
        upm = program["head"].unitsPerEm
        widths = [program["hmtx"][unicode_map[c]][0] * 1000 / upm if c in unicode_map else 0 for c in range(32, 127)]
        descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name("/LeafletsSimple"), Flags=flags,
                                FontBBox=Array([0, -300, 1000, 1000]), ItalicAngle=0, Ascent=900, Descent=-300,
                                CapHeight=700, StemV=80, FontFile2=pdf.make_stream(out.getvalue()))
        bfchars = "".join(f"<{c:02X}> <{c:04X}>\n" for c in sorted(set(text)))
        cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Leaflets-UCS def "
                "/CMapType 2 def 1 begincodespacerange <00> <FF> endcodespacerange "
                f"{len(set(text))} beginbfchar\n{bfchars}endbfchar endcmap CMapName currentdict /CMap "
                "defineresource pop end end")
        font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/LeafletsSimple"),
                                            FirstChar=32, LastChar=126, Widths=Array(widths), FontDescriptor=descriptor,
                                            ToUnicode=pdf.make_stream(cmap.encode())))
        if encoding is not None:
            font.Encoding = encoding
        page(pdf).Resources.Font.FTT = font
        parents = entry(pdf, int(page(pdf).StructParents))
        elem = add_element(pdf, document(pdf), "P", len(parents))
        elem.Pg = page(pdf)
        parents.append(elem)
        append_content(pdf, b"/P <</MCID %d>> BDC BT /FTT 12 Tf 1 0 0 1 10 10 Tm (%s) Tj ET EMC"
                       % (len(parents) - 1, text))
    return change


def _subtable(platform: int, encoding_id: int, unicode_map: dict[int, str]):
    """A format 4 'cmap' subtable with the program's Unicode mapping ((1, 0): its Latin-1 part)."""
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
    table = CmapSubtable.newSubtable(4)
    table.platformID, table.platEncID, table.language = platform, encoding_id, 0
    table.cmap = {c: g for c, g in unicode_map.items() if platform == 3 or c < 256}
    return table


def to_unicode(edit: Callable[[bytes, int], bytes]) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        f = font(pdf)
        f.ToUnicode = pdf.make_stream(edit(f.ToUnicode.read_bytes(), used_codes(pdf)[0]))
    return change


def _extra_bfchar(code: int, value: str) -> Callable[[bytes, int], bytes]:
    def edit(data: bytes, _used: int) -> bytes:
        block = f"1 beginbfchar <{code:04X}> <{value}> endbfchar\n".encode()
        return data.replace(b"endcmap", block + b"endcmap", 1)
    return edit


def _used_to(value: str) -> Callable[[bytes, int], bytes]:
    def edit(data: bytes, used: int) -> bytes:
        return _extra_bfchar(used, value)(data, used)
    return edit


def _without(data: bytes, used: int) -> bytes:
    """The ToUnicode CMap with every mapping that covers the code `used` taken out."""
    code = f"{used:04x}"
    lines = []
    for line in data.decode("latin-1").splitlines():
        pair = re.match(r"\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>(\s*<[0-9a-fA-F]+>|\s*\[.*\])?\s*$", line)
        if pair and (pair[1].lower() == code or (pair[3] and pair[1].lower() <= code <= pair[2].lower())):
            continue
        lines.append(line)
    out = "\n".join(lines)
    for kind in ("bfchar", "bfrange"):  # fix the counts of the blocks a line was taken from
        out = re.sub(rf"(\d+)(\s+begin{kind}\s)(.*?)(end{kind})", _recount, out, flags=re.S)
    return out.encode("latin-1")


@dataclass(frozen=True)
class SaveWith:
    """A change made by how the file is saved (encryption, header version), not to its objects;
    `patch` replaces bytes of the saved file (what no writer will write on request)."""

    options: dict
    patch: tuple[bytes, bytes] | None = None

    def __call__(self, pdf: pikepdf.Pdf) -> None:
        pass


def _recount(m: re.Match) -> str:
    lines = len(re.findall(r"^\s*<", m[3], re.M))
    return f"{lines}{m[2]}{m[3]}{m[4]}"


#: qpdf always sets the accessibility bit (10) of /P, whatever it is asked; with 256-bit AES
#: (R 6) /P is not part of the key, so the saved /P can be changed afterwards and the file still opens.
_ALL_ALLOWED, _NO_ACCESSIBILITY = b"/P -1028", b"/P -1540"  # -1540 = -1028 without 512 (bit 10)


def encrypted(accessible: bool) -> SaveWith:
    return SaveWith({"encryption": pikepdf.Encryption(owner="owner", user="")},
                    None if accessible else (_ALL_ALLOWED, _NO_ACCESSIBILITY))


def header(version: str) -> SaveWith:
    return SaveWith({"force_version": version})


def apply(data: bytes, change: Change) -> bytes:
    """`change` applied to a fresh copy of the PDF `data`, saved to bytes (pikepdf would otherwise
    repair /Metadata's /Type and /Subtype on save)."""
    with pikepdf.open(BytesIO(data)) as pdf:
        change(pdf)
        out = BytesIO()
        pdf.save(out, fix_metadata_version=False, **(change.options if isinstance(change, SaveWith) else {}))
    data = out.getvalue()
    if isinstance(change, SaveWith) and change.patch:
        old, new = change.patch
        assert data.count(old) == 1, old
        data = data.replace(old, new)
    return data


# ---------------------------------------------------------------- the table

M = Mutation
S = String
MUTATIONS: tuple[Mutation, ...] = (
    # 01 real content tagged
    M("01-003", "7.1", "an /Artifact sequence inside tagged marked content",
      artifact_inside_tagged(True), artifact_inside_tagged(False)),
    M("01-004", "7.1", "marked content with an MCID inside an /Artifact",
      tagged_inside_artifact(True), tagged_inside_artifact(False), base="en"),
    M("01-005", "7.1", "a path painted outside any marked content", untagged_square(False), untagged_square(True)),
    M("01-005", "7.1", "a page with tagged content but no /StructParents",
      lambda pdf: page(pdf).__delitem__("/StructParents"), move_page_key, base="en"),
    M("01-005", "7.1", "the page's ParentTree entry removed",
      lambda pdf: drop_entry(pdf, int(page(pdf).StructParents)), swap_page_entry(False), base="ar"),
    M("01-005", "7.1", "the ParentTree gives MCID 0 to another element than the tree does",
      swap_page_entry(True), swap_page_entry(False)),
    M("01-007", "7.1", "/MarkInfo /Suspects true",
      lambda pdf: pdf.Root.MarkInfo.__setitem__("/Suspects", True),
      lambda pdf: pdf.Root.MarkInfo.__setitem__("/Suspects", False)),
    # 02 role mapping
    M("02-001", "7.1", "a P renamed to an unmapped type", elem_change("P", S=Name("/Para")),
      both(elem_change("P", S=Name("/Para")), lambda pdf: role_map(pdf, Para="P")), base="en"),
    M("02-002", "7.1", "a circular role map", both(elem_change("P", S=Name("/Para")), lambda pdf: role_map(pdf, Para="Text", Text="Para")),
      both(elem_change("P", S=Name("/Para")), lambda pdf: role_map(pdf, Para="Text", Text="P"))),
    M("02-003", "7.1", "a standard type remapped", lambda pdf: role_map(pdf, P="Span"), lambda pdf: role_map(pdf, Para="Span"),
      base="ar"),
    # 06, 07 metadata and catalog
    M("06-001", "7.1", "no /Metadata stream", drop_catalog("Metadata"),
      lambda pdf: set_catalog(Metadata=pdf.make_stream(pdf.Root.Metadata.read_bytes(), Type=Name.Metadata,
                                                       Subtype=Name.XML))(pdf), also=("06-002", "06-003")),
    M("06-001", "7.1", "the /Metadata stream without /Subtype /XML",
      lambda pdf: pdf.Root.Metadata.stream_dict.__delitem__("/Subtype"),
      lambda pdf: pdf.Root.Metadata.write(zlib.compress(pdf.Root.Metadata.read_bytes()), filter=Name.FlateDecode),
      base="en"),
    M("06-002", "5", "the XMP without pdfuaid:part", xmp_edit(r' pdfuaid:part="1"', ""),
      xmp_edit(r' pdfuaid:part="1"', ' pdfuaid:part=" 1 "')),
    M("06-002", "5", "pdfuaid:part 2", xmp_edit(r'pdfuaid:part="1"', 'pdfuaid:part="2"'),
      xmp_edit(r'(pdfuaid:part="1")', r'\1 xml:lang="x-default"'), base="ar"),
    M("06-003", "7.1", "the XMP without dc:title", xmp_edit(r"<dc:title>.*?</dc:title>", ""),
      xmp_edit(r'(<dc:title><rdf:Alt><rdf:li xml:lang="x-default">)[^<]*', r"\1Another title"), base="en"),
    M("07-001", "7.1", "/ViewerPreferences without /DisplayDocTitle", viewer(DisplayDocTitle=None),
      viewer(CenterWindow=True)),
    M("07-002", "7.1", "/DisplayDocTitle false", viewer(DisplayDocTitle=False), viewer(HideToolbar=False), base="ar"),
    # 09 appropriate tags (syntax of ISO 32000-1 Tables 333-338)
    M("09-004", "7.2", "a TR outside any table", nested("TR"), table(scope=True)),
    M("09-005", "7.2", "an LI outside any list", nested("LI"), nested("L", "LI"), base="en"),
    M("09-006", "7.2", "a TOCI outside any TOC", nested("TOCI"), nested("TOC", "TOCI"), base="ar"),
    M("09-007", "7.2", "an RB outside Ruby", nested("RB"), siblings("Ruby", "RB", "RT")),
    M("09-008", "7.2", "a WT outside Warichu", nested("WT"), siblings("Warichu", "WT", "WP"), base="en"),
    # 10 character mappings, 31-027/028: Unicode
    M("10-001", "7.2", "a font without ToUnicode", lambda pdf: font(pdf).__delitem__("/ToUnicode"),
      to_unicode(_extra_bfchar(0xFFF0, "0041")), also=("31-027",)),
    M("31-027", "7.21.7", "a ToUnicode map without a used code", to_unicode(_without),
      to_unicode(lambda data, used: data + b"\n"), base="en", also=("10-001",)),
    M("31-028", "7.21.7", "a used code mapped to U+0000", to_unicode(_used_to("0000")),
      to_unicode(_extra_bfchar(0xFFF1, "0042")), base="ar"),
    # 11 natural language
    M("11-001", "7.2", "an element /Lang that is not a language tag", elem_change("P", Lang=S("not a tag!")),
      elem_change("P", Lang=S("nl-NL"))),
    M("11-002", "7.2", "/ActualText on an element with no language anywhere",
      both(without_catalog_lang, drop_catalog("Outlines"),
           lambda pdf: add_element(pdf, pdf.Root.StructTreeRoot, "Span", ActualText=S("Tekst"))),
      lambda pdf: add_element(pdf, pdf.Root.StructTreeRoot, "Span", ActualText=S("Tekst")), also=("11-001", "11-006")),
    M("11-003", "7.2", "bookmarks with no catalog /Lang",
      both(without_catalog_lang, xmp_edit(r'xml:lang="x-default"', 'xml:lang="en"', count=0)),
      set_catalog(Lang=S("en-GB")), base="en", also=("11-001",)),
    M("11-004", "7.2", "an annotation /Lang that is not a language tag",
      lambda pdf: first_link(pdf).__setitem__("/Lang", S("not a tag!")),
      lambda pdf: first_link(pdf).__setitem__("/Lang", S("en"))),
    M("11-005", "7.2", "a form field /TU with no language",
      both(without_catalog_lang, drop_catalog("Outlines"), lone_field), lone_field, also=("11-001", "11-006")),
    M("11-006", "7.2", "x-default XMP text with no catalog /Lang", both(without_catalog_lang, drop_catalog("Outlines")),
      drop_catalog("Outlines"), base="ar", also=("11-001",)),
    # 13, 14, 15, 17, 19 graphics, headings, tables, formulas, notes
    M("13-004", "7.3", "a Figure without /Alt", elem_change("Figure", Alt=None), elem_change("Figure", Alt=S("Logo"))),
    M("14-002", "7.4.2", "the first heading is H2", elem_change("H1", S=Name.H2),
      both(elem_change("H1", S=Name("/Title")), lambda pdf: role_map(pdf, Title="H1")), base="en"),
    M("14-003", "7.4.2", "an H2 made H4", elem_change("H2", S=Name.H4),
      both(elem_change("H2", S=Name("/Heading2")), lambda pdf: role_map(pdf, Heading2="H2"))),
    M("14-006", "7.4.4", "a Sect with two H", siblings("Sect", "H", "H"), siblings("Sect", "H2"), also=("14-007",)),
    M("14-007", "7.4.4", "an H among H1-H6", siblings("Sect", "H"), siblings("Sect", "H1"), base="ar"),
    M("15-003", "7.5", "a TH without /Scope and a TD without /Headers", table(scope=False), table(scope=True),
      base="en"),
    M("17-002", "7.7", "a Formula without /Alt", nested("Formula"),
      lambda pdf: add_element(pdf, document(pdf), "Formula", Alt=S("E equals m c squared"))),
    M("19-003", "7.9", "a Note without /ID", nested("Note"),
      lambda pdf: add_element(pdf, document(pdf), "Note", ID=S("note-1")), base="ar"),
    M("19-004", "7.9", "two Notes with one /ID", siblings("Div", "Note", "Note", ID=S("note-1")),
      lambda pdf: [add_element(pdf, document(pdf), "Note", ID=S(f"note-{i}")) for i in (1, 2)]),
    # 20, 21, 25, 26 optional content, embedded files, XFA, security
    M("20-001", "7.10", "an optional content configuration in /Configs without /Name",
      optional_content(Dictionary(Name=S("Default")), [Dictionary(Creator=S("x"))]),
      optional_content(Dictionary(Name=S("Default")), [Dictionary(Name=S("Print"))]), base="en"),
    M("20-002", "7.10", "the default optional content configuration without /Name",
      optional_content(Dictionary(Creator=S("x"))), optional_content(Dictionary(Name=S("Default")))),
    M("20-003", "7.10", "an optional content configuration with /AS",
      optional_content(Dictionary(Name=S("Default"), AS=Array())),
      optional_content(Dictionary(Name=S("Default"), Order=Array())), base="ar"),
    M("21-001", "7.11", "an embedded file specification without /UF", embedded_file(False), embedded_file(True)),
    M("25-001", "7.15", "a dynamic XFA form", xfa("required"), xfa("forbidden"), base="en"),
    M("26-002", "7.16", "encryption that denies assistive technology", encrypted(False), encrypted(True)),
    # 28 annotations
    M("28-002", "7.18.1", "a Text annotation outside the structure tree", untagged_annotation("Text", Contents=S("Tip")),
      tagged_annotation("Annot", "Text", Contents=S("Tip"))),
    M("28-002", "7.18.1", "a tagged Text annotation without /StructParent",
      both(tagged_annotation("Annot", "Text", Contents=S("Tip")),
           lambda pdf: annotated_page(pdf).Annots[-1].__delitem__("/StructParent")),
      tagged_annotation("Annot", "Text", Contents=S("Tip")), base="ar"),
    M("28-004", "7.18.1", "a tagged Text annotation without /Contents or /Alt", tagged_annotation("Annot", "Text"),
      tagged_annotation("Annot", "Text", {"Alt": S("Tip")}), base="en"),
    M("28-005", "7.18.1", "a form field without /TU or /Alt", widget(tu=False), widget(tu=True)),
    M("28-007", "7.18.2", "a TrapNet annotation", tagged_annotation("Annot", "TrapNet", Contents=S("Trap")),
      tagged_annotation("Annot", "Square", Contents=S("Trap")), base="ar"),
    M("28-008", "7.18.3", "a page with annotations without /Tabs",
      lambda pdf: annotated_page(pdf).__delitem__("/Tabs"), lambda pdf: plain_page(pdf).__delitem__("/Tabs"),
      base="en"),
    M("28-009", "7.18.3", "a page with annotations with /Tabs /R",
      lambda pdf: annotated_page(pdf).__setitem__("/Tabs", Name.R),
      lambda pdf: plain_page(pdf).__setitem__("/Tabs", Name.R), base="en"),
    M("28-010", "7.18.4", "a Widget in a P element", widget(tu=True, kind="P"), widget(tu=True, kind="Form"),
      base="ar"),
    M("28-011", "7.18.5", "a Link annotation in a Span element", elem_change("Link", S=Name.Span),
      both(elem_change("Link", S=Name("/Hyperlink")), lambda pdf: role_map(pdf, Hyperlink="Link"))),
    M("28-011", "7.18.5", "a Link annotation without /StructParent",
      lambda pdf: first_link(pdf).__delitem__("/StructParent"), move_annotation_key, base="en"),
    M("28-012", "7.18.5", "a Link annotation with empty /Contents",
      lambda pdf: first_link(pdf).__setitem__("/Contents", S("")),
      lambda pdf: first_link(pdf).__setitem__("/Contents", S("Read more about this")), base="ar"),
    M("28-014", "7.18.6.2", "media clip data without /CT", media_clip(ct=False, alt=True), media_clip(ct=True, alt=True)),
    M("28-015", "7.18.6.2", "media clip data without /Alt", media_clip(ct=True, alt=False), media_clip(ct=True, alt=True),
      base="en"),
    M("28-016", "7.18.7", "a file attachment whose file specification lacks /UF", file_attachment(False),
      file_attachment(True), base="ar", also=("21-001",)),
    M("28-017", "7.18.8", "a PrinterMark annotation in the structure tree",
      printer_mark(True, b"/Artifact BMC 0 0 1 1 re f EMC"), printer_mark(False, b"/Artifact BMC 0 0 1 1 re f EMC")),
    M("28-018", "7.18.8", "a PrinterMark appearance not marked as an artifact", printer_mark(False, b"0 0 1 1 re f"),
      printer_mark(False, b"/Artifact BMC 0 0 1 1 re f EMC"), base="en"),
    # 30 XObjects
    M("30-001", "7.20", "a reference XObject", reference_xobject(True), reference_xobject(False), base="ar"),
    M("30-002", "7.20", "a form XObject with an MCID painted twice", form_painted(2), form_painted(1)),
    # 31 fonts
    M("31-001", "7.21.3.1", "an embedded CMap whose Registry differs from the CIDFont's", identity_cmap(registry="Other"),
      identity_cmap(), base="en"),
    M("31-002", "7.21.3.1", "an embedded CMap whose Ordering differs from the CIDFont's",
      identity_cmap(ordering="Japan1"), identity_cmap(), base="ar"),
    M("31-003", "7.21.3.1", "a CIDFont Supplement above the CMap's", supplement(5), supplement(0)),
    M("31-004", "7.21.3.2", "a Type 2 CIDFont without /CIDToGIDMap", cid_to_gid(None, drop=True), cid_to_gid({}),
      base="en"),
    M("31-005", "7.21.3.3", "a CMap neither predefined nor embedded",
      lambda pdf: font(pdf).__setitem__("/Encoding", Name("/Leaflets-H")), identity_cmap(), base="ar",
      also=("10-001", "31-027")),  # with an unknown CMap no reader can split the codes to map them
    M("31-006", "7.21.3.3", "an embedded CMap whose /WMode differs from its stream's", identity_cmap(wmode_dict=1),
      identity_cmap(wmode_dict=0)),
    M("31-007", "7.21.3.3", "an embedded CMap using a CMap that is not predefined",
      identity_cmap(usecmap="Leaflets-Base"), identity_cmap(usecmap="Identity-H"), base="en"),
    M("31-008", "7.21.4.1", "a font program removed", without_font_file(True), without_font_file(False), base="ar"),
    M("31-009", "7.21.4.1", "a used CID mapped to a glyph the program lacks", first_code_to(0xFFF0), cid_to_gid({})),
    M("31-012", "7.21.4.2", "a /CIDSet missing half the program's CIDs", cid_set(False), cid_set(True), base="en"),
    M("31-014", "7.21.6", "a non-symbolic simple TrueType font without /Encoding", simple_truetype(encoding=None),
      simple_truetype()),
    M("31-015", "7.21.6", "a non-symbolic TrueType font's /Differences naming a glyph outside the AGL",
      simple_truetype(encoding=Dictionary(BaseEncoding=Name.WinAnsiEncoding, Differences=Array([200, Name("/not.a.name")]))),
      simple_truetype(encoding=Dictionary(BaseEncoding=Name.WinAnsiEncoding, Differences=Array([200, Name.Agrave]))),
      base="en"),
    M("31-016", "7.21.6", "a non-symbolic TrueType program whose only 'cmap' subtable is (3,0)",
      simple_truetype(cmaps=((3, 0),)), simple_truetype(cmaps=((3, 1),)), base="ar"),
    M("31-017", "7.21.6", "a symbolic TrueType font with an /Encoding", simple_truetype(flags=4),
      simple_truetype(flags=4, encoding=None)),
    M("31-018", "7.21.6", "a symbolic TrueType program with two 'cmap' subtables, neither (3,0)",
      simple_truetype(flags=4, encoding=None, cmaps=((3, 1), (1, 0))),
      simple_truetype(flags=4, encoding=None, cmaps=((3, 0), (1, 0))), base="en"),
    M("31-013", "7.21.5", "a used glyph's /W width changed", width(True), width(False), base="ar"),
    M("31-030", "7.21.8", "a used CID mapped to the .notdef glyph", first_code_to(0), cid_to_gid({})),
    # checks outside Matterhorn
    M("P", "7.1", "a structure element without /P", drop_parent(False), drop_parent(True), base="en"),
    M("version", "5", "a %PDF-2.0 header", header("2.0"), header("1.7"), base="ar"),
)

#: Machine-checkable conditions the verifier checks but this suite does not mutate, and why.
NOT_MUTATED: dict[str, str] = {
    "26-001": "qpdf (pikepdf) neither writes nor opens an encryption dictionary without /P: the verifier reports "
              "such a file as unreadable (clause 5), so no mutant can reach the 7.16 check",
    "31-011": "our leaflets embed no Type 1 font to break a /CharSet of; the corpus (7.21.4.2) covers it",
}
