"""Readability of a patient edition: Flesch-Douma (Dutch), Flesch Reading Ease (English),
and average sentence length, measured on the text the patient edition prints.

B1 targets: score ≥ 60 and at most 15 words per sentence on average.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen

from .model import Block, Document, Node
from .render import for_audience

# (intercept, words-per-sentence weight, syllables-per-word weight, scale name)
FORMULAS = {
    "nl": (206.835, 0.93, 77.0, "Flesch-Douma"),
    "en": (206.835, 1.015, 84.6, "Flesch Reading Ease"),
}
TARGET_SCORE = 60.0
TARGET_WORDS = 15.0
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Readability:
    language: str
    scale: str
    score: float
    words_per_sentence: float
    words: int
    sentences: int

    @property
    def meets_b1(self) -> bool:
        return self.score >= TARGET_SCORE and self.words_per_sentence <= TARGET_WORDS

    def __str__(self) -> str:
        return f"{self.scale} {self.score:.0f}, {self.words_per_sentence:.1f} words/sentence"


@lru_cache(maxsize=8)
def _hyphenator(language: str) -> pyphen.Pyphen:
    # left/right=1: count every break, also next to the word's edges ("o-ver").
    return pyphen.Pyphen(lang={"en": "en_GB"}.get(language, language), left=1, right=1)


def syllables(word: str, language: str) -> int:
    """Syllables approximated by hyphenation points, which follow syllable breaks."""
    return len(_hyphenator(language).positions(word.lower())) + 1


def plain_sentences(nodes: tuple[Node, ...]) -> list[str]:
    """Sentences as printed: titles, list items and headings count as one sentence each."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Block):
            if node.title and node.kind not in ("links", "see-also"):
                out.append(node.title)
            if node.kind not in ("links", "see-also"):
                out += plain_sentences(node.children)
            continue
        for unit in _units(node.text):
            text = re.sub(r"\[@[^\]]+\]|\{#[^}]+\}|!\[[^\]]*\]\([^)]*\)", "", unit)
            text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
            text = re.sub(r"[*_`]", "", text).strip()
            out += [s for s in re.split(r"(?<=[.!?])\s+", text) if WORD.search(s)]
    return out


def _units(markdown: str) -> list[str]:
    """Paragraphs (wrapped lines joined), list items and headings, each as one text."""
    units: list[str] = []
    for line in markdown.splitlines():
        marker = re.match(r"^\s*(#+|[-*+]|\d+\.)\s+", line)
        if marker or not units or not line.strip() or not units[-1]:
            units.append(line[marker.end():] if marker else line.strip())
        else:
            units[-1] += " " + line.strip()
    return [u for u in units if u]


def measure(document: Document, audience: str = "patient") -> Readability | None:
    """None for languages without a formula here (e.g. Arabic)."""
    formula = FORMULAS.get(document.language)
    if formula is None:
        return None
    intercept, sentence_weight, syllable_weight, scale = formula
    sentences = plain_sentences(for_audience(document.body, audience))
    words = [w for s in sentences for w in WORD.findall(s)]
    if not words:
        return None
    per_sentence = len(words) / len(sentences)
    per_word = sum(syllables(w, document.language) for w in words) / len(words)
    score = intercept - sentence_weight * per_sentence - syllable_weight * per_word
    return Readability(document.language, scale, score, per_sentence, len(words), len(sentences))
