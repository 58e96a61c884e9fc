"""Every regular expression that reads untrusted text runs in linear time.

A line of content is up to 10,000 characters (limits.MAX_LINE_CHARS). A pattern with
backtracking that is quadratic in that length costs seconds per line (the old heading pattern
ran for minutes on one line). Rather than one example per pattern, this tries every pattern of
the modules that read content against the shapes that trigger such backtracking: a prefix that
starts a match, a long run of one character, then one character that makes the match fail.
"""
from __future__ import annotations

import importlib
import re
import time

import pytest

MODULES = ("leaflets.read", "leaflets.body", "leaflets.markup", "leaflets.render", "leaflets.boundary",
           "leaflets.readability", "leaflets.schema", "leaflets.brand", "leaflets.errors", "leaflets.i18n",
           "leaflets.assets")  # assets: SVG lengths and font sizes
PREFIXES = ("", "## ", "/// a | ", "<", "[", "[@a", "- [a](", "![", "{", "{:", "[x]{lang=", "> ", "a", "\n")
RUN = " \t[]()<>#{}*_@|/!:=a1-.;\\\"'"
RUN_LENGTH = 5_000
SECONDS = 0.25  # a linear pattern takes well under a millisecond on 5,000 characters


def patterns() -> list[tuple[str, re.Pattern]]:
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        found += [(f"{name}.{attr}", value) for attr, value in vars(module).items() if isinstance(value, re.Pattern)]
        for cls_name, cls in vars(module).items():  # patterns a Markdown extension keeps on its class
            if isinstance(cls, type) and cls.__module__ == name:
                found += [(f"{name}.{cls_name}.{attr}", value) for attr, value in vars(cls).items()
                          if isinstance(value, re.Pattern)]
    return found


@pytest.mark.parametrize("name, pattern", patterns(), ids=[n for n, _ in patterns()])
def test_pattern_takes_linear_time_on_long_runs(name, pattern):
    slow = []
    for prefix in PREFIXES:
        for run in RUN:
            for end in ("x", "1", "\n", ")", "]", "}", ">", "|", ""):
                text = prefix + run * RUN_LENGTH + end
                started = time.perf_counter()
                pattern.search(text)
                pattern.match(text)
                if time.perf_counter() - started > SECONDS:
                    slow.append(repr(prefix + run + "…" + end))
                    break
    assert not slow, f"{name} backtracks on: {', '.join(slow[:5])}"
