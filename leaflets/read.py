"""Read stage: files → raw structures that remember the line of every key and block.

Nothing here judges the content (that is `validate`); it only fails on what cannot be read at
all (bad YAML, an unclosed block), and says where.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Problem, SourceLocation

Lines = dict[tuple, int]  # key path (("sources", 0, "doi")) -> 1-based line


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


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Located | None, list[Problem]]:
    """Parse YAML safely (no tags that build objects), recording each node's line."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        return None, [Problem(SourceLocation(path, line), f"invalid YAML: {exc.problem or exc.context}")]
    except yaml.YAMLError as exc:
        return None, [Problem(SourceLocation(path, first_line), f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    lines: Lines = {}
    if node is not None:
        _record_lines(node, (), lines, first_line)
    return Located(data, lines, path), []


def _record_lines(node: yaml.Node, keypath: tuple, lines: Lines, first_line: int) -> None:
    lines.setdefault(keypath, node.start_mark.line + first_line)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = keypath + (key.value,)
            lines[sub] = key.start_mark.line + first_line
            _record_lines(value, sub, lines, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, keypath + (index,), lines, first_line)


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


FENCE_OPEN = re.compile(r"^(/{3,})\s*([A-Za-z][\w-]*)\s*(?:\|\s*(.*?))?\s*$")
FENCE_CLOSE = re.compile(r"^/{3,}\s*$")
OPTION_LINE = re.compile(r"^ {4}\S")


def read_markdown(path: Path, shown_path: str) -> tuple[RawDocument, list[Problem]]:
    """Split a content file into front matter and a tree of blocks, keeping line numbers."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return RawDocument(shown_path, None, []), [Problem(SourceLocation(shown_path), f"cannot read file: {exc}")]
    lines = text.splitlines()
    front, body_start, problems = _front_matter(lines, shown_path)
    body, block_problems = parse_blocks(lines[body_start:], shown_path, body_start + 1)
    return RawDocument(shown_path, front, body), problems + block_problems


def _front_matter(lines: list[str], path: str) -> tuple[Located | None, int, list[Problem]]:
    if not lines or lines[0].strip() != "---":
        return None, 0, [Problem(SourceLocation(path, 1), "file must start with YAML front matter between '---' lines")]
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            located, problems = load_yaml("\n".join(lines[1:end]), path, first_line=2)
            return located, end + 1, problems
    return None, len(lines), [Problem(SourceLocation(path, 1), "front matter is not closed with '---'")]


def parse_blocks(lines: list[str], path: str, first_line: int) -> tuple[list[RawBlock], list[Problem]]:
    """Build the block tree. A bare `///` closes the innermost open block."""
    root = RawBlock("root", first_line)
    stack = [root]
    problems: list[Problem] = []
    chunk: list[str] = []
    chunk_line = first_line
    index = 0

    def flush(next_line: int) -> None:
        nonlocal chunk, chunk_line
        if any(l.strip() for l in chunk):
            lead = next(i for i, l in enumerate(chunk) if l.strip())
            stack[-1].children.append(RawBlock("markdown", chunk_line + lead, text="\n".join(chunk[lead:])))
        chunk, chunk_line = [], next_line

    while index < len(lines):
        line, number = lines[index], first_line + index
        if FENCE_CLOSE.match(line):
            flush(number + 1)
            if len(stack) == 1:
                problems.append(Problem(SourceLocation(path, number), "'///' closes no open block"))
            else:
                stack.pop()
            index += 1
        elif match := FENCE_OPEN.match(line):
            flush(number + 1)
            block = RawBlock(match[2].lower(), number, title=(match[3] or "").strip())
            index += 1
            option_lines = []
            while index < len(lines) and OPTION_LINE.match(lines[index]):
                option_lines.append(lines[index][4:])
                index += 1
            if option_lines:
                block.options, option_problems = load_yaml("\n".join(option_lines), path, number + 1)
                problems += option_problems
            stack[-1].children.append(block)
            stack.append(block)
            chunk_line = first_line + index
        else:
            chunk.append(line)
            index += 1
    flush(first_line + index)
    for block in stack[1:]:
        problems.append(Problem(SourceLocation(path, block.line), f"block '{block.kind}' is not closed with '///'"))
    return root.children, problems
