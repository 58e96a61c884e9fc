"""Block types as data: one `BlockSpec` per kind, looked up by `BLOCKS[kind]`.

Adding a block type = one entry here (plus, if it has logic, a module beside this one) and its
template `templates/blocks/<kind>.html.j2` and CSS in `styles/blocks.css`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IdOption(NoOptions):
    id: str | None = Field(default=None, pattern=ID_PATTERN)


class RequiredId(NoOptions):
    id: str = Field(pattern=ID_PATTERN)


class QuoteOptions(NoOptions):
    by: str | None = None  # who said it; a named quote must also name its `source`
    source: str | None = None  # key of the leaflet.yaml source the words are quoted from


class InterviewOptions(NoOptions):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    with_: str | None = Field(default=None, alias="with")


# "unstudied": the source names no study of the therapy in people with MS, so it grades nothing
# (unlike "none": studies, or the source, say it does not help).
Evidence = Literal["strong", "some", "limited", "none", "conflicting", "unstudied"]


class TherapyOptions(IdOption):
    evidence: Evidence
    basis: str  # key of the leaflet.yaml source the verdict rests on (printed in the professional edition)
    basis_section: str | None = None  # where in that source, e.g. "Cannabis" or "Section C"


# Options that hold a source key: `check` resolves them against leaflet.yaml `sources`, the
# professional edition cites them.
SOURCE_KEY_OPTIONS = ("basis", "source")


def source_keys(options: object) -> list[str]:
    """The source keys named in a block's options (basis, source), in that order."""
    return [value for name in SOURCE_KEY_OPTIONS if isinstance(value := getattr(options, name, None), str)]


TitleRule = Literal["required", "optional", "none"]
HeadingRule = Literal["section", "nested", None]


@dataclass(frozen=True)
class BlockSpec:
    """What a block kind accepts and how it is rendered.

    heading: "section" blocks open a level-2 section (like `##`); "nested" ones take the level
    below the section they are in; None renders no heading (titles become labels).
    """

    kind: str
    title: TitleRule
    options: type[NoOptions] = NoOptions
    children: frozenset[str] | None = None  # None: any Markdown and blocks
    markdown: bool = True  # may contain plain Markdown
    required: tuple[str, ...] = ()  # child kinds that must appear exactly once
    parents: frozenset[str] | None = None  # None: anywhere
    heading: HeadingRule = None
    title_choices: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        return f"blocks/{self.kind}.html.j2"


def _specs(*specs: BlockSpec) -> dict[str, BlockSpec]:
    return {s.kind: s for s in specs}


BLOCKS: dict[str, BlockSpec] = _specs(
    BlockSpec("audience", "required", title_choices=("patient", "professional")),
    BlockSpec("callout", "required"),
    BlockSpec("quote", "none", QuoteOptions, children=frozenset()),
    BlockSpec("interview", "required", InterviewOptions, children=frozenset({"question", "audience"}), heading="nested"),
    BlockSpec("category", "required", RequiredId, children=frozenset({"question", "see-also", "audience", "callout"}), heading="section"),
    BlockSpec("question", "required", IdOption, children=frozenset({"see-also", "audience", "callout", "figure"}), heading="nested"),
    BlockSpec("see-also", "none", children=frozenset()),
    BlockSpec("therapy", "required", TherapyOptions, children=frozenset({"evidence", "safety", "audience"}),
              required=("evidence", "safety"), heading="nested"),
    BlockSpec("evidence", "none", children=frozenset({"audience"}), parents=frozenset({"therapy"})),
    BlockSpec("safety", "none", children=frozenset({"audience"}), parents=frozenset({"therapy"})),
    BlockSpec("disclaimer", "optional", children=frozenset({"audience"})),
    BlockSpec("links", "required", children=frozenset(), heading="section"),
    BlockSpec("figure", "optional", children=frozenset()),
)
