"""What a screen reader gets from every shipped edition (content/*/ in nl, en and ar, for patients
and professionals, A4, default brand), compared with the Markdown it was made from.

`leaflets.readout.read_out` reads the PDF as assistive technology does (structure order, roles,
/Alt, /ActualText, no artifacts). For each edition: every word of the Markdown body is read, in
the order written, and the body is read once (the contents list, which repeats headings on
purpose, left aside); no running footer or page number is read; no word is cut by a hyphen at a
line end; Arabic is read in logical order (the words as written, not their glyphs right to left).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from conftest import REPO, edition

from leaflets.expand import Selection
from leaflets.pipeline import build
from leaflets.readout import Reading, read_out

CONTENT = REPO / "content"
LANGUAGES = ("nl", "en", "ar")
AUDIENCES = ("patient", "professional")
_OPTION = re.compile(r"^ {4}\w+:.*$", re.M)  # a block's options ("    id: medicines"): not printed as written


@dataclass(frozen=True)
class Edition:
    leaflet: str
    language: str
    audience: str

    def __str__(self) -> str:
        return f"{self.leaflet}-{self.language}-{self.audience}"

    @property
    def source(self) -> str:
        return (CONTENT / self.leaflet / f"{self.language}.md").read_text(encoding="utf-8")

    @property
    def title(self) -> str:
        return yaml.safe_load(self.source.split("---", 2)[1])["title"]

    def pdf(self, output: Path) -> Path:
        return output / f"default/{self.language}/{self.leaflet}-{self.audience}-a4.pdf"


def _editions() -> list[Edition]:
    found = []
    for folder in sorted(p for p in CONTENT.iterdir() if (p / "leaflet.yaml").is_file()):
        meta = yaml.safe_load((folder / "leaflet.yaml").read_text(encoding="utf-8"))
        found += [Edition(folder.name, language, audience) for language in LANGUAGES
                  if language in meta.get("languages", [language]) and (folder / f"{language}.md").is_file()
                  for audience in AUDIENCES if audience in meta.get("audiences", AUDIENCES)]
    return found


EDITIONS = _editions()


@pytest.fixture(scope="module")
def readings(tmp_path_factory) -> dict[str, Reading]:
    out = tmp_path_factory.mktemp("readout")
    report = build(REPO, Selection(leaflets=tuple(sorted({e.leaflet for e in EDITIONS})), languages=LANGUAGES,
                                   audiences=AUDIENCES, brands=("default",), formats=("a4",)), jobs=2, output=out)
    assert report.ok, [str(p) for p in report.problems]
    return {str(e): read_out(e.pdf(out)) for e in EDITIONS}


@pytest.fixture(params=EDITIONS, ids=str)
def shipped(request) -> Edition:
    return request.param


def words(text: str) -> list[str]:
    """Words as a reader says them: letters and digits, case and punctuation aside."""
    text = text.replace("’", "'").replace("‘", "'")
    return re.findall(r"\w+", text.lower())


def leaflet_title(leaflet: str, language: str) -> str:
    """A `[text](leaflet:id)` link is printed as that leaflet's title in the same language, or
    else in its first language file (as render.py picks it)."""
    path = CONTENT / leaflet / f"{language}.md"
    path = path if path.is_file() else sorted((CONTENT / leaflet).glob("*.md"))[0]
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])["title"]


def body_words(source: str, audience: str, language: str) -> list[str]:
    """The words of the Markdown body of one edition, as they are meant to be read."""
    body = edition(source, audience).split("---", 2)[2]
    body = re.sub(r"\[[^\]]*\]\(leaflet:([\w-]+)\)", lambda m: leaflet_title(m[1], language), body)
    body = _OPTION.sub("", body)
    body = re.sub(r"^/// (audience \| \w+|[\w-]+)\s*$", "", body, flags=re.M)  # block markers without a title
    body = re.sub(r"^/// [\w-]+ \| ", "", body, flags=re.M)  # a block's title is printed as written
    body = re.sub(r"^///\s*$", "", body, flags=re.M)
    body = re.sub(r"\{#[^}]*\}|\[@[^\]]+\]", "", body)  # heading ids; citations (printed as numbers)
    body = re.sub(r"^\s*(\d+\.|[-*+])\s+", "", body, flags=re.M)  # list markers (a reader says "list item")
    body = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", body)  # links and images: their text or alt text
    return words(body)


def reading_without_contents(reading: Reading) -> list[str]:
    """The words read, leaving out the contents list (it repeats the section titles on purpose)."""
    out, skip_below = [], None
    for item in reading.items:
        if skip_below is not None and item.depth > skip_below:
            continue
        skip_below = item.depth if item.role == "contents" else None
        out += words(item.text)
    return out


def test_every_shipped_edition_is_read(readings):
    assert len(readings) == len(EDITIONS) >= 14  # 7 language files, two audiences each
    assert {e.language for e in EDITIONS} == set(LANGUAGES)


def test_every_word_of_the_body_is_read_once_in_order(readings, shipped):
    expected = body_words(shipped.source, shipped.audience, shipped.language)
    read = reading_without_contents(readings[str(shipped)])
    position = 0
    for index, word in enumerate(expected):  # the body is a subsequence of what is read
        try:
            position = read.index(word, position) + 1
        except ValueError:
            context = " ".join(expected[max(0, index - 8):index + 3])
            pytest.fail(f"{shipped}: {word!r} is not read (after position {position}) in: …{context}…")
    # once: no run of 8 body words is read more often than it is written (an /ActualText read
    # besides the content it replaces would be)
    written, read_runs = Counter(_runs(expected)), Counter(_runs(read))
    twice = [run for run in written if read_runs[run] > written[run]]
    assert not twice, [" ".join(run) for run in twice[:3]]


def _runs(words_: list[str], size: int = 8) -> list[tuple[str, ...]]:
    return [tuple(words_[i:i + size]) for i in range(len(words_) - size + 1)]


def test_no_running_footer_or_page_number_is_read(readings, shipped):
    text = "\n".join(item.text for item in readings[str(shipped)].items)
    page = _page_footer(shipped.language)
    assert not re.search(page, text), re.search(page, text)[0]
    assert f"{shipped.title} · " not in text  # the running footer: "Title · Version 1.0 · Review by …"


def test_no_word_is_cut_by_a_hyphen_at_a_line_end(readings, shipped):
    assert readings[str(shipped)].splits == []


def test_arabic_is_read_in_logical_order(readings):
    arabic = [e for e in EDITIONS if e.language == "ar"]
    assert arabic
    for shipped in arabic:
        read = [w for w in reading_without_contents(readings[str(shipped)]) if re.fullmatch(r"[\u0600-\u06ff]+", w)]
        written = set(body_words(shipped.source, shipped.audience, shipped.language))
        reversed_too = {w[::-1] for w in written} - written
        assert read and sum(w in written for w in read) / len(read) > 0.9, shipped
        assert not [w for w in read if w in reversed_too], shipped  # no word read right to left


def _page_footer(language: str) -> str:
    """The running page number ("Page 3 of 12") in this language, as a pattern."""
    with open(REPO / "locales" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        text = read_po(po).get("Page %(page)s of %(pages)s").string or "Page %(page)s of %(pages)s"
    return re.escape(text).replace(re.escape("%(page)s"), r"\d+").replace(re.escape("%(pages)s"), r"\d+")
