"""The body of a language file: blocks and Markdown checked top to bottom (`BodyChecker`).

Guarantees: known block kinds and options, required titles and children, headings in order and
short enough to print, unique ids that the layout does not use, alt text on every image, known
citation keys and cross-reference targets. Images, links and attribute lists are checked on what
Markdown renders (`boundary`), not on the source text.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from pydantic import ValidationError

from .assets import figure_width_pt, image_problem
from .blocks import BLOCKS, ID_PATTERN, SOURCE_KEY_OPTIONS, BlockSpec
from .boundary import LINKED, MISSING, OUTSIDE, TOO_LARGE, NamedFile, link_refusal, named_file, references
from .errors import Problem, SourceLocation
from .formats import FORMATS
from .limits import MAX_HEADING_CHARS, MAX_IMAGE_BYTES, MAX_URL_CHARS
from .markup import LINK_ITEM, MarkupContext, citation_keys, convert
from .model import Block, Markdown, Node
from .read import HARD_LINK, Located, RawBlock
from .schema import model_problems

# Linear-time patterns only: a line is up to 10,000 characters of untrusted text. The heading's
# text, id and closing '#'s are split in code (`_heading`), since `(.*?)\s*...\s*$` is quadratic
# on a long run of spaces; [^<>] rather than [^>] keeps a line of many '<a ' linear.
HEADING = re.compile(r"^(#{1,6})[ \t]+(.*)$")
HEADING_ID = re.compile(r"\{\s*#([^}\s]+)\s*\}$")
RAW_HTML = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?>")
URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg")
LIST_BLOCKS = frozenset({"links", "see-also"})  # blocks whose items render reads with LINK_ITEM
RESERVED_IDS = frozenset({"sources"})  # ids the templates give (and ref-<key> for each source)
LARGE_TYPE_FORMATS = tuple(f for f in FORMATS.values() if f.min_body_pt > 11)  # large print


class BodyChecker:
    """Walks one document's blocks in order, checking them and the document-wide rules.

    Images, links and attribute lists are checked on what Markdown renders (`boundary`), not
    on the source text, so reference-style images, attribute lists and block titles cannot
    route around the checks."""

    def __init__(self, path: str, folder: Path, source_keys: set[str], leaflet_ids: set[str]):
        self.path, self.folder = path, folder
        self.source_keys, self.leaflet_ids = source_keys, leaflet_ids
        self.problems: list[Problem] = []
        self.ids: dict[str, int] = {}
        self.links: list[tuple[str, int]] = []  # (#target, line) to resolve at the end
        self.level = 1  # level of the last heading seen (the title is level 1)
        self.probe = MarkupContext({}, {})  # converts runs the way `render` will, to inspect them
        self.images: set[Path] = set()  # the pictures the text shows: part of its cache key
        self.leaflet_refs: set[str] = set()  # other leaflets it names: their titles are printed

    def at(self, line: int) -> SourceLocation:
        return SourceLocation(self.path, line)

    def error(self, line: int, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.at(line), message, severity))

    # -- nodes
    def nodes(self, raw: list[RawBlock], parent: str | None) -> tuple[Node, ...]:
        out = []
        for item in raw:
            node = self.markdown(item, parent) if item.kind == "markdown" else self.block(item, parent)
            if node is not None:
                out.append(node)
        return tuple(out)

    def markdown(self, raw: RawBlock, parent: str | None = None) -> Markdown:
        for offset, line in enumerate(raw.text.splitlines()):
            self.markdown_line(line, raw.line + offset)
            if parent in LIST_BLOCKS and (item := LINK_ITEM.match(line)) and not item[2].startswith("leaflet:"):
                self.link(item[2], raw.line + offset)  # the address the template prints, as render reads it
        self.rendered(raw.text, raw.line)
        return Markdown(raw.text, self.at(raw.line))

    def markdown_line(self, line: str, number: int) -> None:
        if found := _heading(line):
            self.heading(*found, number)
        self.citations(line, number)
        if RAW_HTML.search(line):
            self.error(number, "raw HTML is not allowed and will be printed as text", "warning")

    def citations(self, text: str, line: int) -> None:
        for key in citation_keys(text):
            if key not in self.source_keys:
                self.error(line, f"citation '@{key}' is not in leaflet.yaml sources (known: {', '.join(sorted(self.source_keys))})")

    def heading(self, level: int, text: str, anchor: str | None, line: int) -> None:
        if level == 1:
            self.error(line, "level-1 heading '#' is not allowed in the body: the title comes from front matter; start at '##'")
        elif level > self.level + 1:
            self.error(line, f"heading level {level} skips level {self.level + 1} (previous heading is level {self.level})")
        self.too_long("heading", text, line)
        self.level = level
        if anchor:
            self.define_id(anchor, line)

    def too_long(self, what: str, text: str, line: int) -> None:
        if len(text) > MAX_HEADING_CHARS:
            self.error(line, f"{what} is {len(text)} characters long (at most {MAX_HEADING_CHARS}): shorten it")

    def define_id(self, anchor: str, line: int) -> None:
        if not re.match(ID_PATTERN, anchor):
            self.error(line, f"id '{anchor}' must be lower-case letters, digits and '-'")
        elif anchor in RESERVED_IDS or anchor.startswith("ref-"):
            self.error(line, f"id '{anchor}' is used by the leaflet's own layout: choose another")
        elif anchor in self.ids:
            self.error(line, f"id '{anchor}' is already used at line {self.ids[anchor]}")
        else:
            self.ids[anchor] = line

    # -- what the Markdown renders to
    def rendered(self, text: str, first_line: int) -> None:
        """Check the images, links and attribute lists in Markdown's HTML for `text`."""
        self.probe.refused.clear()
        self.probe.leaflet_refs.clear()
        html = convert(text, self.probe)
        for entry in self.probe.refused:
            self.error(_line_of(text, entry.split("=", 1)[0], first_line),
                       f"attribute list entry '{entry}' is not allowed (only {{#id}} and {{lang=..}})")
        self.leaflet_refs.update(self.probe.leaflet_refs)
        for target in self.probe.leaflet_refs:
            if target not in self.leaflet_ids:
                self.error(_line_of(text, "leaflet:" + target, first_line),
                           f"link to unknown leaflet '{target}' (known: {', '.join(sorted(self.leaflet_ids))})")
        for ref in references(html):
            if ref.url.startswith("#ref-") and "@" + ref.url[5:] in text:
                continue  # a citation's link to the reference list: `citations` checks the key
            line = _line_of(text, ref.url, first_line)
            if ref.tag == "img" and ref.attribute == "src":
                self.image(ref.alt, unquote(ref.url), line)
            elif ref.tag == "a" and ref.attribute == "href":
                self.link(ref.url, line)
            else:
                self.error(line, f"'{ref.url}' in <{ref.tag} {ref.attribute}> is not allowed")

    def image(self, alt: str | None, src: str, line: int) -> None:
        name = src.rsplit("/", 1)[-1]
        if not (alt or "").strip():
            self.error(line, f"image '{name}' has no alt text: describe it inside ![...]")
        if URL_SCHEME.match(src) or src.startswith("//"):
            self.error(line, f"image '{src}' must be a file in the leaflet folder, not a URL")
            return
        try:
            self.image_file(src, line)
        except (OSError, ValueError) as exc:  # a name too long, a NUL byte, a file that vanished
            self.error(line, f"image '{src[:100]}' cannot be read: {getattr(exc, 'strerror', None) or exc}")

    def image_file(self, src: str, line: int) -> None:
        found = named_file(self.folder, src, MAX_IMAGE_BYTES)
        target = found.path
        if found.refused:
            self.error(line, f"image '{src}' {_image_refusal(found)}")
        elif target.suffix.lower() not in IMAGE_TYPES:
            self.error(line, f"image '{src}' must be SVG, PNG or JPEG")
        elif why := image_problem(target):
            self.error(line, f"image '{src}' {why}")
        else:
            self.images.add(target)
            if target.suffix.lower() == ".svg":
                self.figure_text(src, target, line)

    def figure_text(self, src: str, target: Path, line: int) -> None:
        """Large print promises every text at its minimum size: an SVG is widened for it
        (`render.enlarge_figure_text`), up to the column; say so when that is not enough."""
        for fmt in LARGE_TYPE_FORMATS:
            sized = figure_width_pt(target, fmt)
            if sized and sized[1] < fmt.min_body_pt - 0.05:
                self.error(line, f"figure '{src}': its smallest text prints at {sized[1]:.1f} pt in {fmt.id} even "
                           f"at the full column width (needs {fmt.min_body_pt:g} pt): make the text in the "
                           "picture larger, or put the words in the caption", "warning")

    def link(self, href: str, line: int) -> None:
        if len(href) > MAX_URL_CHARS:
            self.error(line, f"link is {len(href)} characters long (at most {MAX_URL_CHARS}): use a shorter address")
        elif href.startswith("#"):
            self.links.append((href[1:], line))
        elif link_refusal(href):
            self.error(line, f"link '{href}' must be https://, http://, mailto:, #id or leaflet:id")

    # -- blocks
    def block(self, raw: RawBlock, parent: str | None) -> Block | None:
        spec = BLOCKS.get(raw.kind)
        if spec is None:
            self.error(raw.line, f"unknown block type '{raw.kind}' (known: {', '.join(sorted(BLOCKS))})")
            # Still check what is inside and keep its id, so one typo gives one error, not a cascade.
            self.rendered(raw.title, raw.line)
            data = raw.options.data if raw.options and isinstance(raw.options.data, dict) else {}
            if isinstance(data.get("id"), str):
                self.define_id(data["id"], raw.line)
            self.nodes(raw.children, raw.kind)
            return None
        before = len(self.problems)
        self.check_title(spec, raw)
        if raw.title:
            self.too_long(f"title of block '{raw.kind}'", raw.title, raw.line)
            self.citations(raw.title, raw.line)
            self.rendered(raw.title, raw.line)
        options = self.check_options(spec, raw)
        if spec.parents is not None and parent not in spec.parents:
            self.error(raw.line, f"block '{raw.kind}' belongs inside {' or '.join(sorted(spec.parents))}")
        if spec.heading == "section":
            self.level = 2
        elif spec.heading == "nested":
            self.level += 1
        if options is not None and getattr(options, "id", None):
            self.define_id(options.id, raw.line)
        if options is not None:
            self.source_options(raw, options)
        level = self.level
        children = self.nodes(raw.children, raw.kind)
        self.check_children(spec, raw, children)
        if spec.heading == "nested":
            self.level = level - 1
        if len(self.problems) > before and any(p.is_error for p in self.problems[before:]):
            return None
        return Block(raw.kind, raw.title, options, children, self.at(raw.line))

    def check_title(self, spec: BlockSpec, raw: RawBlock) -> None:
        if spec.title == "required" and not raw.title:
            self.error(raw.line, f"block '{raw.kind}' needs a title: '/// {raw.kind} | ...'")
        elif spec.title == "none" and raw.title:
            self.error(raw.line, f"block '{raw.kind}' takes no title")
        elif spec.title_choices and raw.title and raw.title not in spec.title_choices:
            self.error(raw.line, f"unknown {raw.kind} '{raw.title}' (one of: {', '.join(spec.title_choices)})")

    def check_options(self, spec: BlockSpec, raw: RawBlock) -> object | None:
        located = raw.options or Located({}, {}, self.path)
        if not isinstance(located.data, dict):
            self.error(raw.line + 1, f"options of block '{raw.kind}' must be 'key: value' lines")
            return None
        try:
            return spec.options.model_validate(located.data)
        except ValidationError as exc:
            for problem in model_problems(exc, located, what=f"block '{raw.kind}' ", model=spec.options):
                where = problem.where if located.lines else self.at(raw.line)
                self.problems.append(Problem(where, problem.message))
            return None

    def source_options(self, raw: RawBlock, options: object) -> None:
        """Source keys in options (`basis`, `source`) name a leaflet.yaml source; a named quote names one."""
        for name in SOURCE_KEY_OPTIONS:
            key = getattr(options, name, None)
            if isinstance(key, str) and key not in self.source_keys:
                where = raw.options.at(name) if raw.options else self.at(raw.line)
                self.problems.append(Problem(where, f"'{name}: {key}' is not in leaflet.yaml sources (known: {', '.join(sorted(self.source_keys))})"))
        if raw.kind == "quote" and getattr(options, "by", None) and not getattr(options, "source", None):
            where = raw.options.at("by") if raw.options else self.at(raw.line)
            self.problems.append(Problem(where, "a quote with 'by' needs 'source': the key of the leaflet.yaml source "
                                                "that prints these words (a quote without a source must not name a person)"))

    def check_children(self, spec: BlockSpec, raw: RawBlock, children: tuple[Node, ...]) -> None:
        flat = list(_through_audience(children))
        if spec.children is not None:
            for child in flat:
                if isinstance(child, Markdown) and not spec.markdown:
                    continue
                if isinstance(child, Block) and child.kind not in spec.children:
                    allowed = ", ".join(sorted(spec.children)) or "no blocks"
                    self.error(child.where.line, f"block '{child.kind}' is not allowed inside '{raw.kind}' (allowed: {allowed})")
        for kind in spec.required:
            count = sum(1 for c in flat if isinstance(c, Block) and c.kind == kind)
            if count != 1:
                self.error(raw.line, f"block '{raw.kind}' needs exactly one '{kind}' block, found {count}")

    def finish(self) -> None:
        for target, line in self.links:
            if target not in self.ids:
                self.error(line, f"cross-reference '#{target}' points to no heading, category or question id in this file")


