"""Problems with a location, collected across the pipeline; the CLI decides the exit code."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")  # line breaks and controls


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A place in an input file; `line` is 1-based, 0 when the file as a whole is meant."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input or a variant, in compiler style."""

    where: object  # SourceLocation or Variant: anything whose str() names the place
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        # Messages quote what the input said; a control character there (an escape sequence
        # decoded from '%1b' in a URL) must not reach the terminal that prints it.
        return CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", f"{self.where}: {self.severity}: {self.message}")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def relative(path: Path, root: Path) -> str:
    """Path as shown in messages: relative to the project when inside it. The path as written
    comes first, so a symbolic link is named as the link, not as the file it points to."""
    for candidate in (path.absolute(), path.resolve()):
        try:
            return str(candidate.relative_to(root.resolve()))
        except (ValueError, OSError, RuntimeError):
            continue
    return str(path)

