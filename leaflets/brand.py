"""Brands: `brands/<id>/brand.yml` in Posit's brand.yml format, plus a `leaflets:` extension key.

Guarantees: a Brand returned here only points at files inside its own folder (symbolic links
followed) or an installed font package; its logo decodes and its fonts are fonts; its colours
meet WCAG 2.1 contrast (text 4.5:1, large headings 3:1).
"""
from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .assets import font_problem, image_problem
from .boundary import LINKED, MISSING, OUTSIDE, TOO_LARGE, named_file
from .contrast import PAIRS, TEXT_CONTRAST, contrast, nearest_passing
from .errors import Problem, SourceLocation, relative
from .i18n import script_fonts
from .limits import MAX_FONT_BYTES, MAX_LOGO_BYTES
from .model import Brand
from .read import HARD_LINK, Located, load_yaml_file
from .schema import WEB_ADDRESS, model_problems



class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Meta(_Strict):
    name: str
    link: str = Field(default="", pattern=WEB_ADDRESS)


class Logo(_Strict):
    path: str
    alt: str = Field(min_length=1)


class Colors(_Strict):
    palette: dict[str, str] = {}
    foreground: str = "#1a1a1a"
    background: str = "#ffffff"
    primary: str = "#1f4e79"
    light: str = "#eef3f8"  # background of callouts and the title band


class FontFileSpec(_Strict):
    path: str
    weight: int = 400
    style: Literal["normal", "italic"] = "normal"


class FontSpec(_Strict):
    family: str
    source: Literal["file", "system", "package"] = "package"
    files: list[FontFileSpec] = []


class Typography(_Strict):
    fonts: list[FontSpec] = []
    base: str = "Atkinson Hyperlegible"


class Contact(_Strict):
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""  # printed as text ("www.example.org"), never as a link


class Extension(_Strict):
    contact: Contact = Contact()
    footer: str = ""
    disclaimer: dict[str, str] = {}  # per language: replaces nothing, adds the brand's own note
    paper: Literal["a4", "letter"] = "a4"  # the brand's office paper; both are built
    language: str = "nl"
    # Where this brand's output folder (output/<brand>/) is published: the printed leaflet then
    # carries a QR code to its web edition, <web_base>/<language>/<leaflet>-<audience>.html.
    web_base: str = Field(default="", pattern=WEB_ADDRESS)
    logo_has_name: bool = False  # the logo already shows the name: the cover does not repeat it


class BrandFile(_Strict):
    meta: Meta
    logo: Logo | None = None
    color: Colors = Colors()
    typography: Typography = Typography()
    leaflets: Extension = Extension()


HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def load_brand(folder: Path, root: Path) -> tuple[Brand | None, list[Problem]]:
    path = folder / "brand.yml"
    shown = relative(path, root)
    if not path.is_file():
        return None, [Problem(SourceLocation(shown), "brand folder has no brand.yml")]
    located, problems = load_yaml_file(path, shown, folder)  # a linked brand.yml stays in its folder
    if located is None:
        return None, problems
    try:
        parsed = BrandFile.model_validate(located.data if isinstance(located.data, dict) else {})
    except ValidationError as exc:
        return None, model_problems(exc, located, model=BrandFile)
    colors, color_problems = _resolve_colors(parsed.color, located)
    logo, logo_problems = _check_logo(parsed.logo, folder, located)
    fonts, font_problems = _resolve_fonts(parsed.typography, folder, located)
    problems = color_problems + logo_problems + font_problems
    if parsed.leaflets.logo_has_name and parsed.logo is None:
        problems.append(Problem(located.at("leaflets", "logo_has_name"), "leaflets.logo_has_name is true but "
                                "the brand has no logo: the cover prints the name instead", "warning"))
    if any(p.is_error for p in problems):
        return None, problems
    contact = tuple((k, v) for k, v in parsed.leaflets.contact.model_dump().items() if v)
    return Brand(id=folder.name, name=parsed.meta.name, link=parsed.meta.link, logo=logo,
                 logo_alt=parsed.logo.alt if parsed.logo else "", foreground=colors["foreground"],
                 background=colors["background"], primary=colors["primary"], accent_background=colors["light"],
                 font_family=parsed.typography.base, font_files=fonts, contact=contact, footer=parsed.leaflets.footer,
                 folder=folder, where=SourceLocation(shown, 1), default_language=parsed.leaflets.language,
                 paper=parsed.leaflets.paper, web_base=parsed.leaflets.web_base.rstrip("/"),
                 disclaimer=tuple(sorted(parsed.leaflets.disclaimer.items())),
                 disclaimer_line=located.lines.get(("leaflets", "disclaimer"), 0),
                 logo_has_name=parsed.leaflets.logo_has_name and logo is not None), problems


