"""Web edition: one responsive, self-contained HTML page per leaflet × audience × language ×
brand, `output/<brand>/<language>/<leaflet>-<audience>.html`, beside that edition's PDFs.

The page is made from the same model and block templates as the PDF (`render.document_context`),
in its own page template (`templates/web.html.j2`) and screen stylesheet (`styles/web.css`).
Guarantees of a page this module writes:

- it needs nothing from the network and carries no script: pictures and the logo are embedded as
  `data:` images, the fonts are copied once into `output/fonts/` (with their licence) and named
  relatively, and a Content-Security-Policy forbids scripts, frames and remote fetches;
- every `src`, `href` and `url()` of the final page is checked (`page_problems`): in-page anchors
  that exist, web and mail links, the PDFs and web pages beside it, the catalogue, the fonts;
  no `<script>`, no event handler attribute, no `style` attribute, no raw element content
  passes; a failed check fails the variant and keeps the last good page;
- language and direction (`lang`, `dir`) on the root, one `h1`, headings in order, alt text on
  every picture, a skip link to `<main>`: the conditions the browser test (axe-core) also sees;
- it is cached like a PDF: its key covers what the PDF's key covers (but the PDF templates and
  stylesheets: `inputs.WEB_FILES`), its own page template and stylesheet, this module, and the
  PDFs and languages it links to.
"""
from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlparse

from babel import Locale
from markupsafe import Markup

from .approval import edition
from .boundary import AllowedRoots, DATA_IMAGE, WEB_LINK
from .brand import script_font_files
from .deadline import TooSlow, deadline
from .errors import Problem
from .expand import Selection, expand
from .inputs import InputHasher, code_version
from .limits import MAX_DATA_URL, MAX_IMAGE_BYTES, SECONDS_PER_VARIANT
from .model import WEB, Project, Variant
from .render import document_context, keep_last_words
from .write import ManifestEntry, OutputStore, sha256_bytes

if TYPE_CHECKING:
    from .pipeline import BuildReport

TEMPLATE = "web.html.j2"
STYLESHEET = "web.css"
FONTS = "fonts"  # output/fonts/<family>/<file>: shared by every web page of the build
# What a page may link to beside itself: the other PDFs and web pages of its folder (file names of
# our own making), another language's page, the catalogue. Fonts are checked against `fonts`.
LOCAL_LINK = re.compile(r"^(?:\.\./[a-z0-9-]+/)?[a-z0-9-]+\.(?:pdf|html)$|^\.\./\.\./index\.html$")
SIBLING = re.compile(r'href="sibling:([a-z0-9-]+\.html)"')
IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')
MAX_IMAGE_DATA = MAX_IMAGE_BYTES * 4 // 3 + 100
STYLE_HASH = "style-hash-of-this-page"  # replaced by the hash of the page's <style> (`with_style_hash`)  # a picture within the limit, as base64
ALLOWED_ELEMENTS = {
    "html", "head", "meta", "title", "style", "body", "header", "nav", "main", "aside", "footer", "section", "div",
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "img", "br", "blockquote", "sup",
    "span", "bdi", "cite", "abbr", "table", "thead", "tbody", "tr", "th", "td", "caption", "figure", "figcaption", "code",
}


@dataclass(frozen=True)
class PdfLink:
    """A PDF of the same edition that the page links to: file name, format id, pages."""

    file: str
    format: str
    pages: int


@dataclass(frozen=True)
class FontFile:
    """A font the page uses: its installed file and where it goes under output/."""

    family: str
    style: str
    weight: str
    source: Path

    @property
    def target(self) -> str:
        """output/fonts/<family>/<file>, in letters, digits and '-' only: `Lexend[wght].ttf` is
        `fonts/lexend/lexend-wght.ttf`, so the URL needs no quoting."""
        return f"{FONTS}/{slug(self.family)}/{slug(self.source.stem)}{self.source.suffix.lower()}"


