"""Render stage: one validated Document + brand + format + audience → one HTML string.

Pure and cheap (no PDF work): the same HTML feeds the PDF and a browser preview. Jinja2 runs
with autoescape and StrictUndefined; Markdown goes through `markup`, which removes raw HTML.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .approval import edition
from .assets import MM, figure_width_pt
from .blocks import BLOCKS, source_keys
from .boundary import AllowedRoots, sibling_href
from .brand import script_font_files
from .expand import sibling_files
from .i18n import long_date, number, quotes, script_direction, text_direction, translations
from .markup import LINK_ITEM, MarkupContext, citation_keys, inline, short_url, to_html
from .model import WEB, Block, Brand, Format, Leaflet, Markdown, Node, Project, Source, Variant



@dataclass(frozen=True)
class Rendered:
    """The HTML of one variant, and every file it will make the typesetter read."""

    variant: Variant
    html: str
    html_with_toc: str | None  # the same with a contents list, when the leaflet has sections
    base_url: str
    allowed: AllowedRoots  # what the typesetter may read: fixed by the project, never by content
    words: int
    font_families: tuple[str, ...] = ()  # the only fonts its text may be set in


# ---------------------------------------------------------------- audience selection

def for_audience(nodes: tuple[Node, ...], audience: str) -> tuple[Node, ...]:
    """Drop other audiences' blocks and unwrap this audience's, at every depth. Professional-only
    detail stays wrapped, so the professional edition can mark it."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Block) and node.kind == "audience":
            if node.title == audience == "professional" and any(isinstance(c, Markdown) for c in node.children):
                out.append(Block(node.kind, node.title, node.options, for_audience(node.children, audience), node.where))
            elif node.title == audience:
                out += for_audience(node.children, audience)
        elif isinstance(node, Block):
            out.append(Block(node.kind, node.title, node.options, for_audience(node.children, audience), node.where))
        else:
            out.append(node)
    return tuple(out)


def citation_order(nodes: tuple[Node, ...], options: bool = False) -> list[str]:
    """Source keys in order of first citation (depth-first, as printed). `options`: also the keys
    that blocks name in their options (a therapy's basis, a quote's source), which the
    professional edition cites."""
    order: list[str] = []
    for node in nodes:
        text = node.text if isinstance(node, Markdown) else node.title
        keys = citation_keys(text) + (source_keys(node.options) if options and isinstance(node, Block) else [])
        for key in keys:
            if key not in order:
                order.append(key)
        if isinstance(node, Block):
            order += [k for k in citation_order(node.children, options) if k not in order]
    return order


def numbered_sources(sources: tuple[Source, ...], cited: list[str]) -> list[tuple[int, Source]]:
    """Cited sources first, in citation order; the rest after, so every source is listed."""
    by_key = {s.key: s for s in sources}
    ordered = [by_key[k] for k in cited] + [s for s in sources if s.key not in cited]
    return list(enumerate(ordered, 1))


# ---------------------------------------------------------------- body

