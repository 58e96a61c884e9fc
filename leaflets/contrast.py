"""WCAG 2.1 contrast for brand colours: the ratio, the pairs a leaflet prints, and the nearest
shade of a failing colour that passes, so an error can say what to write instead."""
from __future__ import annotations

from dataclasses import dataclass

TEXT_CONTRAST = 4.5  # WCAG 2.1 1.4.3 (AA) for body-size text


@dataclass(frozen=True)
class Pair:
    """Two colour roles printed one on the other; `blamed` is the one to change when they fail."""

    blamed: str
    partner: str
    use: str  # where the pair is printed, for the message


# Contrast is symmetric, so each printed combination is one pair, blamed on the role that is not
# the page background (brands rarely change white paper).
PAIRS = (
    Pair("foreground", "background", "body text on the page"),
    Pair("primary", "background", "headings and links on the page, and page text on the colour band"),
    Pair("light", "foreground", "body text on callouts and the title block"),
    Pair("light", "primary", "callout titles and the brand name on callouts and the title block"),
)


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _luminance(hex_color: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def nearest_passing(color: str, partners: list[str], needed: float = TEXT_CONTRAST) -> str | None:
    """The shade of `color` closest to it (mixed with black or with white, in 1 % steps) that
    has at least `needed` contrast with every partner; None if no shade does."""
    for step in range(1, 101):
        for toward in ("#000000", "#ffffff"):
            shade = _mix(color, toward, step / 100)
            if all(contrast(shade, p) >= needed for p in partners):
                return shade
    return None


def _mix(a: str, b: str, amount: float) -> str:
    channels = (round(int(a[i:i + 2], 16) * (1 - amount) + int(b[i:i + 2], 16) * amount) for i in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in channels)
