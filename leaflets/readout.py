"""What a screen reader gets from a tagged PDF: the structure tree read in order, with roles.

`read_out(pdf)` walks the structure tree the way assistive technology does: each element's role
after role mapping (heading levels, list items, table cells, figures with their /Alt, links with
their annotation's /Contents), its /Lang where it switches language, /ActualText in place of the
content it replaces (on elements and on marked content), and the text of its marked content in
structure order, decoded through each font's ToUnicode map. Artifacts are not in the tree, so
running headers, page numbers and leaders are never read.

Text from marked content on different lines is joined with a space, as a reader would pause at a
line break; `Reading.splits` lists every place where that leaves a word cut by a hyphen at a line
end ("kinder- wens"), which a screen reader reads as two words. `build.py read FILE.pdf` prints
`Reading.lines()`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from io import BytesIO
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from .postprocess.hyphens import conjunctions
from .verify.cmaps import parse_to_unicode
from .verify.structure import resolve_type

#: Roles whose text a reader reads as part of the surrounding block (ISO 32000-1 14.8.4.4).
INLINE = frozenset("Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP".split())
#: Grouping roles that say nothing themselves: inline when all they hold is inline (<strong> in a list item).
TRANSPARENT = frozenset({"NonStruct", "Private"})
#: How roles are announced; others are announced by their type name, lower-cased.
ROLE_NAMES = {"P": "paragraph", "H": "heading", "L": "list", "LI": "list item", "Lbl": "label", "LBody": "list body",
              "TOC": "contents", "TOCI": "contents item", "TH": "table header", "TD": "table cell", "TR": "table row",
              "Figure": "figure", "Formula": "formula", "Caption": "caption", "BlockQuote": "block quote",
              "Sect": "section", "Div": "group", "Document": "document", "Part": "part", "Art": "article",
              "Link": "link", "Note": "note", "Form": "form field"}
_HYPHEN_SPLIT = re.compile(r"\w-$")
_TEXT_OPERATORS = "BDC BMC EMC BT Tf Tm Td TD T* Tj TJ ' \""


@dataclass(frozen=True)
class Piece:
    """The text of one marked-content sequence, with where its text starts and ends (page, baseline)."""

    text: str
    page: int
    first: Any
    last: Any
    order: int | None = None  # the how-manieth marked-content sequence of its page it is


@dataclass(frozen=True)
class Item:
    """One thing a reader announces: a role, and the text read with it."""

    depth: int
    role: str  # "heading 2", "paragraph", "list item", "figure", …
    text: str  # the words as read (inline links and language switches included, unmarked)
    shown: str  # the same with inline roles marked: "[link: …]", "[en: …]"
    lang: str = ""  # the element's /Lang when it switches language
    source: str = ""  # "ActualText" or "Alt" when the text comes from there, not from the content


@dataclass
class Reading:
    items: list[Item] = field(default_factory=list)
    language: str = ""
    splits: list[str] = field(default_factory=list)  # "kinder- wens": words cut by a line-end hyphen

    def text(self) -> str:
        return "\n".join(item.text for item in self.items if item.text)

    def lines(self) -> list[str]:
        out = [f"document language: {self.language or '(none)'}"]
        for item in self.items:
            lang = f" [{item.lang}]" if item.lang else ""
            source = f" ({item.source})" if item.source else ""
            body = f": {item.shown}" if item.shown else ""
            out.append(f"{'  ' * item.depth}{item.role}{lang}{source}{body}")
        if self.splits:
            out.append(f"words cut by a hyphen at a line end: {', '.join(self.splits)}")
        return out


def read_out(data: bytes | Path) -> Reading:
    with pikepdf.open(BytesIO(data) if isinstance(data, (bytes, bytearray)) else data) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        texts: dict[tuple[int, int], Piece] = {}
        for number, page in enumerate(pdf.pages):
            texts.update(_page_texts(number, page))
        tree = pdf.Root.get("/StructTreeRoot")
        reading = Reading(language=str(pdf.Root.get("/Lang", "")))
        if not isinstance(tree, Dictionary):
            return reading
        role_map = {str(k)[1:]: v for k, v in tree.get("/RoleMap", Dictionary()).items()}
        walk = _Walk(reading, texts, pages, role_map)
        for kid in _kids(tree):
            walk.block(kid, 0, None, reading.language)
        return reading


# ---------------------------------------------------------------- content: the text of each MCID

@dataclass
class _Mark:
    """An open marked-content sequence while a page is read."""

    order: int  # the how-manieth top-level sequence of the page
    mcid: int | None
    actual: str | None  # its /ActualText, which replaces what it encloses
    artifact: bool  # this or an enclosing sequence is an /Artifact: never read
    parts: list[str] = field(default_factory=list)
    inner: list[tuple[int, int]] = field(default_factory=list)  # MCID sequences it encloses
    first: Any = None  # the baseline of its first and last text
    last: Any = None

    def add(self, text: str, first: Any, last: Any) -> None:
        self.parts.append(text)
        self.first = first if self.first is None else self.first
        self.last = last if last is not None else self.last


class _PageText:
    """One pass over a page's content: the text of each MCID sequence, with its lines."""

    def __init__(self, number: int, page: pikepdf.Page):
        self.number, self.resources = number, page.obj.get("/Resources", Dictionary())
        self.out: dict[tuple[int, int], Piece] = {}
        self.stack: list[_Mark] = []
        self.fonts: dict[str, tuple[int, dict[int, str]]] = {}
        self.font: tuple[int, dict[int, str]] = (1, {})
        self.line: Any = 0
        self.sequences = 0

    def read(self, instructions: list) -> dict[tuple[int, int], Piece]:
        for instruction in instructions:
            op, operands = str(instruction.operator), instruction.operands
            if op in ("BDC", "BMC"):
                self.begin(op, operands)
            elif op == "EMC" and self.stack:
                self.end(self.stack.pop())
            elif op == "Tf" and operands:
                self.select(str(operands[0]))
            elif op in ("Tj", "TJ", "'", '"'):
                self.show(operands[-1] if operands else None)
            else:
                self.move(op, operands)
        return self.out

    def begin(self, op: str, operands: list) -> None:
        props = _properties(operands, self.resources) if op == "BDC" else None
        top = self.stack[-1] if self.stack else None
        self.sequences += top is None
        self.stack.append(_Mark(
            self.sequences, int(props.MCID) if props is not None and "/MCID" in props else None,
            str(props.ActualText) if props is not None and "/ActualText" in props else None,
            bool(operands and operands[0] == Name.Artifact) or bool(top and top.artifact)))

    def end(self, mark: _Mark) -> None:
        text = mark.actual if mark.actual is not None else "".join(mark.parts)
        if mark.mcid is not None:
            key = (self.number, mark.mcid)
            self.out[key] = Piece(text, self.number, mark.first, mark.last, mark.order)
            if self.stack:
                self.stack[-1].inner.append(key)
        if mark.actual is not None and mark.inner:
            # a Span with /ActualText around tagged sequences: its text replaces theirs, read
            # where the first of them is (post-processing gap 7 puts one around a hyphenated line)
            for n, key in enumerate(mark.inner):
                self.out[key] = replace(self.out[key], text=mark.actual if n == 0 else "")
        elif self.stack and not mark.artifact and mark.mcid is None:
            self.stack[-1].add(text, mark.first, mark.last)

    def select(self, name: str) -> None:
        if name not in self.fonts:
            self.fonts[name] = _font(self.resources.get("/Font", Dictionary()).get(name))
        self.font = self.fonts[name]

    def show(self, operand: Any) -> None:
        if self.stack and not self.stack[-1].artifact:
            self.stack[-1].add(_decode(operand, self.font), self.line, self.line)

    def move(self, op: str, operands: list) -> None:
        """Follow the baseline, enough to tell one line from the next."""
        if op == "BT":
            self.line = 0
        elif op == "Tm" and len(operands) == 6:
            self.line = float(operands[5])
        elif op in ("Td", "TD") and len(operands) == 2:
            self.line = (self.line if isinstance(self.line, float) else 0.0) + float(operands[1])
        elif op == "T*":
            self.line = object()  # a new line whose position is not tracked


