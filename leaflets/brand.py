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
from .errors import Problem, SourceLocation, relative
from .i18n import script_fonts
from .limits import MAX_FONT_BYTES, MAX_LOGO_BYTES
from .model import Brand
from .read import Located, inside, load_yaml_file
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
    located, problems = load_yaml_file(path, shown, root)
    if located is None:
        return None, problems
    try:
        parsed = BrandFile.model_validate(located.data if isinstance(located.data, dict) else {})
    except ValidationError as exc:
        return None, model_problems(exc, located)
    colors, color_problems = _resolve_colors(parsed.color, located)
    logo, logo_problems = _check_logo(parsed.logo, folder, located)
    fonts, font_problems = _resolve_fonts(parsed.typography, folder, located)
    problems = color_problems + logo_problems + font_problems
    if problems:
        return None, problems
    contact = tuple((k, v) for k, v in parsed.leaflets.contact.model_dump().items() if v)
    return Brand(id=folder.name, name=parsed.meta.name, link=parsed.meta.link, logo=logo,
                 logo_alt=parsed.logo.alt if parsed.logo else "", foreground=colors["foreground"],
                 background=colors["background"], primary=colors["primary"], accent_background=colors["light"],
                 font_family=parsed.typography.base, font_files=fonts, contact=contact, footer=parsed.leaflets.footer,
                 folder=folder, where=SourceLocation(shown, 1), default_language=parsed.leaflets.language,
                 paper=parsed.leaflets.paper, disclaimer=tuple(sorted(parsed.leaflets.disclaimer.items()))), []


# ---------------------------------------------------------------- colour and contrast

def _resolve_colors(colors: Colors, located: Located) -> tuple[dict[str, str], list[Problem]]:
    out, problems = {}, []
    for name in ("foreground", "background", "primary", "light"):
        value = getattr(colors, name)
        value = colors.palette.get(value, value)
        if not HEX.match(value):
            problems.append(Problem(located.at("color", name), f"color.{name} '{value}' is not a #rrggbb colour or palette name"))
        else:
            out[name] = _expand(value)
    if problems:
        return out, problems
    # (colour used as text, its background, needed ratio, what it is): WCAG 2.1 1.4.3 / 1.4.11
    pairs = [("foreground", "background", 4.5), ("primary", "background", 4.5),
             ("foreground", "light", 4.5), ("background", "primary", 4.5)]
    for text, back, needed in pairs:
        ratio = contrast(out[text], out[back])
        if ratio < needed:
            problems.append(Problem(located.at("color", text), f"color.{text} {out[text]} on {back} {out[back]} "
                                    f"has contrast {ratio:.1f}:1 (needs {needed}:1)"))
    return out, problems


def _expand(hex_color: str) -> str:
    h = hex_color.lower()
    return "#" + "".join(c * 2 for c in h[1:]) if len(h) == 4 else h


def _luminance(hex_color: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# ---------------------------------------------------------------- files: logo and fonts

def _brand_file(folder: Path, relpath: str, what: str, limit: int) -> tuple[Path | None, str]:
    """A file named in brand.yml: inside the brand folder (links followed), present, not too large."""
    target = folder / relpath
    if re.match(r"^[a-z][a-z0-9+.-]*:", relpath, re.I) or relpath.startswith("/") or not inside(target, folder):
        return None, f"{what} '{relpath}' must be a file inside the brand folder"
    try:
        if not target.is_file():
            return None, f"{what} '{relpath}' not found in {folder.name}/"
        if target.stat().st_size > limit:
            return None, f"{what} '{relpath}' is {target.stat().st_size // 1024} KiB (at most {limit // 1024} KiB)"
        return target.resolve(), ""
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        return None, f"{what} '{relpath[:100]}' cannot be read: {getattr(exc, 'strerror', None) or exc}"


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
        elif spec.source == "package":
            files = font_package_files(spec.family)
            if files is None:
                problems.append(Problem(where, f"font '{spec.family}' is not installed: add 'fontpkg-"
                                        f"{re.sub(r'[^a-z0-9]+', '-', spec.family.lower())}' to pyproject.toml"))
            else:
                fonts += [(spec.family, style, weight, path) for style, weight, path in files]
    if typography.base not in {f.family for f in declared}:
        problems.append(Problem(located.at("typography", "base"), f"base font '{typography.base}' is not declared in typography.fonts"))
    return tuple(fonts), problems
