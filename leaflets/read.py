"""Read stage: files → raw structures that remember the line of every key and block.

Nothing here judges the content (that is `validate`); it only fails on what cannot be read at
all, and says where: a file outside the project (a symbolic link), too large, not UTF-8, with
control characters or overlong lines; bad YAML, a YAML alias, duplicate keys, nesting too deep;
an unclosed block. Every reader is bounded by `limits`, and none of them raises on bad input.
"""
from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .boundary import inside
from .errors import Problem, SourceLocation
from .deadline import TooSlow, deadline
from .limits import (MAX_BLOCK_DEPTH, MAX_BRACKETS, MAX_FRONT_MATTER, MAX_INDENT, MAX_LINE_CHARS, MAX_MARKDOWN_BYTES,
                     MAX_QUOTE_DEPTH, MAX_YAML_BYTES, MAX_YAML_DEPTH, SECONDS_PER_FILE)

Lines = dict[tuple, int]  # key path (("sources", 0, "doi")) -> 1-based line
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 controls but tab, newline, return


# ---------------------------------------------------------------- files

HARD_LINK = "is a hard link (the same file has another name, maybe outside the project): copy it instead"


def read_source(path: Path, shown: str, root: Path, limit: int) -> tuple[str | None, list[Problem]]:
    """The text of an untrusted input file, or the one problem that stops it being read."""
    where = SourceLocation(shown)
    if not inside(path, root):
        return None, [Problem(where, f"is a symbolic link to a file outside {root.name}/: refused")]
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            return None, [Problem(where, "is not a regular file")]
        if info.st_nlink > 1:  # a hard link passes every path check, wherever its other name is
            return None, [Problem(where, HARD_LINK)]
        if info.st_size > limit:
            return None, [Problem(where, f"is {info.st_size // 1024} KiB (at most {limit // 1024} KiB)")]
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return None, [Problem(where, f"cannot read file: {exc.strerror or exc}")]
    return _decode(data, shown)


def _decode(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark (Windows editors) is not content
        # One notion of a line everywhere: '\n' (Windows and old Mac line ends become it), so
        # the line numbers of every later message count the same lines as an editor does.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return None, [Problem(SourceLocation(shown, line), f"is not UTF-8 text (byte 0x{data[exc.start]:02x}): "
                              "save the file as UTF-8")]
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_LINE_CHARS:
            return None, [Problem(SourceLocation(shown, number), f"line is {len(line)} characters long "
                                  f"(at most {MAX_LINE_CHARS}): break it into paragraphs")]
        if match := CONTROL.search(line):
            return None, [Problem(SourceLocation(shown, number), f"contains the control character "
                                  f"U+{ord(match[0]):04X}, which cannot be printed")]
    return text, []


# ---------------------------------------------------------------- YAML

@dataclass
class Located:
    """Parsed YAML plus the line of every key path, for messages like `file:12: ...`."""

    data: object
    lines: Lines
    path: str

    def at(self, *keypath) -> SourceLocation:
        """The line of the deepest known prefix of `keypath`."""
        for end in range(len(keypath), -1, -1):
            if keypath[:end] in self.lines:
                return SourceLocation(self.path, self.lines[keypath[:end]])
        return SourceLocation(self.path, 1)


class _Loader(yaml.SafeLoader):
    """PyYAML's SafeLoader (no tags that build objects) without aliases and with a depth limit:
    an alias can expand a few lines into gigabytes ("billion laughs") or into a cycle, and deep
    nesting exhausts Python's recursion. Leaflet files never need either."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed: write the value out",
                                              self.peek_event().start_mark)
        if self.depth >= MAX_YAML_DEPTH:
            raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_YAML_DEPTH} levels",
                                              self.peek_event().start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node, deep=False):
        # A date like 2026-13-45 or an integer of 5,000 digits raises ValueError with no line:
        # give it the line of the value that caused it.
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError, KeyError, IndexError, AttributeError, TypeError) as exc:
            # PyYAML's own constructors raise these on values such as `!!bool` with no value
            if "digits" in str(exc):
                why = "a number with thousands of digits"
            elif isinstance(exc, (ValueError, OverflowError)):
                why = str(exc)  # e.g. "month must be in 1..12"
            else:
                why = f"'{node.tag.rsplit(':', 1)[-1]}' value that cannot be read"
            raise yaml.constructor.ConstructorError(None, None, why, node.start_mark) from None


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Located | None, list[Problem]]:
    """Parse YAML safely, recording each node's line; every failure is a located problem."""
    loader = None
    try:
        loader = _Loader(text)  # its reader already refuses control characters
        node = loader.get_single_node()
        lines: Lines = {}
        problems = _record_lines(node, (), lines, first_line, path) if node is not None else []
        if problems:
            return None, problems
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        return None, [Problem(SourceLocation(path, line), f"invalid YAML: {_one_line(exc.problem or exc.context)}")]
    except yaml.reader.ReaderError as exc:
        line = first_line + text[:exc.position].count("\n")
        return None, [Problem(SourceLocation(path, line), f"contains the character U+{exc.character:04X}, "
                              "which cannot be printed")]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        return None, [Problem(SourceLocation(path, first_line), f"invalid YAML: {_one_line(exc)}")]
    finally:
        if loader is not None:
            loader.dispose()
    located = Located(data, lines, path)
    # YAML escapes ("\x00", "\uD800") make characters the file itself could not hold: check the values.
    problems = [Problem(located.at(*keypath), f"'{'.'.join(map(str, keypath))}' contains the character "
                        f"U+{ord(char):04X}, which cannot be printed") for keypath, char in _unprintable(data, ())]
    return (None, problems) if problems else (located, [])


UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _unprintable(data: object, keypath: tuple):
    """(key path, character) of every string value or key holding a character no PDF can show."""
    if isinstance(data, str):
        if match := UNPRINTABLE.search(data):
            yield keypath, match[0]
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _unprintable(key, keypath)
            yield from _unprintable(value, keypath + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _unprintable(value, keypath + (index,))


def _one_line(message: object) -> str:
    return " ".join(str(message).split())  # a problem is one line: `file:line: error: message`


def _record_lines(node: yaml.Node, keypath: tuple, lines: Lines, first_line: int, path: str) -> list[Problem]:
    """Fill `lines` and return duplicate keys: YAML keeps the last, which hides the first."""
    lines.setdefault(keypath, node.start_mark.line + first_line)
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, int] = {}
        for key, value in node.value:
            sub = keypath + (key.value,)
            line = key.start_mark.line + first_line
            if not isinstance(key, yaml.ScalarNode):
                problems.append(Problem(SourceLocation(path, line), "a key must be plain text, not a list or mapping"))
                continue
            if key.value in seen:
                problems.append(Problem(SourceLocation(path, line),
                                        f"key '{key.value}' is given twice (first at line {seen[key.value]})"))
                continue
            seen[key.value] = line
            lines[sub] = line
            problems += _record_lines(value, sub, lines, first_line, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _record_lines(item, keypath + (index,), lines, first_line, path)
    return problems


def load_yaml_file(path: Path, shown: str, root: Path) -> tuple[Located | None, list[Problem]]:
    """leaflet.yaml or brand.yml: read within the limits, then parse."""
    text, problems = read_source(path, shown, root, MAX_YAML_BYTES)
    if text is None:
        return None, problems
    try:
        with deadline(SECONDS_PER_FILE):
            return load_yaml(text, shown)
    except TooSlow as exc:
        return None, [Problem(SourceLocation(shown), f"{exc} to read")]


# ---------------------------------------------------------------- Markdown files with blocks

@dataclass
class RawBlock:
    """A block as written: `/// kind | title`, indented options, body, children, closing `///`.

    A run of plain Markdown is a RawBlock of kind "markdown" whose `text` holds the lines.
    """

    kind: str
    line: int
    title: str = ""
    options: Located | None = None
    text: str = ""
    children: list["RawBlock"] = field(default_factory=list)


@dataclass
class RawDocument:
    path: str
    front: Located | None
    body: list[RawBlock]


# The title is taken whole and stripped in code: `\s*(.*?)\s*$` would cost quadratic time on a
# title followed by a long run of spaces or tabs.
FENCE_OPEN = re.compile(r"^(/{3,})\s*([A-Za-z][\w-]*)\s*(?:\|(.*))?$")
FENCE_CLOSE = re.compile(r"^/{3,}\s*$")
OPTION_LINE = re.compile(r"^ {4}\S")


def read_markdown(path: Path, shown_path: str, root: Path | None = None) -> tuple[RawDocument, list[Problem]]:
    """Split a content file into front matter and a tree of blocks, keeping line numbers."""
    text, problems = read_source(path, shown_path, root or path.parent, MAX_MARKDOWN_BYTES)
    if text is None:
        return RawDocument(shown_path, None, []), problems
    lines = text.split("\n")  # not splitlines(): that also breaks at U+2028, U+0085, which _decode does not
    if problems := _markdown_limits(lines, shown_path):
        return RawDocument(shown_path, None, []), problems
    front, body_start, problems = _front_matter(lines, shown_path)
    body, block_problems = parse_blocks(lines[body_start:], shown_path, body_start + 1)
    return RawDocument(shown_path, front, body), problems + block_problems


QUOTE_MARKERS = re.compile(r"^(?:[ \t]*>)+")


def _markdown_limits(lines: list[str], path: str) -> list[Problem]:
    """Shapes that make Markdown slow or recurse deeply, refused before it sees them."""
    brackets = 0
    for number, line in enumerate(lines, 1):
        brackets += line.count("[")
        if brackets > MAX_BRACKETS:
            return [Problem(SourceLocation(path, number), f"more than {MAX_BRACKETS} '[' in one file: "
                            "split the leaflet, or write brackets as '\\['")]
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        if indent > MAX_INDENT:
            return [Problem(SourceLocation(path, number), f"line is indented {indent} spaces (at most {MAX_INDENT}): "
                            "lists nest too deeply")]
        if (quotes := QUOTE_MARKERS.match(line)) and quotes[0].count(">") > MAX_QUOTE_DEPTH:
            return [Problem(SourceLocation(path, number), f"quotes are nested more than {MAX_QUOTE_DEPTH} deep")]
    return []


def _front_matter(lines: list[str], path: str) -> tuple[Located | None, int, list[Problem]]:
    if not lines or lines[0].strip() != "---":
        return None, 0, [Problem(SourceLocation(path, 1), "file must start with YAML front matter between '---' lines")]
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            front = "\n".join(lines[1:end])
            if len(front) > MAX_FRONT_MATTER:  # PyYAML is slow: 256 KiB of it takes seconds
                return None, end + 1, [Problem(SourceLocation(path, 2), f"front matter is {len(front) // 1024} KiB "
                                               f"(at most {MAX_FRONT_MATTER // 1024} KiB): keep the text below the '---'")]
            located, problems = load_yaml(front, path, first_line=2)
            return located, end + 1, problems
    return None, len(lines), [Problem(SourceLocation(path, 1), "front matter is not closed with '---'")]


class _BlockTree:
    """The stack of open blocks while reading a file top to bottom."""

    def __init__(self, path: str, first_line: int):
        self.path = path
        self.root = RawBlock("root", first_line)
        self.stack = [self.root]
        self.problems: list[Problem] = []
        self.chunk: list[str] = []
        self.chunk_line = first_line

    def flush(self, next_line: int) -> None:
        if any(l.strip() for l in self.chunk):
            lead = next(i for i, l in enumerate(self.chunk) if l.strip())
            self.stack[-1].children.append(RawBlock("markdown", self.chunk_line + lead, text="\n".join(self.chunk[lead:])))
        self.chunk, self.chunk_line = [], next_line

    def close(self, number: int) -> None:
        self.flush(number + 1)
        if len(self.stack) == 1:
            self.problems.append(Problem(SourceLocation(self.path, number), "'///' closes no open block"))
        else:
            self.stack.pop()

    def open(self, block: RawBlock) -> None:
        # Deeper blocks are read (so their closing fences still match) but not kept: a tree
        # thousands deep would exhaust every recursive walk after this one.
        if len(self.stack) == MAX_BLOCK_DEPTH + 1:
            self.problems.append(Problem(SourceLocation(self.path, block.line),
                                         f"blocks are nested deeper than {MAX_BLOCK_DEPTH} levels"))
        if len(self.stack) <= MAX_BLOCK_DEPTH:
            self.stack[-1].children.append(block)
        self.stack.append(block)


def parse_blocks(lines: list[str], path: str, first_line: int) -> tuple[list[RawBlock], list[Problem]]:
    """Build the block tree. A bare `///` closes the innermost open block."""
    tree = _BlockTree(path, first_line)
    index = 0
    while index < len(lines):
        line, number = lines[index], first_line + index
        if FENCE_CLOSE.match(line):
            tree.close(number)
            index += 1
        elif match := FENCE_OPEN.match(line):
            tree.flush(number + 1)
            block = RawBlock(match[2].lower(), number, title=(match[3] or "").strip())  # strip(): see FENCE_OPEN
            index += 1
            option_lines = []
            while index < len(lines) and OPTION_LINE.match(lines[index]):
                option_lines.append(lines[index][4:])
                index += 1
            if option_lines:
                block.options, option_problems = load_yaml("\n".join(option_lines), path, number + 1)
                tree.problems += option_problems
            tree.open(block)
            tree.chunk_line = first_line + index
        else:
            tree.chunk.append(line)
            index += 1
    tree.flush(first_line + index)
    for block in tree.stack[1:]:
        tree.problems.append(Problem(SourceLocation(path, block.line), f"block '{block.kind}' is not closed with '///'"))
    return tree.root.children, tree.problems
