"""Property tests for issue 13: loading cannot hang, crash or balloon, whatever the input.

Content and brand files are untrusted (docs: "The trust boundary"). Hypothesis feeds the readers
(`load_yaml`, `read_markdown`, `parse_blocks`) and `load_project` arbitrary text and bytes, and
text built from YAML and Markdown tokens (anchors, aliases, tags, fences, attribute lists,
citations, long runs of '[' '*' '_'), plus mutations of the fixture files so that the fuzzed
input also gets past the parser into validation. Every call must return (never raise), within
`limits.SECONDS_PER_FILE` per file and `MEMORY_LIMIT` of memory, and report each problem as
`path:line: severity: message` (or `path: severity: message`) with a path relative to the project.

Runs: in CI (env CI set) a fixed number of examples with a fixed seed (`derandomize`), about
half a minute for the module; locally random, and `LEAFLETS_FUZZ_EXAMPLES=5000` runs that many
examples per property.
"""
from __future__ import annotations

import datetime
import faulthandler
import os
import re
import signal
import tempfile
import threading
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import HealthCheck, Phase, currently_in_test_context, event, example, given, note, settings, target
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from conftest import REPO, make_project
from leaflets.blocks import BLOCKS
from leaflets.errors import Problem, SourceLocation
from leaflets.limits import (MAX_BLOCK_DEPTH, MAX_BRACKETS, MAX_INDENT, MAX_LINE_CHARS, MAX_MARKDOWN_BYTES,
                             MAX_QUOTE_DEPTH, MAX_YAML_BYTES, MAX_YAML_DEPTH, SECONDS_PER_FILE)
from leaflets.model import Project
from leaflets.project import load_project
from leaflets.read import Located, RawBlock, load_yaml, parse_blocks, read_markdown

# ---------------------------------------------------------------- how long and how many

CI = bool(os.environ.get("CI"))
EXAMPLES = int(os.environ.get("LEAFLETS_FUZZ_EXAMPLES") or 0)  # per property; 0: the defaults below

READ_SECONDS = SECONDS_PER_FILE  # one reader call on one file's worth of input: the per-file budget
PROJECT_SECONDS = SECONDS_PER_FILE + 3  # the fuzzed file at most at its deadline, plus the valid rest
MEMORY_LIMIT = 256 * 1024 * 1024


def fuzz_settings(ci_examples: int) -> settings:
    """`ci_examples` keeps the module at about 30 s in CI; the time limit is our own (`bounded`),
    so Hypothesis's deadline is off (it would only report after the call, and flakily). Only a
    long run searches for the slowest inputs (the target phase): that search makes every example
    large and slow."""
    return settings(
        max_examples=EXAMPLES or ci_examples,
        deadline=None,
        phases=tuple(Phase) if EXAMPLES else tuple(p for p in Phase if p is not Phase.target),
        derandomize=CI,
        database=None if CI else DirectoryBasedExampleDatabase(Path(tempfile.gettempdir()) / "leaflets-fuzz-db"),
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


# ---------------------------------------------------------------- time and memory limit per call

class Hung(Exception):
    """Raised in the main thread by the watchdog when a call runs past its time limit."""


def _status(field: str) -> int:
    return int(re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)[1]) * 1024