class BodyRenderer:
    """Renders nodes top to bottom, tracking the heading level so block headings nest right."""

    def __init__(self, env: Environment, ctx: MarkupContext, gettext, audience: str = "patient"):
        self.env, self.ctx, self._ = env, ctx, gettext
        self.audience = audience  # the professional edition cites what blocks name in options
        self.level = 1
        self.toc: list[tuple[str, str]] = []
        self.used_ids: set[str] = set()

    def nodes(self, nodes: tuple[Node, ...]) -> Markup:
        return Markup("\n").join(self.node(n) for n in nodes)

    def node(self, node: Node) -> Markup:
        return self.markdown(node) if isinstance(node, Markdown) else self.block(node)

    def markdown(self, node: Markdown) -> Markup:
        seen = len(self.ctx.headings)
        html = to_html(node.text, self.ctx)
        for level, anchor, text in self.ctx.headings[seen:]:
            self.level = level
            self.used_ids.add(anchor)
            if level == 2:
                self.toc.append((anchor, text))
        return Markup(html)

    def anchor(self, block: Block) -> str:
        wanted = getattr(block.options, "id", None) or re.sub(r"[^a-z0-9]+", "-", block.title.lower()).strip("-") or block.kind
        anchor, n = wanted, 1
        while anchor in self.used_ids:
            n += 1
            anchor = f"{wanted}-{n}"
        self.used_ids.add(anchor)
        return anchor

    def block(self, block: Block) -> Markup:
        spec = BLOCKS[block.kind]
        outer = self.level
        level = {"section": 2, "nested": min(outer + 1, 6)}.get(spec.heading)
        anchor = self.anchor(block)
        title = Markup(inline(block.title, self.ctx)) if block.title else Markup("")
        if level == 2:
            self.toc.append((anchor, re.sub(r"<[^>]+>", "", str(title))))
        if level:
            self.level = level
        children = self.nodes(block.children)
        self.level = 2 if spec.heading == "section" else outer
        extra = getattr(self, "extra_" + block.kind.replace("-", "_"), lambda b: {})(block)
        return Markup(self.env.get_template(spec.template).render(
            block=block, title=title, level=level, anchor=anchor, children=children, **extra))

    # -- per-kind extras: data a template needs beyond title and children
    def cite(self, key: str | None) -> Markup | None:
        """A source key as the professional edition's citation mark ([3], linked), else None."""
        if key is None or self.audience != "professional":
            return None
        return Markup(inline(f"[@{key}]", self.ctx))

    def extra_therapy(self, block: Block) -> dict:
        return {"basis": self.cite(block.options.basis), "basis_section": block.options.basis_section}

    def extra_quote(self, block: Block) -> dict:
        return {"cite": self.cite(block.options.source)}

    def _items(self, block: Block) -> list[tuple[str, str]]:
        text = "\n".join(c.text for c in block.children if isinstance(c, Markdown))
        return [(m[1], m[2]) for line in text.splitlines() if (m := LINK_ITEM.match(line))]

    def extra_links(self, block: Block) -> dict:
        items = []
        for label, url in self._items(block):
            items.append({"label": Markup(inline(label, self.ctx)), "url": url, "short": short_url(url),
                          "qr": qr_code(url)})
        return {"items": items}

    def extra_see_also(self, block: Block) -> dict:
        items = []
        for label, href in self._items(block):
            kind = "leaflet" if href.startswith("leaflet:") else "internal" if href.startswith("#") else "external"
            target = href[8:] if kind == "leaflet" else ""
            items.append({"label": Markup(inline(label, self.ctx)), "href": href, "kind": kind,
                          "leaflet": self.ctx.leaflet_titles.get(target, target),
                          "sibling": sibling_href(self.ctx.leaflet_files[target]) if target in self.ctx.leaflet_files
                          else ""})
        return {"items": items}


@lru_cache(maxsize=512)
def qr_code(url: str) -> str:
    """A QR code as an SVG data: URL (medium error correction survives a creased leaflet)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


# ---------------------------------------------------------------- the document

@lru_cache(maxsize=16)
def environment(templates: Path, catalog) -> Environment:
    """One Jinja environment per template folder and language catalog, translations installed
    once: rendering never changes shared state, so renders need no lock. A catalog reloaded by
    `caches.clear_caches()` is a new object, hence a new environment."""
    env = Environment(loader=FileSystemLoader(str(templates)), undefined=StrictUndefined,
                      autoescape=lambda name: not (name or "").endswith(".css.j2"),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(catalog, newstyle=True)
    env.filters["css_string"] = css_string
    env.filters["css_sentence"] = css_sentence
    env.filters["number"] = number  # {{ 4000 | number(lang) }} → 4.000 / 4,000
    env.filters["script_direction"] = script_direction
    env.filters["box_size"] = box_size
    return env


# A box's length in words, as a class the stylesheets use to decide whether it may split across
# pages (docs/layout.md): a short box always stays whole; each format says which others may split.
BOX_SIZES = ((25, "box-short"), (80, "box-medium"))


def box_size(children: str) -> str:
    """`box-short`, `box-medium` or `box-long` for a box holding this HTML."""
    words = len(re.sub(r"<[^>]+>", " ", str(children)).split())
    return next((name for limit, name in BOX_SIZES if words < limit), "box-long")


def css_string(value: str) -> str:
    """A quoted CSS string that cannot break out of its declaration or the <style> element."""
    escaped = "".join(c if c.isalnum() or c in " .,:;!?-_()/'’+&@" else f"\\{ord(c):x} " for c in str(value))
    return f'"{escaped}"'


def css_sentence(text: str, nowrap: bool = False, **expressions: str) -> str:
    """A translated sentence with %(name)s placeholders as a CSS `content` value: the words as
    quoted strings, each placeholder as its CSS expression (a counter), so a language orders the
    words its own way. `nowrap` joins words and numbers with no-break spaces."""
    out = []
    for part in re.split(r"(%\(\w+\)s)", text):
        if placeholder := re.fullmatch(r"%\((\w+)\)s", part):
            out.append(expressions[placeholder[1]])
        elif part:
            out.append(css_string(part.replace(" ", "\u00a0") if nowrap else part))
    return " ".join(out)


# ---------------------------------------------------------------- large print: text in figures

SVG_IMAGE = re.compile(r'<img ([^>]*)src="([^":>]+\.svg)"')


def enlarge_figure_text(html: str, folder: Path, fmt: Format) -> str:
    """Give every SVG with text the width at which its smallest text is large enough (large
    print), as an inline style: the picture grows, keeping its shape. `body.BodyChecker` warns,
    with file and line, about a figure whose text stays too small even at the column's width."""
    def widen(match: re.Match) -> str:
        target = folder / unquote(unescape(match[2]))
        sized = figure_width_pt(target, fmt) if target.is_file() else None
        if sized is None:
            return match[0]
        return f'<img style="width: {sized[0] / MM:.1f}mm; height: auto" {match[1]}src="{match[2]}"'
    return SVG_IMAGE.sub(widen, html)