@dataclass(frozen=True)
class WebPage:
    variant: Variant
    html: str
    fonts: tuple[FontFile, ...]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ---------------------------------------------------------------- expand

def web_editions(project: Project, selection: Selection) -> list[Variant]:
    """The selected web editions: one per leaflet × audience × language × brand, when no format
    was asked for or `web` was."""
    if selection.formats and WEB not in selection.formats:
        return []
    return sorted({replace(v, format=WEB) for v in expand(project, replace(selection, formats=()))})


# ---------------------------------------------------------------- the stage

def build_web(project: Project, store: OutputStore, variants: list[Variant], force: bool,
              report: "BuildReport") -> None:
    """Render, check and write each web edition that changed; a failure keeps the last good page.
    After the PDFs: a page links to the PDFs of its edition that exist."""
    hasher = InputHasher(project)
    fonts: set[FontFile] = set()
    for variant in variants:
        pdfs = pdf_links(project, store, variant)
        fonts |= set(page_fonts(project, variant))
        key = web_key(hasher, variant, pdfs)
        if not force and store.up_to_date(variant, key):
            report.skipped.append(variant)
            continue
        page = make_page(project, variant, pdfs, report)
        if page is None:
            continue
        if problems := page_problems(page.html):
            report.failed.append(variant)
            report.problems += [Problem(variant, f"web page: {problem}") for problem in problems]
            continue
        leaflet = project.leaflet(variant.leaflet)
        document = leaflet.document(variant.language)
        data = page.html.encode("utf-8")
        store.write(variant, key, data, ManifestEntry(variant.output_path, variant.leaflet, variant.audience,
                                                       variant.language, variant.brand, WEB, document.title, 1,
                                                       sha256_bytes(data), edition(leaflet, document).status))
        report.built.append(variant)
    for font in sorted(fonts, key=lambda f: f.target):
        store.put(font.target, font.source.read_bytes())
        licence = font.source.parent.parent / "LICENSE"  # fontpkg packages: files/ beside LICENSE
        if licence.is_file():
            store.put(f"{FONTS}/{slug(font.family)}/LICENSE.txt", licence.read_bytes())


def make_page(project: Project, variant: Variant, pdfs: list[PdfLink], report: "BuildReport") -> WebPage | None:
    """The page, or None with the variant failed: like a PDF's rendering, it fails alone."""
    try:
        with deadline(SECONDS_PER_VARIANT):
            return render_web(project, variant, pdfs)
    except TooSlow as exc:
        report.fail(variant, f"rendering {exc}")
    except (RecursionError, ValueError, KeyError, TypeError, OSError) as exc:
        report.fail(variant, f"rendering the web page failed: {type(exc).__name__}: {exc}")
    return None


def pdf_links(project: Project, store: OutputStore, variant: Variant) -> list[PdfLink]:
    """The PDFs of this edition in the output folder, in the registry's order of formats."""
    links = []
    for fmt in project.formats:
        pdf = replace(variant, format=fmt.id)
        known = store.record(pdf)
        if known is not None and (store.folder / pdf.output_path).is_file():
            links.append(PdfLink(Path(pdf.output_path).name, fmt.id, known.entry.pages))
    return links