# ---------------------------------------------------------------- colour and contrast

def _resolve_colors(colors: Colors, located: Located) -> tuple[dict[str, str], list[Problem]]:
    out, problems = {}, []
    for name in ("foreground", "background", "primary", "light"):
        value = getattr(colors, name)
        value = colors.palette.get(value, value)
        if not HEX.fullmatch(value):
            problems.append(Problem(_defined_at(colors, name, located), f"color.{name} '{value}' is not a #rrggbb "
                                    f"colour or palette name (palette: {', '.join(colors.palette) or 'empty'})"))
        else:
            out[name] = _expand(value)
    return out, problems or _contrast_problems(colors, out, located)


def _contrast_problems(colors: Colors, out: dict[str, str], located: Located) -> list[Problem]:
    """One problem per failing colour, at the line where it is defined, with a shade that passes.
    A pair whose partner is already reported is left out: fixing that one fixes the pair."""
    problems, reported = [], set()
    for role in dict.fromkeys(pair.blamed for pair in PAIRS):
        failing = [(p, contrast(out[role], out[p.partner])) for p in PAIRS
                   if p.blamed == role and p.partner not in reported]
        failing = [(p, ratio) for p, ratio in failing if ratio < TEXT_CONTRAST]
        if not failing:
            continue
        reported.add(role)
        detail = "; ".join(f"{ratio:.1f}:1 with {p.partner} {out[p.partner]} ({p.use})" for p, ratio in failing)
        # The shade must pass with every colour it is printed with, as text or as background.
        partners = [out[p.partner] for p in PAIRS if p.blamed == role] + [out[p.blamed] for p in PAIRS if p.partner == role]
        shade = nearest_passing(out[role], partners)
        fix = f"; {shade} would pass" if shade else ""
        problems.append(Problem(_defined_at(colors, role, located), f"color.{role} {out[role]} has contrast {detail} "
                                f"(needs {TEXT_CONTRAST}:1){fix}"))
    return problems


def _defined_at(colors: Colors, role: str, located: Located) -> SourceLocation:
    """Where a role's colour is written: its palette entry when it names one, else the role's line."""
    value = getattr(colors, role)
    return located.at("color", "palette", value) if value in colors.palette else located.at("color", role)


def _expand(hex_color: str) -> str:
    h = hex_color.lower()
    return "#" + "".join(c * 2 for c in h[1:]) if len(h) == 4 else h


# ---------------------------------------------------------------- files: logo and fonts

def _brand_file(folder: Path, relpath: str, what: str, limit: int) -> tuple[Path | None, str]:
    """A file named in brand.yml, checked by `boundary.named_file`: (its real path, '') or
    (None, why) in the words a brand's editor reads."""
    try:
        found = named_file(folder, relpath, limit)
        if not found.refused:
            return found.path.resolve(), ""
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        return None, f"{what} '{relpath[:100]}' cannot be read: {getattr(exc, 'strerror', None) or exc}"
    why = {OUTSIDE: "must be a file inside the brand folder", MISSING: f"not found in {folder.name}/",
           LINKED: HARD_LINK, TOO_LARGE: f"is {found.size // 1024} KiB (at most {limit // 1024} KiB)"}
    return None, f"{what} '{relpath}' {why[found.refused]}"


def _check_logo(logo: Logo | None, folder: Path, located: Located) -> tuple[Path | None, list[Problem]]:
    if logo is None:
        return None, []
    where = located.at("logo", "path")
    target, why = _brand_file(folder, logo.path, "logo", MAX_LOGO_BYTES)
    if target is None:
        return None, [Problem(where, why)]
    if target.suffix.lower() not in (".svg", ".png"):
        return None, [Problem(where, f"logo '{logo.path}' must be SVG or PNG")]
    if why := image_problem(target):
        return None, [Problem(where, f"logo '{logo.path}' {why}")]
    return target, []