# ---------------------------------------------------------------- fine typography

TITLE = re.compile(r'(<(h[1-6])\b[^>]*>|<p class="callout-title">)(.*?)(</h[1-6]>|</p>)', re.S)
SHORT_LAST_WORD = 6  # characters: a last word this short never stands alone on a title's last line
BOUND_WORDS = 20  # characters: the two words bound together still fit any column


def keep_last_words(html: str) -> str:
    """Keep the last two words of every heading and box title together when the last is short,
    so a title never ends with a short word alone on its own line ("MS"): they are wrapped in
    span.keep-together {white-space: nowrap}. WeasyPrint 70 has no `text-wrap: balance`. (A
    no-break space would do the same, but it would also reach the PDF's bookmarks and text.)"""
    return TITLE.sub(lambda m: m[1] + _bind_last_words(m[3]) + m[4], html)


def _bind_last_words(inner: str) -> str:
    parts = re.split(r"(<[^>]+>)", inner)  # text at even indexes, tags at odd: spaces in tags are no words
    words = unescape("".join(parts[0::2])).split()
    if len(words) < 2 or len(words[-1]) > SHORT_LAST_WORD or len(words[-2]) + len(words[-1]) + 1 > BOUND_WORDS:
        return inner
    last = max(i for i in range(0, len(parts), 2) if parts[i].strip())
    match = re.search(r"(\S+\s+\S+)(\s*)$", parts[last])
    if not match or match[1].split()[-1] != _escaped(words[-1]) or _in_link(parts[1:last:2]):
        return inner  # the two words meet across a tag (<abbr>, a citation), or stand in a link: left
    parts[last] = parts[last][:match.start()] + f'<span class="keep-together">{match[1]}</span>' + match[2]
    return "".join(parts)


def _escaped(word: str) -> str:
    return word.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _in_link(tags_before: list[str]) -> bool:
    """Whether text after these tags stands inside an <a>: a span there breaks the link's tagging."""
    return sum(t.startswith("<a ") or t == "<a>" for t in tags_before) > sum(t == "</a>" for t in tags_before)


PARAGRAPH = re.compile(r"(<(p|li)\b[^>]*>)((?:(?!<(?:p|li|ul|ol|div|section)\b).)*?)(</\2>)", re.S)
HYPHENATED_LETTERS = 7  # the shortest word `hyphenate-limit-chars: 7 3 3` (base.css) hyphenates


def whole_last_words(html: str) -> str:
    """Keep the last word of every paragraph and list item of the body from being hyphenated (the
    cover, sources and colophon are set without hyphenation or in short lines), so no last
    line holds only the end of a word ("exer-/cise."): the word is wrapped in a span with
    `hyphens: manual`. CSS has no such rule (`hyphenate-limit-last` is not in WeasyPrint 70)."""
    return PARAGRAPH.sub(lambda m: m[1] + _wrap_last_word(m[3]) + m[4], html)


def _wrap_last_word(inner: str) -> str:
    parts = re.split(r"(<[^>]+>)", inner)
    for i in range(len(parts) - 1, -1, -2):  # the last piece of text with a letter in it
        if re.search(r"[^\W\d_]", parts[i]):
            # a link's text is never hyphenated, and a span in it breaks its tagging
            if not _in_link(parts[1:i:2]) and (word := _last_word(parts[i])):
                start, end = word
                parts[i] = parts[i][:start] + f'<span class="last-word">{parts[i][start:end]}</span>' + parts[i][end:]
            return "".join(parts)
    return inner


def _last_word(text: str) -> tuple[int, int] | None:
    """Where the last word stands in `text` (before trailing punctuation), if it is long enough to
    be hyphenated. A scan from the end, not a regular expression: `[a-z]{7,}[^a-z<>]*$` backtracks
    quadratically on a long word followed by a letter after punctuation."""
    end = len(text.rstrip())
    while end and not (text[end - 1].isalnum() or text[end - 1] in "_<>"):
        end -= 1
    start = end
    while start and text[start - 1].isalpha():
        start -= 1
    return (start, end) if end - start >= HYPHENATED_LETTERS else None


