"""Gap 7: a word that WeasyPrint hyphenated at a line end reaches a screen reader whole.

WeasyPrint draws each line of a paragraph as its own marked-content sequence, so "kinder-" ends
one sequence and "wens" starts the next: assistive technology reads "kinder wens", two words. Here
each such pair gets /ActualText (ISO 32000-1 14.9.4) in a Span around its sequence: the first
line reads with the whole word ("… kinderwens"), the next line without its first fragment. The
glyphs and the MCID sequences are untouched (only marked-content operators are added around
them, so an MCID sequence stays the innermost mark of its text), and the structure tree, the
ParentTree and what is printed stay the same.

A hyphen at a line end is kept in the word when the text has it: the structure hints note the
words each text block writes with a hyphen ('MS-verpleegkundige', 'pseudo-relapse';
`hyphenated_words` reads them before `write` removes the hints). Otherwise it is a hyphenation,
and dropped, when the letters on both sides are lower case and the word is not an address
('www.uniek-' + 'sporten.nl'), as the link descriptions of `links._join_lines` decide. A hyphen
before a conjunction is an elision ('pepermunt- of theeboomolie') and is left alone. Running the
stage again adds nothing: a sequence that already has its Span is left alone.
"""
from __future__ import annotations

import re

import pikepdf
from pikepdf import Array, Dictionary

from .content import PageContent
from .hints import HINT_WORDS

_SPLIT_END = re.compile(r"(\S*\w)-$")  # "… kinder-": the fragment before the hyphen
_FIRST_WORD = re.compile(r"^(\w\S*)")
#: By language: a hyphen before these words is an elision ("pepermunt- of theeboomolie"), not a
#: cut word. Per language, because a fragment may be another language's conjunction ("canna- bis").
CONJUNCTIONS: dict[str, frozenset[str]] = {
    "nl": frozenset({"en", "of", "tot"}), "en": frozenset({"and", "or", "to"}),
    "de": frozenset({"und", "oder", "bis"}), "fr": frozenset({"et", "ou"}),
}


_TRAILING = ".,;:!?)»”’'\""  # punctuation after a word
_ACTUAL = b"/Span <</ActualText "
#: Elements that group blocks: a word never runs from one of their blocks into the next.
_GROUPS = frozenset("/Document /Part /Art /Sect /Div /Aside /L /TOC /Table /THead /TBody /TFoot /TR".split())


def conjunctions(language: str) -> frozenset[str]:
    """The conjunctions an elision hyphen stands before in `language` ("nl", "en-GB", ...)."""
    return CONJUNCTIONS.get(language.split("-")[0].lower(), frozenset())


def hyphenated_words(doc: pikepdf.Pdf) -> frozenset[str]:
    """The words the text blocks write with a hyphen, from the structure hints (empty without them)."""
    words: set[str] = set()
    for obj in doc.objects:
        if isinstance(obj, Dictionary) and "/" + HINT_WORDS in obj:
            words.update(str(obj.get("/" + HINT_WORDS)).split())
    return frozenset(words)


def join_hyphenated(doc: pikepdf.Pdf, language: str, written: frozenset[str] = frozenset()) -> int:
    """Give every line-end hyphenation /ActualText with the whole word; returns how many.
    `language` is the document's, for telling elisions from cut words; `written` the words the
    text writes with a hyphen (see `hyphenated_words`)."""
    pages = [_CachedText(index, page) for index, page in enumerate(doc.pages)]
    elisions = conjunctions(language)
    page_of = {page.page.obj.objgen: page.index for page in pages}
    completed: dict[tuple[int, int], str] = {}  # (page, MCID) → its last word, whole
    trimmed: set[tuple[int, int]] = set()  # (page, MCID) whose first word moved to the line before
    for run in _runs(doc.Root.StructTreeRoot, page_of):
        i = 0
        while i < len(run) - 1:
            whole = _whole_word(pages, run[i], run[i + 1], elisions, written)
            if whole is None:
                i += 1
                continue
            j = i + 1
            # a word over three lines: 'defecatie-' | 'proble-' | 'men' (the middle line is one fragment)
            while whole.endswith("-") and j + 1 < len(run) and _one_word(pages, run[j]):
                more = _whole_word(pages, run[j], run[j + 1], elisions, written)
                if more is None:
                    break
                whole = whole[:len(whole) - len(_text(pages, run[j]).strip())] + more
                trimmed.add(run[j])
                j += 1
            completed[run[i]] = whole
            trimmed.add(run[j])
            i = j
    for page in pages:
        mine = {mcid for (index, mcid) in (*completed, *trimmed) if index == page.index}
        if mine:
            _rewrite(doc, page, {m: _actual_text(page, m, completed.get((page.index, m)), (page.index, m) in trimmed)
                                 for m in mine})
    return len(completed)