def _image_refusal(found: NamedFile) -> str:
    """How a leaflet's reader is told which rule of `boundary.named_file` a picture breaks."""
    mib = 1024 * 1024
    return {OUTSIDE: "is outside the leaflet folder", MISSING: "does not exist", LINKED: HARD_LINK,
            TOO_LARGE: f"is {found.size // mib} MiB (at most {MAX_IMAGE_BYTES // mib} MiB)"}[found.refused]


def _heading(line: str) -> tuple[int, str, str | None] | None:
    """(level, text, id or None) of an ATX heading line such as `## Title {#id} ##`."""
    match = HEADING.match(line)
    if match is None:
        return None
    text, anchor = match[2].strip().rstrip("#").rstrip(), None
    if found := HEADING_ID.search(text):
        text, anchor = text[:found.start()].rstrip(), found[1]
    return len(match[1]), text, anchor


def _line_of(text: str, needle: str, first_line: int) -> int:
    """The line of `text` (numbered from `first_line`) where `needle` is written, else the first."""
    for offset, line in enumerate(text.splitlines()):
        if needle and needle in line:
            return first_line + offset
    return first_line


def _through_audience(children: tuple[Node, ...]):
    """Audience blocks are transparent for structure rules: check what they contain."""
    for child in children:
        if isinstance(child, Block) and child.kind == "audience":
            yield from _through_audience(child.children)
        else:
            yield child