def font_package_files(family: str) -> list[tuple[str, str, Path]] | None:
    """(style, CSS weight, path) of an installed `fontpkg-<family>` package, or None.

    Variable fonts get an empty weight: WeasyPrint 70 rejects a weight range in @font-face, and
    without one fontconfig serves every weight from the file's own named instances."""
    module = "fontpkg_" + re.sub(r"[^a-z0-9]+", "_", family.lower()).strip("_")
    try:
        package = importlib.import_module(module)
    except ImportError:
        return None
    root = Path(package.__file__).resolve().parent
    meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
    return [(f["style"], "" if f.get("variable") else str(f["weight"]), root / f["path"]) for f in meta["files"]]


def script_font_files(language: str) -> list[tuple[str, str, str, Path]]:
    """(family, style, weight, file) of the fonts placed before the brand font for this
    language's script (e.g. Arabic), from their pip packages."""
    return [(family, *f) for family in script_fonts(language) for f in font_package_files(family) or ()]


# (weight, style, name, what prints without it: seen in the PDFs' fonts and rendered pages)
FACES = (("400", "normal", "regular (400)", "body text prints in another of its faces"),
         ("700", "normal", "bold (700)", "bold text and headings print in the regular weight"),
         ("400", "italic", "italic", "italic text prints upright"))


def _missing_faces(spec: FontSpec, where: SourceLocation) -> list[Problem]:
    """Warnings for the regular, bold and italic files a brand's own font lacks, saying what
    prints instead."""
    present = {(str(f.weight), f.style) for f in spec.files}
    return [Problem(where, f"font '{spec.family}' has no {label} file: {effect}; add a file with weight: {weight} "
                           f"and style: {style}", "warning")
            for weight, style, label, effect in FACES if (weight, style) not in present]


def _missing_package_faces(family: str, files: list, where: SourceLocation) -> list[Problem]:
    """The same warnings for a font package (e.g. Lexend has no italic at all): the brand cannot
    add a file there, so the advice is to pick a family that has the face."""
    def covers(weights: str, wanted: str) -> bool:
        if not weights:  # a variable font declared without a range: every weight
            return True
        low, _, high = weights.partition(" ")
        return low == wanted or (bool(high) and int(low) <= int(wanted) <= int(high))
    return [Problem(where, f"font '{family}' (package) has no {label} face: {effect}; choose a family that has "
                           "one, or accept it", "warning")
            for weight, style, label, effect in FACES
            if not any(s == style and covers(str(w), weight) for s, w, _ in files)]


def _resolve_fonts(typography: Typography, folder: Path, located: Located):
    fonts, problems = [], []
    declared = typography.fonts or [FontSpec(family=typography.base)]
    for index, spec in enumerate(declared):
        where = located.at("typography", "fonts", index)
        if spec.source == "file":
            for fi, f in enumerate(spec.files):
                target, why = _brand_file(folder, f.path, "font file", MAX_FONT_BYTES)
                if target is not None and (reason := font_problem(target)):
                    target, why = None, f"font file '{f.path}' {reason}"
                if target is None:
                    problems.append(Problem(located.at("typography", "fonts", index, "files", fi), why))
                else:
                    fonts.append((spec.family, f.style, str(f.weight), target))
            problems += _missing_faces(spec, where)
        elif spec.source == "system":
            problems.append(Problem(where, f"font '{spec.family}': system fonts differ from machine to machine; "
                                           "use 'source: file' with the font files in the brand folder, or a package"))
        elif spec.source == "package":
            files = font_package_files(spec.family)
            if files is None:
                problems.append(Problem(where, f"font '{spec.family}' is not installed: add 'fontpkg-"
                                        f"{re.sub(r'[^a-z0-9]+', '-', spec.family.lower())}' to pyproject.toml"))
            else:
                fonts += [(spec.family, style, weight, path) for style, weight, path in files]
                problems += _missing_package_faces(spec.family, files, where)
    if typography.base not in {f.family for f in declared}:
        problems.append(Problem(located.at("typography", "base"), f"base font '{typography.base}' is not declared in typography.fonts"))
    return tuple(fonts), problems