def _page_texts(number: int, page: pikepdf.Page) -> dict[tuple[int, int], Piece]:
    try:
        instructions = pikepdf.parse_content_stream(page, _TEXT_OPERATORS)
    except pikepdf.PdfError:
        return {}
    return _PageText(number, page).read(instructions)


def _properties(operands: list, resources: Dictionary) -> Dictionary | None:
    props = operands[1] if len(operands) > 1 else None
    if isinstance(props, Name):
        props = resources.get("/Properties", Dictionary()).get(str(props))
    return props if isinstance(props, Dictionary) else None


def _font(font: Any) -> tuple[int, dict[int, str]]:
    """(bytes per code, code → text) from a font's ToUnicode map."""
    if not isinstance(font, Dictionary):
        return 1, {}
    width = 2 if font.get("/Subtype") == Name.Type0 else 1
    to_unicode = font.get("/ToUnicode")
    if isinstance(to_unicode, Stream):
        return width, parse_to_unicode(to_unicode.read_bytes())
    # a simple font without ToUnicode: read its codes as WinAnsi, near enough for Latin text
    return width, {code: bytes([code]).decode("cp1252", "replace") for code in range(32, 256)} if width == 1 else {}


def _decode(operand: Any, font: tuple[int, dict[int, str]]) -> str:
    width, cmap = font
    strings = [s for s in operand if isinstance(s, pikepdf.String)] if isinstance(operand, Array) else [operand]
    out = []
    for string in strings:
        if not isinstance(string, pikepdf.String):
            continue
        data = bytes(string)
        out += [cmap.get(int.from_bytes(data[i:i + width], "big"), "") for i in range(0, len(data), width)]
    return "".join(out)