class _CachedText(PageContent):
    """A page's content whose sequences' text is decoded once (each line is looked at twice)."""

    def __init__(self, index: int, page: pikepdf.Page):
        super().__init__(index, page)
        self._texts: dict[int, str] = {}

    def text(self, mcid: int) -> str:
        if mcid not in self._texts:
            self._texts[mcid] = super().text(mcid)
        return self._texts[mcid]


def _runs(root: Dictionary, page_of: dict) -> list[list[tuple[int, int]]]:
    """For each element, the marked content below it in reading order (page index, MCID)."""
    runs: list[list[tuple[int, int]]] = []

    def walk(elem: Dictionary, page: int | None) -> list[tuple[int, int]]:
        pg = elem.get("/Pg")
        page = page_of.get(pg.objgen, page) if isinstance(pg, Dictionary) else page
        found: list[tuple[int, int]] = []
        for kid in _kids(elem):
            if isinstance(kid, int) and page is not None:
                found.append((page, kid))
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR" and "/Stm" not in kid:
                kid_page = page_of.get(kid.Pg.objgen, page) if isinstance(kid.get("/Pg"), Dictionary) else page
                if kid_page is not None:
                    found.append((kid_page, int(kid.MCID)))
            elif isinstance(kid, Dictionary) and "/S" in kid and "/ActualText" not in kid:
                found += walk(kid, page)
        if len(found) > 1 and str(elem.get("/S")) not in _GROUPS:
            runs.append(found)
        return found

    for top in _kids(root):
        if isinstance(top, Dictionary) and "/S" in top:
            walk(top, None)
    return runs


def _kids(node: Dictionary) -> list:
    k = node.get("/K")
    items = list(k) if isinstance(k, Array) else [] if k is None else [k]
    return [int(i) if isinstance(i, int) or (isinstance(i, pikepdf.Object) and i._type_code == pikepdf.ObjectType.integer)
            else i for i in items]


def _whole_word(pages: list[PageContent], before: tuple[int, int], after: tuple[int, int],
                elisions: frozenset[str], written: frozenset[str]) -> str | None:
    """The word that `before` ends and `after` continues on the next line, or None."""
    first, second = pages[before[0]], pages[after[0]]
    same_line = before[0] == after[0] and first.line(before[1]) == second.line(after[1])
    head = _SPLIT_END.search(first.text(before[1]).rstrip("\u00ad"))
    tail = _FIRST_WORD.match(second.text(after[1]))
    if same_line or head is None or tail is None or _has_span(first, before[1]) or _has_span(second, after[1]):
        return None
    start, rest = head[1], tail[1]
    if rest.rstrip(_TRAILING).lower() in elisions:
        return None
    word = f"{start}-{rest.rstrip(_TRAILING)}"
    hyphenated = start[-1:].islower() and rest[:1].islower() and not any(c in word for c in "./@") \
        and not any(w == word or f"-{word}" in f"-{w}" or f"{word}-" in f"{w}-" for w in written)
    return start + rest if hyphenated else f"{start}-{rest}"


def _text(pages: list[PageContent], key: tuple[int, int]) -> str:
    return pages[key[0]].text(key[1])


def _one_word(pages: list[PageContent], key: tuple[int, int]) -> bool:
    words = _text(pages, key).split()
    return len(words) == 1


def _has_span(page: PageContent, mcid: int) -> bool:
    """Is the sequence missing, or already wrapped in its ActualText Span (a second run)?"""
    sequence = page.sequences.get(mcid)
    if sequence is None:
        return True
    before = page.data[:sequence.start].rstrip()
    opening = before.rfind(_ACTUAL)
    return opening >= 0 and before.endswith(b"BDC") and b"EMC" not in before[opening:] and b"MCID" not in before[opening:]


def _actual_text(page: PageContent, mcid: int, whole: str | None, trim: bool) -> str:
    text = page.text(mcid)
    if trim:
        text = _FIRST_WORD.sub("", text, count=1).lstrip()
    if whole is not None:
        text = _SPLIT_END.sub("", text.rstrip("\u00ad")) + whole
    return text


def _rewrite(doc: pikepdf.Pdf, page: PageContent, texts: dict[int, str]) -> None:
    """Wrap each sequence (BDC … EMC) in a Span with its /ActualText; nothing else changes."""
    pieces, last = [], 0
    for mcid, sequence in sorted(((m, page.sequences[m]) for m in texts), key=lambda item: item[1].start):
        opening = _ACTUAL + pikepdf.String(texts[mcid]).unparse() + b">> BDC\n"
        close = sequence.body_end + len(b"EMC")
        assert page.data[sequence.body_end:close] == b"EMC"
        pieces += [page.data[last:sequence.start], opening, page.data[sequence.start:close], b"\nEMC"]
        last = close
    pieces.append(page.data[last:])
    page.page.obj.Contents = doc.make_stream(b"".join(pieces))
