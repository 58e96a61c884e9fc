"""What a check returns, and the one place where an unexpected exception becomes a finding.

Every reader and check catches the specific exceptions a malformed object raises where it reads
it (`pikepdf.PdfError`, `KeyError`, fontTools' errors ...). `contained` is the single boundary
that catches anything else: a PDF can be malformed in more ways than a reader foresees, and a
verifier that crashes on one says nothing about the others, so the surprise is filed as a finding
of the clause the step was checking.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Finding:
    clause: str  # the most specific clause of ISO 14289-1 violated: "7.18.5", "7.21.4.1", ...
    message: str
    #: The Matterhorn Protocol 1.1 failure condition ("28-011"), "" when none applies. Set by
    #: the check or, for most checks, by `conditions.classify` from the table there. Not part of
    #: equality: a finding is the same problem whoever names its condition.
    condition: str = field(default="", compare=False)

    def __str__(self) -> str:
        named = f" (Matterhorn {self.condition})" if self.condition else ""
        return f"PDF/UA-1 {self.clause}{named}: {self.message}"


def unique(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in order, each reported once (two checks may notice the same thing)."""
    return list(dict.fromkeys(findings))


def contained(clause: str, failure: str, step: Callable[[], T], fallback: T) -> tuple[T, list[Finding]]:
    """Run one step of verification; if it raises, its `fallback` and a finding of `clause` that
    starts with `failure` ("structure tree could not be read").

    The documented boundary: the only `except Exception` in `leaflets.verify`."""
    try:
        return step(), []
    except RecursionError:
        return fallback, [Finding(clause, f"{failure}: objects nest too deeply")]
    except Exception as exc:  # a malformed object must become a finding, not a crash
        return fallback, [Finding(clause, f"{failure}: {type(exc).__name__}: {exc}")]
