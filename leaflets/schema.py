"""The shapes of the YAML a leaflet is made of, as pydantic models, and the one adapter that turns
pydantic's errors into `file:line: message` problems (used for brand.yml too).

Schemas only: no files are read here and nothing is judged beyond types and patterns; the rules
that need the rest of the project (dates in order, unique keys, the body) are in `validate`.
"""
from __future__ import annotations

import re
import typing
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .blocks import ID_PATTERN
from .errors import Problem
from .limits import MAX_HEADING_CHARS
from .read import Located


# ---------------------------------------------------------------- pydantic → located problems

def model_problems(exc: ValidationError, located: Located, prefix: tuple = (), what: str = "",
                   model: type[BaseModel] | None = None) -> list[Problem]:
    """Turn pydantic errors into `file:line: message` problems, one per error."""
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        name = ".".join(str(p) for p in loc) or what
        where = located.at(*prefix, *loc)
        kind = err["type"]
        if kind == "missing":
            message = f"{what}needs '{name}'"
            choices = _literal_choices(model, loc[0]) if model and loc else ""
            if choices:
                message += f" (one of: {choices})"
        elif kind == "extra_forbidden":
            message = f"{what}has no field '{name}'"
            valid = _fields_at(model, loc[:-1]) if model else []
            if valid:
                message += f" (valid: {', '.join(valid)})"
        elif kind == "literal_error":
            message = f"'{name}' must be one of: {_choices(err)}, not '{err['input']}'"
        elif kind == "string_pattern_mismatch":
            form = PATTERN_FORMS.get(err["ctx"]["pattern"], f"match {err['ctx']['pattern']}")
            message = f"'{name}' must be {form}, not '{str(err['input'])[:80]}'"
        else:
            message = f"'{name}': {err['msg'].lower()}"
        problems.append(Problem(where, message))
    return problems


WEB_ADDRESS = r"^(https?://\S+)?$"
PATTERN_FORMS = {  # a pattern as words, for messages
    ID_PATTERN: "lower-case letters, digits and '-'",
    WEB_ADDRESS: "a web address starting with https:// or http://",
    r"^(10\.\S+)?$": "a DOI such as 10.1000/xyz",
    r"^\d*$": "digits only",
    r"^[a-z]{2,3}$": "a language code such as nl or en",
    r"^[0-9a-f]{12}$": "12 hexadecimal digits",
    r"^[A-Za-z0-9][\w-]*$": "letters, digits, '_' and '-'",
}


def _fields_at(model: type[BaseModel], path: tuple) -> list[str]:
    """The field names (as written in YAML) of the model found at `path` inside `model`."""
    for part in path:
        if isinstance(part, int):
            continue  # an item of a list: the list's own model is already in hand
        info = model.model_fields.get(str(part)) or next(
            (f for f in model.model_fields.values() if f.alias == part), None)
        nested = [a for a in (info.annotation, *typing.get_args(info.annotation)) if _is_model(a)] if info else []
        if not nested:
            return []
        model = nested[0]
    return [info.alias or name for name, info in model.model_fields.items()]


def _is_model(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _choices(err: dict) -> str:
    expected = (err.get("ctx") or {}).get("expected", "")
    return ", ".join(c.strip(" '") for c in re.split(r",| or ", expected) if c.strip(" '"))


def _literal_choices(model: type[BaseModel], name: object) -> str:
    """'a, b, c' when the field is a Literal of strings, so a missing value lists its choices."""
    info = model.model_fields.get(str(name))
    args = getattr(info.annotation, "__args__", ()) if info else ()
    return ", ".join(args) if args and all(isinstance(a, str) for a in args) else ""


# ---------------------------------------------------------------- leaflet.yaml

def _number_as_text(value: object) -> object:
    """YAML reads an unquoted PMID as a number; it is an identifier, so take it as text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class SourceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=r"^[A-Za-z0-9][\w-]*$")
    title: str
    publisher: str
    year: int | None = None  # left out when the source prints none: never guessed
    authors: str = ""
    url: str = Field(default="", pattern=WEB_ADDRESS)
    doi: str = Field(default="", pattern=r"^(10\.\S+)?$")
    pmid: Annotated[str, BeforeValidator(_number_as_text)] = Field(default="", pattern=r"^\d*$")


class ApprovalFile(BaseModel):
    """One language's sign-off; `python build.py approve FILE --by NAME --role ROLE` writes it."""
    model_config = ConfigDict(extra="forbid")
    by: str = Field(min_length=1, max_length=120)
    role: str = Field(min_length=1, max_length=120)
    date: date
    text: str = Field(pattern=r"^[0-9a-f]{12}$")  # which text was approved (approval.digest)


Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]


class LeafletFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    published: date
    review_by: date
    owner: str | dict[str, str]  # a name, or a name per language ({nl: Redactie, en: Editors})
    source_language: str = Field(pattern=r"^[a-z]{2,3}$")
    audiences: list[Literal["patient", "professional"]] = Field(min_length=1)
    languages: list[str] = []  # languages this leaflet must exist in; a missing one is reported
    sources: list[SourceFile] = Field(min_length=1)
    approvals: dict[Language, ApprovalFile] = {}  # per language: who approved which text


# ---------------------------------------------------------------- <lang>.md front matter

class FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=MAX_HEADING_CHARS)
    summary: str = ""
    summary_professional: str = ""  # the title block's summary in the professional edition
    keywords: list[str] = []
    translation_of: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$")
    # sha256 (first 12 hex digits) of the source-language file this translation was made from;
    # `python build.py translated FILE` records it. A changed source makes the translation stale.
    source_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{12}$")
    # {section title: 8-hex hash} of the source file at that moment, so a stale translation can
    # say which sections changed since; also written by `translated`.
    source_sections: dict[str, str] = {}