# ---------------------------------------------------------------- structure: what is read, in order

def _kids(node: Any) -> list:
    k = node.get("/K") if isinstance(node, Dictionary) else None
    return list(k) if isinstance(k, Array) else [] if k is None else [k]


class _Walk:
    def __init__(self, reading: Reading, texts: dict, pages: dict, role_map: dict):
        self.reading, self.texts, self.pages, self.role_map = reading, texts, pages, role_map

    def role(self, elem: Dictionary) -> str:
        raw = str(elem.get("/S", "/?"))[1:]
        return resolve_type(raw, self.role_map)[0] or raw

    def announce(self, std: str) -> str:
        match = re.fullmatch(r"H([1-6])", std)
        return f"heading {match[1]}" if match else ROLE_NAMES.get(std, std.lower())

    def block(self, elem: Any, depth: int, page: int | None, lang: str) -> None:
        """Read a block element: its own text as one item, block children as items below it."""
        if not isinstance(elem, Dictionary) or "/S" not in elem:
            return
        std = self.role(elem)
        page = self.pages.get(elem.Pg.objgen, page) if isinstance(elem.get("/Pg"), Dictionary) else page
        own_lang = str(elem.Lang) if "/Lang" in elem else ""
        switch = own_lang if own_lang and own_lang != lang else ""
        lang = own_lang or lang
        role = self.announce(std)
        if "/ActualText" in elem or std in ("Figure", "Formula"):
            self.replaced(elem, std, role, depth, switch)
            return
        pieces: list[tuple[Piece, str]] = []  # (piece, shown) of the text read so far in this block
        said = False
        for kid in _kids(elem):
            if isinstance(kid, Dictionary) and "/S" in kid and not self.is_inline(kid):
                said |= self.flush(pieces, depth, role, switch)
                if not said:  # a container: announce it before what it holds
                    self.reading.items.append(Item(depth, role, "", "", switch))
                    said = True
                self.block(kid, depth + 1, page, lang)
            else:
                pieces += self.inline(kid, page, lang)
        said |= self.flush(pieces, depth, role, switch)
        if not said:
            self.reading.items.append(Item(depth, role, "", "", switch))

    def is_inline(self, elem: Dictionary) -> bool:
        std = self.role(elem)
        if std in TRANSPARENT:
            return all(self.is_inline(k) for k in _kids(elem) if isinstance(k, Dictionary) and "/S" in k)
        return std in INLINE

    def replaced(self, elem: Dictionary, std: str, role: str, depth: int, switch: str) -> None:
        """An element read by its /ActualText, or a Figure/Formula by its /Alt."""
        if "/ActualText" in elem:
            text, source = str(elem.ActualText), "ActualText"
        else:
            text, source = str(elem.get("/Alt", "")), "Alt"
        self.reading.items.append(Item(depth, role, " ".join(text.split()), " ".join(text.split()), switch, source))

    def inline(self, kid: Any, page: int | None, lang: str) -> list[tuple[Piece, str]]:
        """The pieces of text an inline kid (MCID, MCR, inline element) adds to its block."""
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer):
            piece = self.texts.get((page, int(kid))) if page is not None else None
            return [(piece, piece.text)] if piece else []
        if not isinstance(kid, Dictionary):
            return []
        if kid.get("/Type") == Name.MCR and "/Stm" not in kid:
            pg = self.pages.get(kid.Pg.objgen, page) if isinstance(kid.get("/Pg"), Dictionary) else page
            piece = self.texts.get((pg, int(kid.MCID)))
            return [(piece, piece.text)] if piece else []
        if "/S" not in kid:
            return []  # OBJR (the annotation is announced with its Link), MCR into a form XObject
        std = self.role(kid)
        page = self.pages.get(kid.Pg.objgen, page) if isinstance(kid.get("/Pg"), Dictionary) else page
        own_lang = str(kid.Lang) if "/Lang" in kid else ""
        if "/ActualText" in kid:
            pieces = [(Piece(" ".join(str(kid.ActualText).split()), -1, None, None), "")]
        else:
            pieces = [p for sub in _kids(kid) for p in self.inline(sub, page, own_lang or lang)]
        if not pieces:
            return []
        label = "link" if std == "Link" else own_lang if own_lang and own_lang != lang else ""
        if label:  # a link's or language switch's own text: a word cut inside it is cut all the same
            text = _join(pieces, self.reading.splits, elisions=conjunctions(self.reading.language))
            description = self.link_description(kid) if std == "Link" else ""
            shown = f"[{label}: {text}{description}]"
            first, last = pieces[0][0], pieces[-1][0]
            return [(Piece(text, first.page, first.first, last.last, last.order), shown)]
        return pieces

    def link_description(self, link: Dictionary) -> str:
        for kid in _kids(link):
            if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR and isinstance(kid.get("/Obj"), Dictionary):
                contents = str(kid.Obj.get("/Contents", ""))
                return f" (described as {contents!r})" if contents else ""
        return ""

    def flush(self, pieces: list[tuple[Piece, str]], depth: int, role: str, switch: str) -> bool:
        if not pieces:
            return False
        text = _join(pieces, self.reading.splits, elisions=conjunctions(self.reading.language))
        shown = _join([(p, s) for p, s in pieces], [], shown=True)
        pieces.clear()
        if not text:
            return False
        self.reading.items.append(Item(depth, role, text, shown, switch))
        return True


