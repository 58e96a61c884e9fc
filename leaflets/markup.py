"""Markdown → safe HTML fragments.

Guarantees: raw HTML in content never passes through (Markdown's HTML processors are removed,
so it is escaped as text, and the result is cleaned by nh3 against an allowlist); links are
http(s)/mailto/#anchor only; attribute lists set only `{#id}` and `{lang=..}` (anything else is
dropped and recorded in `MarkupContext.refused`, which `validate` reports with its line);
`[@key]` citations become numbered links to the reference list; `[text](leaflet:id)` becomes a
named reference to another leaflet (recorded in `MarkupContext.leaflet_refs`), linked to that
leaflet's PDF beside this one (`sibling:FILE.pdf`, see `boundary.SIBLING_PDF`) when there is one.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension, AttrListTreeprocessor, get_attrs_and_remainder
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .boundary import SIBLING_LINK, sibling_href

CITATION = re.compile(r"\[@([\w:-]+(?:\s*;\s*@[\w:-]+)*)\]")
CITATION_KEY = re.compile(r"@([\w:-]+)")
# An item of a `links` or `see-also` block: `- [label](address)`. Its address goes into the
# template (and a QR code) as written, so `body` checks it with this same pattern.
LINK_ITEM = re.compile(r"^\s*[-*+]\s*\[([^\]]+)\]\(\s*<?([^)\s>]+)>?\s*\)\s*$")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")


def citation_keys(text: str) -> list[str]:
    """The source keys of every `[@key; @other]` citation in `text`, in order, repeats kept."""
    return [key for match in CITATION.finditer(text) for key in CITATION_KEY.findall(match[0])]

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
    refused: list[str] = field(default_factory=list)  # attribute-list entries that were dropped
    leaflet_refs: list[str] = field(default_factory=list)  # ids of `leaflet:` links seen
    # leaflet id → file name of its PDF beside this one (same brand, language, audience, format);
    # a `leaflet:` link to one of these is a real link, to any other only its title
    leaflet_files: dict[str, str] = field(default_factory=dict)
    _converter: markdown.Markdown | None = field(default=None, repr=False)

    def converter(self) -> markdown.Markdown:
        """One Markdown instance per document, reset between runs: building one costs more than
        converting a paragraph."""
        if self._converter is None:
            self._converter = markdown.Markdown(extensions=[
                LeafletMarkdown(self), SafeAttrLists(self), "sane_lists", "tables",
                TocExtension(permalink=False, slugify=_slug),
                SmartyExtension(substitutions={"left-double-quote": self.quotes[0], "right-double-quote": self.quotes[1]}),
            ], output_format="html")
        return self._converter.reset()


class CitationProcessor(InlineProcessor):
    def __init__(self, numbers: dict[str, int]):
        super().__init__(CITATION.pattern)
        self.numbers = numbers

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API)
        # Unknown keys number 0: validation converts before numbering, and reports them itself.
        keys = sorted(set(citation_keys(m.group(0))), key=lambda k: self.numbers.get(k, 0))  # [2][6], not [6][2]
        sup = etree.Element("sup", {"class": "cite"})
        for key in keys:
            link = etree.SubElement(sup, "a", {"href": f"#ref-{key}"})
            # AtomicString: '[1]' must not be parsed again as a Markdown link.
            link.text = AtomicString(f"[{self.numbers.get(key, 0)}]")
        return sup, m.start(0), m.end(0)


# [^\[\]] rather than [^\]]: every '[' would otherwise scan to the end of a paragraph for its ']'.
FOREIGN = re.compile(r"\[([^\[\]]+)\]\{lang=([a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*)\}")


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
        for element in list(root.iter()):
            if element.tag == "a" and element.get("href", "").startswith("leaflet:"):
                target = element.get("href")[8:]
                self.ctx.leaflet_refs.append(target)
                element.tag = "cite"
                element.set("class", "leaflet-ref")
                element.attrib.pop("href")
                if target in self.ctx.leaflet_files:  # <cite><a href="sibling:…">words</a></cite>
                    link = etree.Element("a", {"href": sibling_href(self.ctx.leaflet_files[target])})
                    link.text, element.text = element.text, None
                    link.extend(list(element))
                    for child in list(element):
                        element.remove(child)
                    element.append(link)
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


class SafeAttrListProcessor(AttrListTreeprocessor):
    """Python-Markdown's attribute lists, limited to what the content format documents: `{#id}`
    and `{lang=..}`. A class could borrow the template's layout (`{: .page-band }`) and `src` or
    `href` could point an image or link anywhere, so every other entry is refused."""

    # Python-Markdown's own patterns are quadratic on a heading or table cell with a long run of
    # spaces (`[ ]+\{` restarts at every space) and on many '{'. These start only at the first
    # space of a run and stop at the next brace, so each character is looked at a bounded number
    # of times. The attribute list itself holds no braces: `{#id}` and `{lang=..}` need none.
    BASE_RE = r"\{:?[ ]*([^}\n ][^\n{}]*)\}"
    HEADER_RE = re.compile(r"(?<![ ])[ ]+" + BASE_RE + r"[ ]*$")
    BLOCK_RE = re.compile(r"\n[ ]*" + BASE_RE + r"[ ]*$")
    INLINE_RE = re.compile(r"^" + BASE_RE)

    def __init__(self, md, ctx: MarkupContext):
        super().__init__(md)
        self.ctx = ctx

    def assign_attrs(self, elem, attrs_string: str, *, strict: bool = False) -> str:
        attrs, remainder = get_attrs_and_remainder(attrs_string)
        if strict and remainder:
            return remainder
        for key, value in attrs:
            if key == "id" and value and ID_PATTERN.match(value):
                elem.set("id", value)
            elif key == "lang" and value and LANGUAGE_TAG.match(value):
                elem.set("lang", value)
            else:
                shown = f".{value}" if key == "." else f"{key}={value}" if value is not None else key
                self.ctx.refused.append(shown)
        return remainder


class SafeAttrLists(AttrListExtension):
    def __init__(self, ctx: MarkupContext):
        super().__init__()
        self.ctx = ctx

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(SafeAttrListProcessor(md, self.ctx), "attr_list", 8)
        md.registerExtension(self)


# A citation never starts a line on its own. The look-behind makes the match start only at the
# beginning of a run of spaces: without it a long run costs quadratic time.
SPACE_BEFORE_CITATION = re.compile(r"(?<![ \t])[ \t]+(?=\[@)")


def convert(text: str, ctx: MarkupContext) -> str:
    """Markdown's own HTML for one run, before sanitising: what `validate` inspects, so that
    whatever nh3 would silently drop is reported instead."""
    return ctx.converter().convert(SPACE_BEFORE_CITATION.sub("\u00a0", text))


def to_html(text: str, ctx: MarkupContext) -> str:
    """Convert one Markdown run. Heading ids come from `{#id}` or are derived from the text."""
    return sanitize(convert(text, ctx))


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, attribute_filter=_sibling_links_only,
                     url_schemes={"http", "https", "mailto", "sibling"}, link_rel=None, strip_comments=True)


def _sibling_links_only(tag: str, attribute: str, value: str) -> str | None:
    """`sibling:` passes only as the link render makes (`boundary.SIBLING_LINK`) on an `<a>`."""
    if value.strip().lower().startswith("sibling:") and not (tag == "a" and SIBLING_LINK.match(value)):
        return None
    return value


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
