"""Markdown → safe HTML fragments.

Guarantees: raw HTML in content never passes through (Markdown's HTML processors are removed,
so it is escaped as text, and the result is cleaned by nh3 against an allowlist); links are
http(s)/mailto/#anchor only; `[@key]` citations become numbered links to the reference list;
`[text](leaflet:id)` becomes a named reference to another leaflet.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

CITATION = re.compile(r"\[@([\w:-]+(?:\s*;\s*@[\w:-]+)*)\]")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "img", "br",
    "blockquote", "sup", "span", "cite", "abbr", "table", "thead", "tbody", "tr", "th", "td", "caption",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "title"},
    "th": {"scope"},
    "abbr": {"title"},
    "ol": {"start"},
}


@dataclass
class MarkupContext:
    """What inline conversion needs from the document: citation numbers, leaflet titles."""

    citation_numbers: dict[str, int]
    leaflet_titles: dict[str, str]
    quotes: tuple[str, str] = ("“", "”")
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # (level, id, text) seen
    _converter: markdown.Markdown | None = field(default=None, repr=False)

    def converter(self) -> markdown.Markdown:
        """One Markdown instance per document, reset between runs: building one costs more than
        converting a paragraph."""
        if self._converter is None:
            self._converter = markdown.Markdown(extensions=[
                LeafletMarkdown(self), "attr_list", "sane_lists", "tables",
                TocExtension(permalink=False, slugify=_slug),
                SmartyExtension(substitutions={"left-double-quote": self.quotes[0], "right-double-quote": self.quotes[1]}),
            ], output_format="html")
        return self._converter.reset()


class CitationProcessor(InlineProcessor):
    def __init__(self, numbers: dict[str, int]):
        super().__init__(CITATION.pattern)
        self.numbers = numbers

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API)
        keys = sorted(set(re.findall(r"@([\w:-]+)", m.group(0))), key=self.numbers.__getitem__)  # [2][6], not [6][2]
        sup = etree.Element("sup", {"class": "cite"})
        for index, key in enumerate(keys):
            link = etree.SubElement(sup, "a", {"href": f"#ref-{key}"})
            # AtomicString: '[1]' must not be parsed again as a Markdown link.
            link.text = AtomicString(f"[{self.numbers[key]}]")
        return sup, m.start(0), m.end(0)


FOREIGN = re.compile(r"\[([^\]]+)\]\{lang=([a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*)\}")


class ForeignLanguageProcessor(InlineProcessor):
    """`[to be or not to be]{lang=en}` → `<span lang="en">`, so screen readers switch voice."""

    def __init__(self):
        super().__init__(FOREIGN.pattern)

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API)
        span = etree.Element("span", {"lang": m.group(2)})
        span.text = m.group(1)
        return span, m.start(0), m.end(0)


class LeafletLinks(Treeprocessor):
    """`<a href="leaflet:exercise">` → `<cite class="leaflet-ref">` with the other leaflet's title."""

    def __init__(self, md, ctx: MarkupContext):
        super().__init__(md)
        self.ctx = ctx

    def run(self, root):
        for element in root.iter():
            if element.tag == "a" and element.get("href", "").startswith("leaflet:"):
                element.tag = "cite"
                element.set("class", "leaflet-ref")
                element.attrib.pop("href")
            if element.tag in ("h2", "h3", "h4", "h5", "h6"):
                self.ctx.headings.append((int(element.tag[1]), element.get("id", ""), "".join(element.itertext())))


class LeafletMarkdown(Extension):
    def __init__(self, ctx: MarkupContext):
        super().__init__()
        self.ctx = ctx

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        # Untrusted input: no raw HTML at all. Without these processors Markdown escapes it.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # Before links (170), so '[@key]' is not read as a reference link.
        md.inlinePatterns.register(CitationProcessor(self.ctx.citation_numbers), "citation", 175)
        md.inlinePatterns.register(ForeignLanguageProcessor(), "foreign-language", 176)
        md.treeprocessors.register(LeafletLinks(md, self.ctx), "leaflet-links", 0)


def to_html(text: str, ctx: MarkupContext) -> str:
    """Convert one Markdown run. Heading ids come from `{#id}` or are derived from the text."""
    text = re.sub(r"[ \t]+(?=\[@)", "\u00a0", text)  # a citation never starts a line on its own
    return sanitize(ctx.converter().convert(text))


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel=None, strip_comments=True)


def _slug(value: str, separator: str) -> str:
    value = re.sub(r"[^\w\s-]", "", value.lower()).strip()
    return re.sub(r"[\s_-]+", separator, value)


def inline(text: str, ctx: MarkupContext) -> str:
    """A one-line title (block titles, questions) with inline Markdown but no paragraph."""
    html = to_html(text, ctx)
    return re.sub(r"^<p>(.*)</p>$", r"\1", html.strip(), flags=re.S)


def short_url(url: str) -> str:
    """'https://www.ms.nl/' → 'www.ms.nl': what a reader types."""
    return re.sub(r"^(https?://|mailto:)", "", url).rstrip("/")
