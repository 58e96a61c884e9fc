"""The trust boundary: where the HTML handed to the typesetter may point.

Check what is rendered, not what was written. Content reaches the HTML through Markdown,
reference definitions, attribute lists, block titles, templates and nh3; a check on the source
text misses some of those routes. So the rules here are applied to HTML:

- `validate` applies them to Markdown's own output for every run of content (before nh3, so
  what nh3 would silently drop is reported too), to name the file and line;
- the typesetting worker applies them to WeasyPrint's parsed tree of the final page, the very
  elements it is about to lay out (no second HTML parser to disagree with);
- the worker's URL fetcher applies `resource_refusal` to everything WeasyPrint then fetches
  (stylesheets' `url()`, fonts, images inside SVG).

Before any of that, `named_file` holds the rules every file a source names by path must meet
(a leaflet's pictures, a brand's logo and font files): inside its folder, present, one name
only, not too large. The callers word the refusal for their readers.

The allowed places are fixed per variant (`AllowedRoots`), from the project layout and the
validated brand; nothing in the content can widen them. Symbolic links are followed before a
path is compared, so a link inside the project that points outside is refused like the target.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from .limits import MAX_DATA_URL

WEB_LINK = re.compile(r"^(https?://[^\s/@]+[^\s]*|mailto:[^\s@]+@[^\s@]+)$", re.I)
# What render makes of a content link `leaflet:ID`: another PDF of the same edition, in the same
# output folder, by file name only. Post-processing turns it into a relative GoToR action, so the
# link works wherever the output folder is copied, and never names a path of the build machine.
SIBLING_PDF = re.compile(r"^sibling:[a-z0-9-]+\.pdf$")
SIBLING_LINK = re.compile(r"^sibling:[a-z0-9-]+\.(?:pdf|html)$")  # the web edition links its pages so


def sibling_href(file_name: str) -> str:
    """The href render gives a link to another leaflet's PDF (or web page) beside this one."""
    href = "sibling:" + file_name
    if not SIBLING_LINK.match(href):
        raise ValueError(f"not a file name of an edition: {file_name!r}")
    return href
DATA_IMAGE = re.compile(r"^data:image/(svg\+xml|png|jpeg)[;,]", re.I)
# Attributes through which HTML (or SVG) makes a reader fetch or jump somewhere.
URL_ATTRIBUTES = frozenset({"src", "href", "xlink:href", "{http://www.w3.org/1999/xlink}href", "srcset", "data",
                            "poster", "background", "action", "formaction", "longdesc", "usemap", "cite"})


def inside(path: Path, root: Path | str) -> bool:
    """Whether `path`, with every symbolic link followed, lies inside `root`."""
    try:
        return path.resolve().is_relative_to(Path(root).resolve())
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name too long, a NUL byte
        return False


# ---------------------------------------------------------------- files a source names

OUTSIDE, MISSING, LINKED, TOO_LARGE = "outside", "missing", "hard link", "too large"
URL_LIKE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # https:, file:, data:, C: (a Windows drive)


@dataclass(frozen=True)
class NamedFile:
    """A file a source names in its folder, and the rule it breaks ('' when it may be read)."""

    path: Path  # folder / name, links not followed (a picture keeps the name it was given)
    refused: str = ""  # "", OUTSIDE, MISSING, LINKED or TOO_LARGE
    size: int = 0  # bytes, when it exists


def named_file(folder: Path, name: str, limit: int) -> NamedFile:
    """Check a path a source gives (brand.yml's logo, an image in the Markdown): a relative
    path, inside `folder` once every symbolic link is followed; an existing regular file; with no
    second name (a hard link passes every path check, wherever its other name is); at most
    `limit` bytes. A name the system refuses (too long, a NUL byte) raises OSError or ValueError."""
    target = folder / name
    if URL_LIKE.match(name) or name.startswith("/") or not inside(target, folder):
        return NamedFile(target, OUTSIDE)
    if not target.is_file():
        return NamedFile(target, MISSING)
    info = target.stat()
    if info.st_nlink > 1:
        return NamedFile(target, LINKED, info.st_size)
    return NamedFile(target, TOO_LARGE if info.st_size > limit else "", info.st_size)


@dataclass(frozen=True)
class AllowedRoots:
    """Folders (and single files) a variant's typesetter may read; everything else is refused."""

    paths: tuple[str, ...]

    @classmethod
    def of(cls, paths) -> "AllowedRoots":
        return cls(tuple(sorted({str(Path(p).resolve()) for p in paths})))

    def admit(self, path: Path) -> bool:
        return any(inside(path, root) for root in self.paths)


def link_refusal(href: str) -> str | None:
    """Why a link may not be printed, or None: web and mail links and #anchors only, so a PDF
    never carries a `file:` link or a path of the build machine."""
    if href.startswith("#") or WEB_LINK.match(href):
        return None
    return f"link '{_shown(href)}' must be https://, http://, mailto: or #id"


def resource_refusal(url: str, roots: AllowedRoots) -> str | None:
    """Why the typesetter may not read `url` (already absolute), or None."""
    if url.lower().startswith("data:"):
        if not DATA_IMAGE.match(url):
            return "only data: images may be embedded"
        return f"data: URL larger than {MAX_DATA_URL // 1024} KiB" if len(url) > MAX_DATA_URL else None
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return "only files inside the project and brand folder may be read (no network)"
    if parsed.netloc not in ("", "localhost"):
        return "files on other machines may not be read"
    if not roots.admit(Path(unquote(parsed.path))):
        return "file is outside the leaflet, templates, styles, brand and font folders"
    return None


def reference_refusal(tag: str, attribute: str, value: str, base_url: str, roots: AllowedRoots) -> str | None:
    """One URL-bearing attribute of the final HTML: an `<a href>` is a link, the rest are reads."""
    value = value.strip()
    if tag == "a" and attribute == "href":
        return None if SIBLING_PDF.match(value) else link_refusal(value)
    if value.startswith("#") and attribute.endswith("href"):  # SVG <use href="#id">: same document
        return None
    why = resource_refusal(urljoin(base_url, value), roots)
    return f"<{tag} {attribute}='{_shown(value)}'>: {why}" if why else None


def tree_refusals(root, base_url: str, roots: AllowedRoots) -> list[str]:
    """Every URL in a parsed (ElementTree) document that breaks the rules, as messages."""
    found = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        for attribute, value in element.attrib.items():
            if attribute in URL_ATTRIBUTES and value:
                why = reference_refusal(tag, attribute, value, base_url, roots)
                if why:
                    found.append(why)
    return found


# ---------------------------------------------------------------- HTML fragments (validate)

@dataclass(frozen=True)
class Reference:
    """A URL in an HTML fragment: an image's src (with its alt text) or a link's href."""

    tag: str
    attribute: str
    url: str
    alt: str | None = None  # images: None when the attribute is missing


class _References(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[Reference] = []

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        for attribute, value in attrs:
            if attribute in URL_ATTRIBUTES:
                self.found.append(Reference(tag, attribute, value or "", named.get("alt") if tag == "img" else None))


def references(html: str) -> list[Reference]:
    """Every URL-bearing attribute in an HTML fragment, entities decoded."""
    parser = _References()
    parser.feed(html)
    parser.close()
    return parser.found


def _shown(url: str) -> str:
    return url if len(url) <= 100 else url[:97] + "…"