def web_key(hasher: InputHasher, variant: Variant, pdfs: list[PdfLink]) -> str:
    """What the page is made from: the variant's inputs, the web template, stylesheet and code,
    the PDFs it links to and the languages it offers."""
    project = hasher.project
    leaflet = project.leaflet(variant.leaflet)
    parts = [hasher.key(variant), web_code_version(),
             hasher.file(project.root / "templates" / TEMPLATE), hasher.file(project.root / "styles" / STYLESHEET),
             repr(pdfs), repr(other_languages(project, variant)),
             *(f"{l.meta.id}:{[d.language for d in l.documents]}" for l in project.leaflets if l is not leaflet)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def web_code_version() -> str:
    return hashlib.sha256(code_version().encode() + Path(__file__).read_bytes()).hexdigest()


# ---------------------------------------------------------------- render

def render_web(project: Project, variant: Variant, pdfs: list[PdfLink]) -> WebPage:
    """The web page of one edition, from the same body, sources and facts as its PDF."""
    leaflet = project.leaflet(variant.leaflet)
    env, context = document_context(project, variant)  # `leaflet:` links name the other leaflets' pages
    fonts = page_fonts(project, variant)
    # Read for each page (6 KB), not through render's cache: an edit between two builds in one
    # process (tests, a preview) must show.
    stylesheet = (project.root / "styles" / STYLESHEET).read_text(encoding="utf-8")
    css = font_faces(fonts) + brand_properties(context) + stylesheet
    brand = context["brand"]
    html = keep_last_words(env.get_template(TEMPLATE).render(  # titles wrap as in the PDF
        **context, css=Markup(css), pdfs=pdfs, languages=other_languages(project, variant),
        logo=data_url(brand.logo) if brand.logo else "", style_src=STYLE_HASH))
    html = with_style_hash(html)
    html = SIBLING.sub(r'href="\1"', html)  # another leaflet's page beside this one
    roots = AllowedRoots.of([leaflet.folder])
    html = IMG_SRC.sub(lambda m: m[1] + embedded(m[2], leaflet.folder.resolve().as_uri() + "/", roots) + m[3], html)
    return WebPage(variant, html, tuple(fonts))


def with_style_hash(html: str) -> str:
    """The page's own stylesheet, named by its hash in the Content-Security-Policy: a browser
    then applies no other style (no style attribute, no second <style>)."""
    css = re.search(r"<style>(.*?)</style>", html, re.S)[1]
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return html.replace(STYLE_HASH, f"'sha256-{digest}'", 1)  # the first: in the head, before any content


def other_languages(project: Project, variant: Variant) -> list[tuple[str, str, str]]:
    """(language, its name in itself, link) of this leaflet's other languages, for this audience."""
    leaflet = project.leaflet(variant.leaflet)
    return [(d.language, Locale.parse(d.language).get_display_name(d.language),
             f"../{d.language}/{Path(replace(variant, language=d.language).output_path).name}")
            for d in leaflet.documents if d.language != variant.language]


def page_fonts(project: Project, variant: Variant) -> list[FontFile]:
    """The script fonts for the language, then the brand's fonts (as in the PDF)."""
    brand = project.brand(variant.brand)
    return [FontFile(*f) for f in (*script_font_files(variant.language), *brand.font_files)]


def font_faces(fonts: list[FontFile]) -> str:
    """@font-face rules naming the copies under output/fonts/, relative to the page."""
    from .render import css_string

    rules = []
    for font in fonts:
        weight = f"font-weight:{font.weight};" if font.weight else "font-weight:100 900;"
        url = "../../" + font.target
        rules.append(f"@font-face{{font-family:{css_string(font.family)};font-style:{font.style};{weight}"
                     f"font-display:swap;src:url({css_string(url)})}}")
    return "\n".join(rules) + "\n"


def brand_properties(context: dict) -> str:
    """The brand's colours (checked for contrast when the brand was loaded) and font stack."""
    from .render import css_string

    brand = context["brand"]
    families = [f[0] for f in context["script_fonts"]] + [brand.font_family]
    stack = ", ".join(css_string(f) for f in dict.fromkeys(families))
    return (f":root{{--fg:{brand.foreground};--bg:{brand.background};--primary:{brand.primary};"
            f"--light:{brand.accent_background};--font:{stack}}}\n")


def data_url(path: Path) -> str:
    kind = "image/svg+xml" if path.suffix.lower() == ".svg" else mimetypes.guess_type(path.name)[0] or ""
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def embedded(src: str, base_url: str, roots: AllowedRoots) -> str:
    """A picture of the text as a data: URL, so the page stands alone; anything that is not a
    picture file in the leaflet's folder is left as it is, for `page_problems` to refuse."""
    if src.startswith("data:"):
        return src
    parsed = urlparse(urljoin(base_url, src.replace("&amp;", "&")))
    path = Path(unquote(parsed.path))
    if parsed.scheme != "file" or not roots.admit(path) or not path.is_file() or \
            path.suffix.lower() not in (".svg", ".png", ".jpg", ".jpeg") or path.stat().st_size > MAX_IMAGE_BYTES:
        return src
    return data_url(path.resolve())


# ---------------------------------------------------------------- verify

class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []
        self.headings: list[int] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        self.elements.append((tag, named))
        if named.get("id"):
            self.ids.append(named["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def page_problems(html: str) -> list[str]:
    """What is wrong with a finished page, as messages (none: it may be written)."""
    page = _Page()
    page.feed(html)
    page.close()
    problems = _structure_problems(page)
    anchors = set(page.ids)
    for tag, attrs in page.elements:
        if tag not in ALLOWED_ELEMENTS:
            problems.append(f"element <{tag}> is not allowed on a web page")
        for name, value in attrs.items():
            if name.startswith("on") or name in ("style", "srcset", "formaction", "action", "background", "poster"):
                problems.append(f"attribute {name} on <{tag}> is not allowed on a web page")
            elif name in ("src", "href"):
                if why := _reference_problem(tag, name, value or "", anchors):
                    problems.append(why)
        if tag == "img" and not (attrs.get("alt") or "").strip():
            problems.append(f"picture without alt text: <img src='{(attrs.get('src') or '')[:60]}'>")
        if tag == "meta" and attrs.get("http-equiv") and attrs["http-equiv"].lower() != "content-security-policy":
            problems.append(f"<meta http-equiv='{attrs['http-equiv']}'> is not allowed on a web page")
    for css in page.styles:
        for url in re.findall(r"url\(\s*[\"']?([^\"')]*)", css):
            if not re.fullmatch(rf"\.\./\.\./{FONTS}/[a-z0-9-]+/[a-z0-9-]+\.(?:ttf|otf|woff2?)", url):
                problems.append(f"stylesheet reads '{url[:80]}': only the fonts beside the pages may be read")
        if re.search(r"@import|expression\(|javascript:", css, re.I):
            problems.append("stylesheet imports or runs something")
    return problems


def _structure_problems(page: _Page) -> list[str]:
    problems = []
    root = next((attrs for tag, attrs in page.elements if tag == "html"), {})
    if not root.get("lang") or root.get("dir") not in ("ltr", "rtl"):
        problems.append("<html> needs lang and dir")
    if page.headings.count(1) != 1 or page.headings[:1] != [1]:
        problems.append("a page has exactly one h1, before every other heading")
    for before, after in zip(page.headings, page.headings[1:]):
        if after > before + 1:
            problems.append(f"heading level skipped: h{before} followed by h{after}")
    if duplicates := sorted({i for i in page.ids if page.ids.count(i) > 1}):
        problems.append(f"ids used twice: {', '.join(duplicates[:5])}")
    if not any(tag == "main" and attrs.get("id") == "main" for tag, attrs in page.elements) or \
            not any(tag == "a" and attrs.get("href") == "#main" for tag, attrs in page.elements):
        problems.append("no <main id='main'> with a skip link to it")
    return problems


def _reference_problem(tag: str, attribute: str, value: str, anchors: set[str]) -> str | None:
    if attribute == "src":
        if tag == "img" and DATA_IMAGE.match(value) and len(value) <= max(MAX_IMAGE_DATA, MAX_DATA_URL):
            return None
        return f"<{tag} src='{value[:60]}'>: pictures must be embedded (data: image)"
    if value.startswith("#"):
        return None if value[1:] in anchors else f"link to '{value[:60]}', which is not on the page"
    if WEB_LINK.match(value) or LOCAL_LINK.match(value):
        return None
    return f"link '{value[:60]}' must be https://, http://, mailto:, #id or a file beside the page"
