"""Expand stage: the build matrix leaflet × audience × language × brand × format → Variants."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .model import WEB, Project, Variant


@dataclass(frozen=True)
class Selection:
    """What the user asked for; an empty tuple means 'all'."""

    leaflets: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()

    def concerns(self, path: str) -> bool:
        """Whether a problem in this file is about what is selected: a warning about another
        brand's or leaflet's file is noise in a build of only one (errors always show)."""
        parts = Path(path).parts
        if len(parts) >= 2 and parts[0] == "brands" and self.brands:
            return parts[1] in self.brands
        if len(parts) >= 2 and parts[0] == "content" and self.leaflets:
            return parts[1] in self.leaflets
        return True

    def unknown(self, project: Project) -> list[str]:
        """Requested ids that do not exist, as messages naming what does."""
        known = {
            "leaflet": {l.meta.id for l in project.leaflets},
            "audience": {a for l in project.leaflets for a in l.meta.audiences},
            "language": {d.language for l in project.leaflets for d in l.documents},
            "brand": {b.id for b in project.brands},
            "format": {f.id for f in project.formats} | {WEB},
        }
        asked = dict(zip(known, (self.leaflets, self.audiences, self.languages, self.brands, self.formats)))
        return [_not_buildable(project, kind, value, known[kind])
                for kind, values in asked.items() for value in values if value not in known[kind]]


def _not_buildable(project: Project, kind: str, value: str, known: set[str]) -> str:
    """Why a requested id is not in the project: it has errors (reported above), or it does not exist."""
    folder = {"leaflet": project.root / "content", "brand": project.root / "brands"}.get(kind)
    if folder is not None and value and "/" not in value and (folder / value).is_dir():
        return f"{kind} '{value}' has errors (see above), so it is not built"
    return f"unknown {kind} '{value}' (known: {', '.join(sorted(known))})"


def _pick(wanted: tuple[str, ...], available) -> list[str]:
    return [a for a in available if not wanted or a in wanted]


def expand(project: Project, selection: Selection) -> list[Variant]:
    variants = []
    for leaflet in project.leaflets:
        if selection.leaflets and leaflet.meta.id not in selection.leaflets:
            continue
        for audience in _pick(selection.audiences, leaflet.meta.audiences):
            for language in _pick(selection.languages, [d.language for d in leaflet.documents]):
                for brand in _pick(selection.brands, [b.id for b in project.brands]):
                    for fmt in _pick(selection.formats, [f.id for f in project.formats]):
                        variants.append(Variant(leaflet.meta.id, audience, language, brand, fmt))
    return sorted(variants)


def sibling_files(project: Project, variant: Variant) -> dict[str, str]:
    """leaflet id → the file name of its PDF in this variant's output folder, for the other
    leaflets that exist in this language for this audience (so a link to it can work)."""
    files = {}
    for other in project.leaflets:
        if other.meta.id != variant.leaflet and other.document(variant.language) and \
                variant.audience in other.meta.audiences:
            files[other.meta.id] = Path(replace(variant, leaflet=other.meta.id).output_path).name
    return files
