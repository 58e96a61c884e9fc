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
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import Problem, SourceLocation
from .model import Approval, Document, Leaflet, LeafletMeta


def digest(document: Document, meta: LeafletMeta) -> str:
    """12 hex digits naming what an approval covers: this language's text and the sources."""
    sources = json.dumps([[s.key, s.title, s.publisher, s.year, s.authors, s.url, s.doi, s.pmid]
                          for s in meta.sources], ensure_ascii=False)
    return hashlib.sha256(f"{document.text_hash}\n{sources}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Edition:
    """The approval state of one language of one leaflet."""

    approval: Approval | None  # the recorded approval, current or not
    approved: bool  # the recorded approval covers the text as it is now

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
    recorded = leaflet.meta.approval(document.language)
    return Edition(recorded, recorded is not None and recorded.text == digest(document, leaflet.meta))


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


def record(leaflet: Leaflet, document: Document, by: str, role: str, on: date) -> Approval:
    """Write (or replace) this language's entry under `approvals:` in leaflet.yaml; the rest of
    the file, comments included, stays as it was. One entry per line in YAML flow style, so a
    reviewer sees the whole sign-off at a glance and a diff shows exactly what changed."""
    for name, value in (("--by", by), ("--role", role)):
        if not value.strip() or len(value) > 120 or any(ord(c) < 32 for c in value):
            raise ApprovalError(f"{name} must be 1 to 120 printable characters")
    approved = Approval(document.language, by.strip(), role.strip(), on, digest(document, leaflet.meta))
    path = leaflet.folder / "leaflet.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    entry = (f"  {approved.language}: {{by: {json.dumps(approved.by, ensure_ascii=False)}, "
             f"role: {json.dumps(approved.role, ensure_ascii=False)}, date: {on.isoformat()}, text: {approved.text}}}")
    start = next((i for i, line in enumerate(lines) if re.match(r"^approvals\s*:", line)), None)
    if start is None:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["approvals:", entry, ""]
    else:
        if lines[start].split(":", 1)[1].split("#")[0].strip() not in ("", "{}"):
            raise ApprovalError(f"{path}:{start + 1}: write approvals as one entry per line (`  nl: {{by: ..}}`), "
                                "or remove the key and let this command write it")
        lines[start] = "approvals:"
        end = start + 1
        while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
            end += 1
        own = [i for i in range(start + 1, end) if re.match(rf"^\s+{re.escape(approved.language)}\s*:", lines[i])]
        if own:
            at = own[0]
            if lines[at].rstrip().endswith(":"):  # a block-style entry: replace it and its lines
                nested = at + 1
                while nested < end and len(lines[nested]) - len(lines[nested].lstrip()) > 2:
                    nested += 1
                del lines[at + 1:nested]
            lines[at] = entry
        else:
            last = max((i for i in range(start + 1, end) if lines[i].strip()), default=start)
            lines.insert(last + 1, entry)
    from .write import atomic_write  # the output store's writer: never a half-written leaflet.yaml

    atomic_write(path, "\n".join(lines).encode("utf-8"))
    return approved