@lru_cache(maxsize=32)
def read_stylesheet(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def document_context(project: Project, variant: Variant, leaflet_files: dict[str, str] | None = None
                     ) -> tuple[Environment, dict]:
    """The template context of one edition: its body rendered through the block templates, the
    sources, dates and edition facts. Shared by the PDF page (`render`) and the web edition
    (`web.render_web`), so both say the same. `leaflet_files` names the other leaflets' files
    beside this one (default: their PDFs of this variant, `sibling_files`)."""
    leaflet = project.leaflet(variant.leaflet)
    document = leaflet.document(variant.language)
    brand = project.brand(variant.brand)
    gettext_ = translations(project.root / "locales", variant.language)
    env = environment(project.root / "templates", gettext_)
    body = for_audience(document.body, variant.audience)
    cited = citation_order(body, options=variant.audience == "professional")
    titles = {l.meta.id: (l.document(variant.language) or l.documents[0]).title for l in project.leaflets if l.documents}
    ctx = MarkupContext({k: i for i, k in enumerate(cited, 1)}, titles, quotes(variant.language),
                        leaflet_files=sibling_files(project, variant) if leaflet_files is None else leaflet_files)
    renderer = BodyRenderer(env, ctx, gettext_.gettext, variant.audience)
    body_html = Markup(whole_last_words(str(renderer.nodes(body))))
    context = dict(
        variant=variant, doc=document, meta=leaflet.meta, brand=brand, body=body_html,
        toc=renderer.toc, sources=numbered_sources(leaflet.meta.sources, cited),
        dates={"published": long_date(leaflet.meta.published, variant.language),
               "review_by": long_date(leaflet.meta.review_by, variant.language)},
        edition=edition(leaflet, document),  # approved (the colophon names who) or a draft (marked on every page)
        approved_on=long_date(a.date, variant.language) if (a := leaflet.meta.approval(variant.language)) else "",
        direction=text_direction(variant.language), lang=variant.language,
        script_fonts=script_font_files(variant.language),
        web=web_edition_link(brand, variant),  # the printed leaflet's QR code to its web edition, or None
    )
    return env, context


def web_edition_link(brand: Brand, variant: Variant) -> dict | None:
    """Where this edition's web page is published, when the brand says (`leaflets.web_base`)."""
    if not brand.web_base:
        return None
    page = replace(variant, format=WEB).output_path  # <brand>/<language>/<leaflet>-<audience>.html
    url = f"{brand.web_base}/{page.split('/', 1)[1]}"
    return {"url": url, "short": short_url(url), "qr": qr_code(url)}


def render(project: Project, variant: Variant) -> Rendered:
    """HTML for one variant (with and, for sectioned leaflets, without a contents list)."""
    env, context = document_context(project, variant)
    leaflet, brand, fmt = project.leaflet(variant.leaflet), context["brand"], project.format(variant.format)
    context["format"] = fmt
    # Stylesheets are project files, not content: trusted, joined as they are.
    static = "\n".join(read_stylesheet(project.root / "styles" / name) for name in ("base.css", "blocks.css", fmt.css))
    css = env.get_template("page.css.j2").render(**context, static=static)
    page = env.get_template("document.html.j2")
    if fmt.min_body_pt > 11:  # large print: text inside figures grows to the format's minimum too
        context["body"] = Markup(enlarge_figure_text(str(context["body"]), leaflet.folder, fmt))
    html = keep_last_words(page.render(**context, css=Markup(css), with_toc=False))
    with_toc = keep_last_words(page.render(**context, css=Markup(css), with_toc=True)) if len(context["toc"]) >= 2 else None
    words = len(re.sub(r"<[^>]+>", " ", context["body"]).split())
    allowed = allowed_roots(project, leaflet, brand, context["script_fonts"])
    families = tuple(sorted({f[0] for f in (*brand.font_files, *context["script_fonts"])}))
    return Rendered(variant, html, with_toc, leaflet.folder.resolve().as_uri() + "/", allowed, words, families)


def allowed_roots(project: Project, leaflet: Leaflet, brand: Brand, script_fonts: list) -> AllowedRoots:
    """The folders a variant's typesetter may read (and single font files of installed font
    packages), all known before any content is rendered: content can never widen them."""
    fonts = [f[3] for f in (*brand.font_files, *script_fonts)]
    return AllowedRoots.of([project.root / "templates", project.root / "styles", leaflet.folder, brand.folder, *fonts])