def _reset_peak() -> bool:
    """Reset the kernel's peak resident memory of this process (Linux >= 4.0): cheap, and it
    counts what C code allocates too. False where that is not possible (then tracemalloc)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status("VmHWM") <= _status("VmRSS") + 64 * 1024 * 1024
    except (OSError, TypeError, ValueError):
        return False


KERNEL_PEAK = _reset_peak()
_RUNNING: list[str] = []  # what the watchdog interrupts; a signal arriving after the call is ignored


def _interrupt(signum, frame):
    if _RUNNING:
        raise Hung(_RUNNING[-1])


signal.signal(signal.SIGUSR1, _interrupt)


@contextmanager
def bounded(seconds: float, what: str):
    """Fail the example if the block takes longer than `seconds` or its peak memory grows by more
    than MEMORY_LIMIT; Hypothesis is told the time, so that it searches for slower inputs. A
    watchdog interrupts a Python-level hang at the limit (SIGUSR1, not SIGALRM: `leaflets.deadline`
    owns that timer); faulthandler ends the run with a traceback if a hang in C code cannot be
    interrupted."""
    watchdog = threading.Timer(seconds, signal.pthread_kill, (threading.main_thread().ident, signal.SIGUSR1))
    watchdog.daemon = True
    if KERNEL_PEAK:
        _reset_peak()
        before = _status("VmRSS")
    else:
        tracemalloc.start()
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
    faulthandler.dump_traceback_later(4 * seconds + 30, exit=True)
    start = time.perf_counter()
    _RUNNING.append(f"{what} took more than {seconds:g} s")
    watchdog.start()
    try:
        yield
    finally:
        _RUNNING.pop()
        watchdog.cancel()
        elapsed = time.perf_counter() - start
        faulthandler.cancel_dump_traceback_later()
        if KERNEL_PEAK:
            grown = _status("VmHWM") - before
        else:
            grown = tracemalloc.get_traced_memory()[1] - before
            tracemalloc.stop()
    if currently_in_test_context():
        note(f"{what}: {elapsed:.2f} s, peak memory +{grown / 2**20:.0f} MiB")
        target(elapsed, label=f"seconds in {what}")  # steers generation towards slow shapes
    assert elapsed <= seconds, f"{what} took {elapsed:.1f} s (limit {seconds:g} s)"
    assert grown <= MEMORY_LIMIT, f"{what} grew memory by {grown / 2**20:.0f} MiB (limit {MEMORY_LIMIT >> 20} MiB)"


# ---------------------------------------------------------------- what a problem must look like

CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # all but tab, C1 included
PROBLEM_FORM = re.compile(r"(?P<path>[^\s:][^:\n]*?)(?::(?P<line>[1-9][0-9]*))?: (?:error|warning): \S[^\n]*")


def check_problem(problem: object, path: str, max_line: int, min_line: int = 1, whole_file: bool = True) -> None:
    """A located, one-line, compiler-style problem in `path`, at a line that exists (0: the file
    as a whole, where `whole_file` allows it)."""
    assert isinstance(problem, Problem), problem
    assert isinstance(problem.where, SourceLocation), problem
    assert problem.severity in ("error", "warning"), problem
    assert isinstance(problem.message, str) and problem.message.strip(), problem
    assert problem.where.path == path, f"{problem} is not located in {path}"
    line = problem.where.line
    assert isinstance(line, int), problem
    assert (whole_file and line == 0) or min_line <= line <= max_line, \
        f"line {line} of {problem!s} is outside {min_line}..{max_line}"
    shown = str(problem)
    assert PROBLEM_FORM.fullmatch(shown), f"not 'path:line: severity: message' on one line: {shown!r}"
    # A carriage return or an escape sequence from the input would rewrite the terminal line.
    assert not CONTROL.search(shown), f"control character in {shown!r}"


def line_count(text: str) -> int:
    """An upper bound of the lines any reader can count in `text` (splitlines splits the most)."""
    return len(text.splitlines()) + 1


def depth_of(data: object) -> int:
    """Nesting depth of parsed YAML (a scalar is 0), without recursion."""
    deepest, stack = 0, [(data, 0)]
    while stack:
        value, depth = stack.pop()
        children = list(value.keys()) + list(value.values()) if isinstance(value, dict) else \
            list(value) if isinstance(value, (list, tuple, set)) else None
        if children is not None:
            deepest = max(deepest, depth + 1)
            stack += [(child, depth + 1) for child in children]
    return deepest


SAFE_TYPES = (dict, list, tuple, set, str, bytes, int, float, bool, type(None), datetime.date, datetime.datetime)


def plain(data: object) -> bool:
    """Only what SafeLoader builds: no Python objects from tags."""
    stack = [data]
    while stack:
        value = stack.pop()
        if not isinstance(value, SAFE_TYPES):
            return False
        if isinstance(value, dict):
            stack += list(value.keys()) + list(value.values())
        elif isinstance(value, (list, tuple, set)):
            stack += list(value)
    return True


def walk_blocks(blocks: list[RawBlock]):
    """(block, depth) for every block of a tree, without recursion."""
    stack = [(b, 1) for b in blocks]
    while stack:
        block, depth = stack.pop()
        yield block, depth
        stack += [(c, depth + 1) for c in block.children]


# ---------------------------------------------------------------- strategies: YAML

def runs(units, most: int):
    """`unit * n` with n usually small and sometimes up to `most`: long runs, deep nesting."""
    return st.tuples(units, st.integers(1, 3) | st.integers(1, most)).map(lambda t: t[0] * t[1])


def capped(text_strategy, limit: int):
    return text_strategy.map(lambda s: s[:limit])


YAML_TOKENS = [
    "a", "b", "key", "title", "- ", "-", ": ", ":", "? ", ", ", ",", "[", "]", "{", "}", "'", '"', "#", "|", ">",
    "|-", ">+", "|2", "\\", "\\x", "\\u12", "\\U0011ffff", "\\N",
    "&a ", "&a", "*a", "*b", "&a [1, 2]", "<<: *a", "<<: {x: 1}", "<<: [1]", "<<: 1", "*", "&",
    "!!python/object:os.system", "!!python/object/apply:os.system [echo]", "!!python/name:os.system ",
    "!!python/tuple [1]", "!!binary ", "aGVsbG8=", "!!binary '#'", "!!int ", "!!float ", "!!bool ",
    "!!timestamp ", "!!set ", "!!omap ", "!!pairs ", "!!str ", "!!map ", "!!seq ", "!!null ", "!!merge ",
    "!!value ", "!foo ", "!<tag:yaml.org,2002:str> ", "! ", "!e!x ",
    "%YAML 1.1\n", "%YAML 9.9\n", "%TAG !e! tag:e.com,2000:\n", "---", "...", "--- ",
    "9" * 500, "-" + "9" * 5000, "0x", "0xfff", "0b102", "0o99", "0777", "1_0", "1:20:30", "190:20:30", "1e999",
    "-.inf", ".nan", "2026-13-45", "2026-02-30", "2026-01-15 25:61:61", "2026-01-15T10:00:00+99:99",
    "2026-01-15t10:00:00.123456789z", "9999-12-31", "0000-00-00", "2026-1-5", "1.0", "~", "null", "yes", "No",
    "on", "=", "<<",
    "\t", " ", "  ", "    ", "\n", "\r\n", "\r", "\x85", "\u2028", "\u2029", "\ufeff", "é", "العربية", "\u200f",
    "😀", "\U0010ffff",
]
# Characters that make a whole file unreadable: drawn rarely, so that most inputs get further.
REFUSED_CHARS = ["\x00", "\x0b", "\x1b", "\x7f", "\x80", "\x9f", "\ud800", "\udfff", "\ufffe", "\uffff"]
YAML_LINES = [
    "a: 1", "a: 2", "a:", "  b: 2", "  - x", "- &a [1, 2]", "b: *a", "<<: *a", "? [a, b]\n: c", "? {a: 1}\n: c",
    "[1, 2]: x", "{a: 1}: x", "a: &a\n  b: *a", "title: T", "x: !!binary |\n  aGVsbG8=", "published: 2026-13-45",
    "n: " + "1" * 5000, "n: 0x" + "f" * 5000, "f: 1e400", "d: 2026-01-15", "a: |\n  text\n\tmore", "a: 'unclosed",
    'a: "\\x', "- - - - - - - - - - - - - - - - - - -", "&a a: 1", "a: !!set {x, y}", "a: !!omap [x: 1, x: 2]",
    "a: !!pairs [x: 1]", "a: !!omap [1]", "? |\n  block key\n: v", "1: one", "01: one", "null: x", "~: y", "true: z",
    "2026-01-15: date key", "1.5: float key", "!!binary aGk=: bytes key",
]


LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(  # "billion laughs"
    f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]\n" for previous, name in zip("abcdefgh", "bcdefghi"))


def nested_blocks(depth: int) -> str:
    return "\n".join("  " * i + "k:" for i in range(depth)) + " v"


yaml_piece = st.one_of(
    st.sampled_from(YAML_TOKENS),
    st.sampled_from(YAML_TOKENS),
    st.sampled_from(YAML_TOKENS) | st.sampled_from(REFUSED_CHARS),
    st.sampled_from(YAML_LINES).map(lambda s: s + "\n"),
    st.text(max_size=6),
    runs(st.sampled_from(YAML_TOKENS), 3000),
    st.tuples(st.sampled_from(YAML_LINES), st.integers(1, 400)).map(lambda t: (t[0] + "\n") * t[1]),
    st.integers(0, 40).map(lambda n: "\n" + " " * n),
    st.integers(1, 40).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 40).map(lambda n: "{a: " * n + "}" * n),
    st.integers(1, 40).map(nested_blocks),
)
yaml_text = capped(st.lists(yaml_piece, max_size=40).map("".join), MAX_YAML_BYTES)


# ---------------------------------------------------------------- strategies: Markdown

KINDS = sorted(BLOCKS)
MD_LINES = [
    "---", "...", "title: T", "///", "////", "/// ", "/// unknown | x", "/// Note|", "/// a-b | " + "t" * 200,
    *(f"/// {kind}" for kind in KINDS), *(f"/// {kind} | Titel [@gamma]" for kind in KINDS),
    "/// audience | patient", "/// audience | professional", "/// callout | " + "[" * 50,
    "    id: x", "    id: Bad Id", "    id: [1", "    by: Iemand", "    evidence: high", "    - a", "    a: *b",
    "    {a: [", "    !!python/object:os.system x", "    a: 1\n    a: 2", "    x: &a 1", "    <<: *a",
    "# Titel", "## Kop", "### Kop {#kop}", "## Kop {#kop}", "#### Diep", "###### Zes", "####### Zeven",
    "## " + "k" * 200, "## [@gamma] ![a](x.png)",
    "[ref]: https://example.org", "[ref]: javascript:alert(1)", "[ref]: data:text/html,x", "[ref]: leaflet:demo",
    "[img]: /etc/passwd", "[img]: ../leaflet.yaml", "[img]: %2e%2e/%2e%2e/brands/default/logo.svg",
    "| a | b |", "|---|---|", "```", "~~~", "    code", "***", "- - -", "1. een", "- item", "* item", "  - sub",
    "\t- tab", "> quote", "> > nested", "{: .page-band }", "{#id}", "", "Tekst met **vet** en _schuin_.",
]
MD_INLINE = [
    "tekst ", "[@gamma]", "[@gamma; @onbekend]", "[@", "[@]", "@gamma", "![alt](images/x.png)", "![](images/x.png)",
    "![a](../../../etc/passwd)", "![a](/etc/passwd)", "![a](http://x/y.png)", "![a](file:///etc/passwd)",
    "![a](//host/x.png)", "![a](x%00.png)", "![a](%1b[2J%0d%0a.png)", "[x](%1b[2J%0d)",
    "![a](%2e%2e/%2e%2e/leaflet.yaml)", "![a][img]", "![a](leaflet.yaml)", "![a](nl.md)", "![a](.)", "![a](images)",
    "![a](" + "n" * 300 + ".png)", "![a](<x y.png>)",
    "[x][ref]", "[x][]", "[x](leaflet:demo)", "[x](leaflet:onbekend)", "[x](leaflet:)", "[x](#kop)",
    "[x](#nergens)", "[x](javascript:alert(1))", "[x](JaVaScRiPt:x)", "[x](mailto:a@b.c)", "[x](data:x)",
    "<https://x.org>", "<javascript:x>", "<a href='x'>", "<script>", "<img src=x>", "<!--", "-->", "&amp;", "&#0;",
    "&#x110000;", "{#id}", "{#Bad}", "{: .class}", "{src=/etc/passwd}", "{href=javascript:x}", "{lang=en}",
    "{lang=}", "{: #a .b c=d}", "{style='x'}", "[vreemd]{lang=en}", "[x]{lang=" + "a" * 100 + "}",
    "*", "**", "_", "__", "`", "``", "[", "]", "(", ")", "<", ">", "&", "\\", "|", "{", "}", "#", "%", "%00", "~~",
    "^", '"', "'", "--", "...", "\t", "  ", "é", "العربية", "\u200f", "\u2028", "\x85", "\ufeff", "😀", "\r",
]
RUN_UNITS = ["[", "]", "*", "_", " ", "*_", "`", "<", "&", "![", "[](", "\\", "{", "#", ">", "-", "a", "[@",
             "(", "!", "<a ", "*a ", "_a_", "[a](", "{#", "\t", "> ", "- ", "    "]

md_inline = st.one_of(st.sampled_from(MD_INLINE), st.sampled_from(MD_INLINE), st.text(max_size=5),
                      runs(st.sampled_from(RUN_UNITS), 12_000),
                      st.sampled_from(MD_INLINE) | st.sampled_from(REFUSED_CHARS))
md_line = st.one_of(
    st.sampled_from(MD_LINES),
    st.tuples(st.sampled_from(["", " ", "  ", "    ", "\t", "> ", "- ", "1. ", "## ", "/// callout | "]),
              st.lists(md_inline, max_size=8)).map(lambda t: t[0] + "".join(t[1])),
)


def repeat_line(line_and_count: tuple[str, int]) -> str:
    line, count = line_and_count
    return "\n".join([line] * min(count, MAX_MARKDOWN_BYTES // (len(line) + 1) + 1))


md_chunk = st.one_of(md_line, md_line, st.tuples(md_line, st.integers(1, 3000)).map(repeat_line),
                     st.integers(1, 20).map(lambda n: "/// callout | t\n" * n + "tekst\n" + "///\n" * n),
                     st.integers(1, 60).map(lambda n: "\n".join("  " * i + "- item" for i in range(n))),
                     st.integers(1, 20).map(lambda n: "> " * n + "quote"))
md_body = st.lists(md_chunk, max_size=30).map("\n".join)
FRONT = "---\ntitle: T\n---\n"
front_matter = st.one_of(st.just(FRONT), st.just(FRONT), st.just(""), st.just("---\ntitle: T\n"),
                         yaml_text.map(lambda y: f"---\n{y}\n---\n"))
md_document = capped(st.tuples(front_matter, md_body).map("".join), MAX_MARKDOWN_BYTES + 100)


def encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes bytes that are not UTF-8


@st.composite
def corrupted(draw, text_strategy) -> bytes:
    """Text as bytes, sometimes with a byte-order mark in front or stray bytes inside."""
    data = draw(text_strategy.map(encoded))
    prefix = draw(st.sampled_from([b"", b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
    junk = draw(st.just(b"") | st.binary(min_size=1, max_size=4))
    at = draw(st.integers(0, len(data)))
    return prefix + data[:at] + junk + data[at:]


def sized(size: int) -> bytes:
    return b"a" * size


any_bytes = st.one_of(st.binary(max_size=2000), corrupted(md_document),
                      st.sampled_from([MAX_MARKDOWN_BYTES, MAX_MARKDOWN_BYTES + 1, MAX_YAML_BYTES + 1]).map(sized))


YAML_VALUES = [
    "", "x", "''", "logo.svg", "brand.yml", "../../content/demo/images/circle.svg", "/etc/passwd", "file:///etc/passwd",
    '"x\\0.svg"', '"\\e[31m\\r"', '"\\u202e"', "n" * 300 + ".svg", "LOGO.SVG", ".", "..", "'%00'", "'#fff'",
    "'#ffff00'", "'#1a1a1a'", "ink", "nope", "a4", "a3", "file", "system", "package", "[1]", "{a: 1}", "1", "-1",
    "99999999999999999999", "1e999", ".nan", "2026-13-45", "2030-01-01", "1999-01-01", "null", "yes", "*a", "&a x",
    "!!binary aGk=", "!!python/object:os.system x", "x" * 9000, "https://x.org", "javascript:x", "nl", "xx",
    "[patient]", "[]", "[gamma, gamma]",
]
KEY_VALUE = re.compile(r"^(\s*(?:- )?[\w-]+:)(?: .*)?$")


@st.composite
def mutated(draw, original: str, fragments) -> str:
    """A valid file with a few lines inserted, replaced, deleted, repeated or extended, or a
    `key: value` given another value: input that gets past the parser into the checks behind it."""
    lines = original.split("\n")
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(lines)))
        operation = draw(st.sampled_from(["insert", "replace", "append", "delete", "repeat", "indent",
                                          "value", "value", "value"]))
        if operation == "value":
            if at < len(lines) and (pair := KEY_VALUE.match(lines[at])):
                lines[at] = f"{pair[1]} {draw(st.sampled_from(YAML_VALUES) | yaml_line)}"
        elif operation == "insert" or at == len(lines):
            lines.insert(at, draw(fragments))
        elif operation == "replace":
            lines[at] = draw(fragments)
        elif operation == "append":
            lines[at] += draw(fragments)
        elif operation == "delete":
            del lines[at]
        elif operation == "repeat":
            lines[at:at + 1] = [lines[at]] * draw(st.integers(2, 400))
        else:
            lines[at] = " " * draw(st.integers(1, 60)) + lines[at]
    return "\n".join(lines)


def seed(relpath: str) -> str:
    return (REPO / relpath).read_text(encoding="utf-8")


MD_SEEDS = [seed("tests/fixtures/other/nl.md"),  # and the richer demo, citing the sources of `other`
            re.sub(r"@(alpha|beta)", "@gamma", seed("tests/fixtures/demo/nl.md"))]
yaml_line = st.one_of(st.sampled_from(YAML_LINES), st.lists(yaml_piece, max_size=4).map("".join))
leaflet_lines = st.one_of(yaml_line, st.sampled_from([
    "version: 1", "version: [1]", "published: 2026-13-45", "published: 2030-01-01", "review_by: 1999-01-01",
    "review_by: 2026-01-15 10:00:00", "owner: {nl: A, en: [B]}", "owner: 1", "source_language: xx",
    "source_language: NL", "source_language: en", "audiences: []", "audiences: [patient, nobody]",
    "languages: [en, xx, '../x']", "sources: []", "sources: gamma", "  - key: gamma", "  - key: 'bad key'",
    "    year: 99999999999999999999", "    year: two", "    url: javascript:alert(1)", "    doi: 11.1/x",
    "    pmid: 0x10", "    pmid: 1e5", "    extra: 1", "  - {}", "  - key: k\n    title: t\n    publisher: p",
]))
brand_lines = st.one_of(yaml_line, st.sampled_from([
    "meta:", "  name: X", "  name: [1]", "  link: javascript:x", "logo:", "  path: logo.svg", "  path: brand.yml",
    "  path: ../../content/demo/images/circle.svg", "  path: /etc/passwd", "  path: file:///etc/passwd",
    "  path: " + "n" * 300 + ".svg", "  path: 'x\\0.svg'", "  path: \"x\\0.svg\"", "  path: ''", "  path: .",
    "  alt: ''", "color:", "  palette: {ink: ink}", "  palette: [1]", "  foreground: '#fff'", "  foreground: '#ffff00'",
    "  foreground: nope", "  background: '#000'", "  primary: 'rgb(1,2,3)'", "typography:", "  fonts:",
    "    - family: Nope", "      source: file", "      source: system", "      files:", "        - path: x.ttf",
    "        - path: brand.yml", "        - path: logo.svg", "        - path: " + "f" * 300 + ".ttf",
    "          weight: 99999999999999999999", "          style: oblique", "  base: Nope", "leaflets:",
    "  paper: a3", "  language: xx", "  disclaimer: {nl: [x]}", "  contact: {email: 1}", "  footer: " + "f" * 9000,
]))

BRAND = "brands/default/brand.yml"
LEAFLET_YAML = "content/other/leaflet.yaml"
DOCUMENT = "content/other/nl.md"
TARGETS = {
    DOCUMENT: st.one_of(md_document.map(encoded), corrupted(md_document), st.binary(max_size=500),
                        *[st.sampled_from(MD_SEEDS).flatmap(lambda s: mutated(s, md_line)).map(encoded)] * 3),
    LEAFLET_YAML: st.one_of(yaml_text.map(encoded), corrupted(yaml_text), st.binary(max_size=500),
                            *[mutated(seed("tests/fixtures/other/leaflet.yaml"), leaflet_lines).map(encoded)] * 3),
    BRAND: st.one_of(yaml_text.map(encoded), corrupted(yaml_text), st.binary(max_size=500),
                     *[mutated(seed(BRAND), brand_lines).map(encoded)] * 3),
}


# ---------------------------------------------------------------- 1. the YAML loader

def check_yaml_result(result, text: str, first_line: int = 1) -> None:
    located, problems = result
    assert isinstance(problems, list)
    assert (located is None) == bool(problems), "either a result or problems, not both or neither"
    last = first_line + line_count(text)
    for problem in problems:
        check_problem(problem, "f.yaml", last, min_line=first_line, whole_file=False)
    if located is not None:
        assert isinstance(located, Located) and located.path == "f.yaml"
        assert all(first_line <= line <= last for line in located.lines.values()), located.lines
        assert plain(located.data), f"SafeLoader built an object: {located.data!r}"[:500]
        assert depth_of(located.data) <= MAX_YAML_DEPTH, "nesting deeper than MAX_YAML_DEPTH was accepted"


@fuzz_settings(ci_examples=500)
@given(text=st.one_of(st.text(), st.text(st.characters(exclude_categories=())),
                      st.text(st.characters(max_codepoint=0xff, exclude_categories=()))))
def test_load_yaml_never_raises_on_any_text(text):
    with bounded(READ_SECONDS, "load_yaml"):
        result = load_yaml(text, "f.yaml")
    check_yaml_result(result, text)


@fuzz_settings(ci_examples=400)
@given(text=yaml_text, first_line=st.integers(1, 3) | st.integers(1, 100_000))
@example(text="a: &a [1]\nb: *a\n", first_line=1)
@example(text=LAUGHS, first_line=1)
@example(text="[" * 10_000, first_line=1)
@example(text="- " * 5_000 + "x", first_line=1)
@example(text="a: !!python/object/apply:os.system ['echo owned']\n", first_line=1)
@example(text="n: " + "9" * 5_000 + "\n", first_line=1)
@example(text="d: 2026-13-45\n", first_line=1)
@example(text="a: 1\na: 2\n", first_line=7)
@example(text="a: \x80\n", first_line=1)
@example(text="a: !!bool\n", first_line=1)
@example(text="a: !!int\n", first_line=1)
@example(text="a: !!float\n", first_line=1)
@example(text="a: !!timestamp x\n", first_line=1)
def test_load_yaml_never_raises_on_yaml_like_text(text, first_line):
    with bounded(READ_SECONDS, "load_yaml"):
        result = load_yaml(text, "f.yaml", first_line)
    check_yaml_result(result, text, first_line)


# ---------------------------------------------------------------- 2. the Markdown reader

@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-read")
    (root / "c").mkdir()
    return root


def check_raw_tree(body: list[RawBlock], first_line: int, last_line: int) -> None:
    for block, depth in walk_blocks(body):
        deepest = MAX_BLOCK_DEPTH + (block.kind == "markdown")  # text inside the deepest block
        assert depth <= deepest, f"'{block.kind}' kept {depth} deep (MAX_BLOCK_DEPTH {MAX_BLOCK_DEPTH})"
        assert first_line <= block.line <= last_line, f"block '{block.kind}' at line {block.line}"


@fuzz_settings(ci_examples=400)
@given(data=any_bytes)
@example(data=b"\xef\xbb\xbf---\ntitle: T\n---\ntext\n")
@example(data=b"---\ntitle: T\n---\n\xff\xfe")
@example(data=b"---\ntitle: T\x00\n---\n")
@example(data=b"---\ntitle: T\n---\n" + b"[" * (MAX_BRACKETS + 1))
@example(data=b"---\ntitle: T\n---\n" + b" " * (MAX_INDENT + 1) + b"- x")
@example(data=b"---\ntitle: T\n---\n" + b"> " * (MAX_QUOTE_DEPTH + 1) + b"x")
@example(data=b"---\ntitle: T\n---\n" + b"x" * (MAX_LINE_CHARS + 1))
@example(data=b"---\ntitle: T\n---\n" + b"/// callout | t\n" * (MAX_BLOCK_DEPTH + 3))
def test_read_markdown_never_raises_on_any_bytes(scratch, data):
    path = scratch / "c" / "nl.md"
    path.write_bytes(data)
    with bounded(READ_SECONDS, "read_markdown"):
        raw, problems = read_markdown(path, "c/nl.md", scratch)
    last = line_count(data.decode("utf-8", "replace"))
    assert raw.path == "c/nl.md"
    for problem in problems:
        check_problem(problem, "c/nl.md", last)
    check_raw_tree(raw.body, 1, last)


@fuzz_settings(ci_examples=400)
@given(text=md_document)
def test_read_markdown_never_raises_on_markdown_like_text(scratch, text):
    path = scratch / "c" / "nl.md"
    path.write_bytes(encoded(text))
    with bounded(READ_SECONDS, "read_markdown"):
        raw, problems = read_markdown(path, "c/nl.md", scratch)
    last = line_count(text)
    for problem in problems:
        check_problem(problem, "c/nl.md", last)
    check_raw_tree(raw.body, 1, last)


@fuzz_settings(ci_examples=400)
@given(lines=st.lists(md_chunk, max_size=30).map(lambda chunks: "\n".join(chunks).split("\n")),
       first_line=st.integers(1, 3) | st.integers(1, 100_000))
def test_parse_blocks_never_raises(lines, first_line):
    with bounded(READ_SECONDS, "parse_blocks"):
        body, problems = parse_blocks(lines, "c/nl.md", first_line)
    last = first_line + sum(len(line.splitlines()) or 1 for line in lines)
    for problem in problems:
        check_problem(problem, "c/nl.md", last, min_line=first_line, whole_file=False)
    check_raw_tree(body, first_line, last)


# Shapes this module found, kept as plain tests: their examples are too large to print.
SLOW_FENCE = "/// callout | t" + "\t" * (MAX_LINE_CHARS - 20) + "x"  # a block title, a run of tabs, one more character


def test_block_title_with_a_long_run_of_whitespace_is_read_in_time(scratch):
    with bounded(READ_SECONDS, "parse_blocks"):
        parse_blocks([SLOW_FENCE] * 25, "c/nl.md", 1)
    path = scratch / "c" / "nl.md"
    path.write_text(FRONT + "\n".join([SLOW_FENCE] * 25), encoding="utf-8")
    assert path.stat().st_size <= MAX_MARKDOWN_BYTES
    with bounded(READ_SECONDS, "read_markdown"):
        read_markdown(path, "c/nl.md", scratch)


# ---------------------------------------------------------------- 3. the whole project

@pytest.fixture(scope="module")
def project_root(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("fuzz-project") / "project")
    assert load_project(root)[1] == [], "the fixture project must load without problems"
    return root


@fuzz_settings(ci_examples=250)
@given(target=st.sampled_from(sorted(TARGETS)).flatmap(lambda t: st.tuples(st.just(t), TARGETS[t])))
@example(target=(DOCUMENT, b"---\ntitle: T\n---\n![a](x%00.png)\n"))
@example(target=(DOCUMENT, b"---\ntitle: T\n---\n![a](" + b"n" * 300 + b".png)\n"))
@example(target=(DOCUMENT, b"---\ntitle: T\x80\n---\ntekst\n"))
@example(target=(DOCUMENT, b"---\ntitle: T\n---\n![a](%1b[2J%0d.png)\n"))
@example(target=(LEAFLET_YAML, b"version: 1\nversion: 2\n"))
@example(target=(BRAND, b"meta: {name: X}\nlogo: {path: " + b"n" * 300 + b".svg, alt: x}\n"))
@example(target=(BRAND, b'meta: {name: X, link: "\\e[31m\\r"}\n'))
def test_load_project_never_raises(project_root, target):
    relpath, data = target
    path = project_root / relpath
    original = path.read_bytes()
    path.write_bytes(data)
    try:
        with bounded(PROJECT_SECONDS, f"load_project with fuzzed {relpath}"):
            project, problems = load_project(project_root)
    finally:
        path.write_bytes(original)
    assert isinstance(project, Project)
    last = line_count(data.decode("utf-8", "replace"))
    for problem in problems:
        assert not str(problem).startswith("/"), f"absolute path in {problem!s}"
        assert str(project_root) not in str(problem), f"the machine's path in {problem!s}"
        shown = PurePosixPath(problem.where.path) if isinstance(problem.where, SourceLocation) else None
        assert shown is not None and not shown.is_absolute() and ".." not in shown.parts, problem
        assert (project_root / shown).resolve().is_relative_to(project_root.resolve()), problem
        check_problem(problem, relpath, last)  # the rest of the project is valid: every problem is here
        if "took longer than" in problem.message:
            event(f"per-file deadline reached in {relpath}")  # the size limits let a slow shape through
