"""Approval: nothing reaches patients unapproved.

A patient-information committee approves one language of a leaflet: the text of `<lang>.md`
(everything but the lines `translated` writes) together with the leaflet's sources, which the
leaflet prints. `leaflet.yaml` records who approved it, in which role, when, and a digest of that
text. An edition whose text no longer has that digest, or that was never approved, is a draft:
its PDFs carry a draft mark on every page, the manifest and catalogue say `draft`, and
`build --release` refuses it. This module is the only place that decides which one an edition is.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import Problem, SourceLocation
from .model import Approval, Document, Leaflet, LeafletMeta
from .schema import LeafletFile
from .write import sha256_file
from .yamledit import EditError, edit_yaml


def digest(document: Document, meta: LeafletMeta) -> str:
    """12 hex digits naming what an approval covers: this language's text, the pictures it
    shows (a new chart under the old file name is a new leaflet) and the sources."""
    sources = json.dumps([[s.key, s.title, s.publisher, s.year, s.authors, s.url, s.doi, s.pmid]
                          for s in meta.sources], ensure_ascii=False)
    pictures = "\n".join(f"{p.name}:{sha256_file(p) or 'missing'}" for p in document.images)
    return hashlib.sha256(f"{document.text_hash}\n{pictures}\n{sources}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Edition:
    """The approval state of one language of one leaflet."""

    approval: Approval | None  # the recorded approval, current or not
    approved: bool  # the recorded approval covers the text as it is now
    text: str  # the digest of the text as it is now: a draft's "draft version"

    @property
    def status(self) -> str:
        return "approved" if self.approved else "draft"

    @property
    def reason(self) -> str:
        if self.approved:
            return f"approved by {self.approval.by} ({self.approval.role}) on {self.approval.date.isoformat()}"
        if self.approval is None:
            return "draft: never approved"
        return (f"draft: changed since {self.approval.by} approved it on {self.approval.date.isoformat()}")


def edition(leaflet: Leaflet, document: Document) -> Edition:
    recorded, now = leaflet.meta.approval(document.language), digest(document, leaflet.meta)
    return Edition(recorded, recorded is not None and recorded.text == now, now)


def approval_problems(leaflet: Leaflet) -> list[Problem]:
    """For `check`: an approval that no longer covers the text, and, once a leaflet has
    approvals, a language it is written in that has none (its colophon would name no approver)."""
    meta = leaflet.meta
    problems = []
    for document in leaflet.documents:
        state = edition(leaflet, document)
        if state.approval is not None and not state.approved:
            problems.append(Problem(state.approval.where, f"{document.language}.md {state.reason}: its PDFs are "
                                    f"drafts until it is approved again ({_command(document.path)})", "warning"))
        elif state.approval is None and meta.approvals:
            problems.append(Problem(SourceLocation(meta.where.path, meta.approvals_line),
                                    f"approvals has no entry for '{document.language}' (has: "
                                    f"{', '.join(a.language for a in meta.approvals)}): the {document.language} "
                                    f"edition is a draft ({_command(document.path)})", "warning"))
    return problems


def release_refusal(leaflet: Leaflet, document: Document) -> str:
    """Why `--release` will not build this edition, or '' when it may."""
    state = edition(leaflet, document)
    if state.approved:
        return ""
    return (f"{state.reason}: --release builds approved editions only; after review run "
            f"'{_command(document.path)}'")


def _command(path: Path) -> str:
    return f"python build.py approve {path} --by NAME --role ROLE"


# ---------------------------------------------------------------- recording an approval

class ApprovalError(ValueError):
    """The approval cannot be recorded (a message for the user)."""


# Letters, marks, numbers, punctuation, symbols and plain spaces: what a name or role is made of.
# Control characters (C0 and C1, pasted from old documents), line and paragraph separators,
# format characters (a right-to-left override) and undecodable bytes from a terminal are not.
PRINTABLE = frozenset("LMNPS")
ENTRY = re.compile(r"^  ([a-z]{2,3}):[ \t]*\{[^\n]*\}[ \t]*(?:#.*)?$")


def check_name(option: str, value: str) -> str:
    value = value.strip()
    if not value or len(value) > 120 or any(unicodedata.category(c)[0] not in PRINTABLE and c != " " for c in value):
        raise ApprovalError(f"{option} must be 1 to 120 letters, digits, punctuation or spaces")
    return value


def record(leaflet: Leaflet, document: Document, by: str, role: str, on: date) -> Approval:
    """Write (or replace) this language's entry under `approvals:` in leaflet.yaml, one entry
    per line in YAML flow style, so a reviewer sees the whole sign-off at a glance and a diff
    shows exactly what changed. Everything else in the file stays byte for byte (comments, line
    endings, a byte-order mark). `yamledit` reads the result back with the project's own reader
    and schema before it replaces the file: anything but this one entry changed, and nothing is
    written."""
    approved = Approval(document.language, check_name("--by", by), check_name("--role", role), on,
                        edition(leaflet, document).text)
    path = leaflet.folder / "leaflet.yaml"
    entry = (f"  {approved.language}: {{by: {json.dumps(approved.by, ensure_ascii=False)}, "
             f"role: {json.dumps(approved.role, ensure_ascii=False)}, date: {on.isoformat()}, "
             f'text: "{approved.text}"}}')

    def wanted(old: dict) -> dict:  # the old data, and this language's entry
        return {**old, "approvals": {**dict(old.get("approvals") or {}), approved.language: {
            "by": approved.by, "role": approved.role, "date": approved.date, "text": approved.text}}}

    try:
        edit_yaml(path, lambda lines: _with_entry(lines, approved.language, entry, path), wanted, LeafletFile,
                  what="writing the approval",
                  hint="write approvals one entry per line, or remove the key and run approve again")
    except EditError as exc:
        raise ApprovalError(str(exc)) from exc
    return approved


def _with_entry(lines: list[str], language: str, entry: str, path: Path) -> list[str]:
    start = next((i for i, line in enumerate(lines) if re.match(r"^approvals[ \t]*:", line)), None)
    if start is None:
        while lines and not lines[-1].strip():
            lines.pop()
        return lines + ["approvals:", entry, ""]
    after = lines[start].split(":", 1)[1].strip()
    if after and not after.startswith("#"):
        raise ApprovalError(f"{path}:{start + 1}: 'approvals:' must stand alone on its line with one entry per line "
                            "under it, as `approve` writes them; or remove the key and run approve again")
    end = start + 1  # the block: indented, blank and comment lines up to the next top-level key
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#"):
        end += 1
    entries = [i for i in range(start + 1, end) if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    for i in entries:
        if not ENTRY.match(lines[i]):
            raise ApprovalError(f"{path}:{i + 1}: approvals must be written one entry per line, indented two "
                                f"spaces, as `approve` writes them (`  nl: {{by: ..., role: ..., date: ..., text: ...}}`);"
                                " rewrite it so, or remove the key and run approve again")
    own = [i for i in entries if ENTRY.match(lines[i])[1] == language]
    if own:
        lines[own[0]] = entry
    else:
        lines.insert((entries[-1] if entries else start) + 1, entry)
    return lines