def _join(pieces: list[tuple[Piece, str]], splits: list[str], shown: bool = False,
          elisions: frozenset[str] = frozenset()) -> str:
    """The pieces' text, with a space where the text goes to another line (or page)."""
    out = ""
    previous: Piece | None = None
    pending = False  # a line break seen at an empty sequence: it still parts the words around it
    for piece, display in pieces:
        text = display if shown and display else piece.text
        new_line = previous is not None and (piece.page != previous.page or piece.first != previous.last
                                             or piece.first is None or previous.last is None)
        if not text:  # e.g. an empty sequence that starts the next line before a last-word Span
            pending, previous = pending or new_line, piece
            continue
        new_line, pending = new_line or pending, False
        # on one line, something between two sequences (a leader drawn as an artifact) also parts words
        apart = previous is not None and (piece.order is None or previous.order is None
                                          or piece.order != previous.order + 1)
        if (new_line or apart) and out and text and not out.endswith(" ") and not text.startswith(" "):
            if new_line and _HYPHEN_SPLIT.search(out) and text[:1].isalpha() \
                    and text.split()[0].rstrip(".,;:!?").lower() not in elisions:
                splits.append(f"{out.split()[-1]} {text.split()[0]}")
            out += " "
        out += text
        previous = piece
    return " ".join(out.split())
