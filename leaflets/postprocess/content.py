"""Page content: a page's content stream, its marked-content sequences with an MCID in content
order, and their text (decoded through each font's ToUnicode CMap).

Closes no gap by itself; every gap is closed by changing only the marked-content operators
found here (`PageContent.rewrite`), so content is never dropped. The text is what gap 5 tells
leaders by and gap 6 describes links with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pikepdf
from pikepdf import Array

from ..verify.cmaps import parse_to_unicode
from .errors import PostprocessError

_MARK = re.compile(rb"/([^\s/<>\[\]()%]+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC(?!\w)|(?<![/\w])(BDC|BMC|EMC)(?!\w)")
_TEXT = re.compile(rb"/([^\s/<>\[\]()%]+)\s+[-+\d.]+\s+Tf(?!\w)|\[([^\]]*)\]\s*TJ(?!\w)|<([0-9A-Fa-f]*)>\s*Tj(?!\w)")
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
_TM = re.compile(rb"[-+\d.]+\s+[-+\d.]+\s+[-+\d.]+\s+[-+\d.]+\s+[-+\d.]+\s+([-+\d.]+)\s+Tm(?!\w)")


@dataclass
class Sequence:
    """One marked-content sequence with an MCID: where its BDC operator is, and its body."""

    tag: bytes
    start: int  # of '/Tag <</MCID n>> BDC'
    end: int
    body_end: int  # where its EMC starts


class PageContent:
    """A page's content stream, its MCID sequences in content order, and their text (lazily)."""

    def __init__(self, index: int, page: pikepdf.Page):
        self.index, self.page = index, page
        contents = page.obj.get("/Contents")
        parts = contents if isinstance(contents, Array) else [contents] if contents is not None else []
        self.data = b"\n".join(part.read_bytes() for part in parts)
        self.sequences: dict[int, Sequence] = {}
        self._fonts: dict[str, tuple[int, dict[int, str]]] = {}
        self._scan()

    def _scan(self) -> None:
        stack: list[Sequence | None] = []
        for match in _MARK.finditer(self.data):
            if match[3] == b"EMC":
                if not stack:
                    raise PostprocessError(f"page {self.index + 1}: EMC without BDC/BMC")
                sequence = stack.pop()
                if sequence is not None:
                    sequence.body_end = match.start()
            elif match[2] is not None:
                mcid = int(match[2])
                if mcid in self.sequences:
                    raise PostprocessError(f"page {self.index + 1}: MCID {mcid} used twice")
                sequence = Sequence(match[1], match.start(), match.end(), -1)
                self.sequences[mcid] = sequence
                stack.append(sequence)
            else:
                stack.append(None)
        if stack:
            raise PostprocessError(f"page {self.index + 1}: unbalanced marked content")

    def text(self, mcid: int) -> str:
        sequence = self.sequences.get(mcid)
        if sequence is None:
            return ""
        out, font = [], (2, {})
        for match in _TEXT.finditer(self.data, sequence.end, sequence.body_end):
            if match[1] is not None:
                font = self._font(match[1].decode("latin-1"))
                continue
            strings = _HEX.findall(match[2]) if match[2] is not None else [match[3]]
            width, cmap = font
            for string in strings:
                codes = bytes.fromhex(string.decode("ascii"))
                out += [cmap.get(int.from_bytes(codes[i:i + width], "big"), "") for i in range(0, len(codes), width)]
        return "".join(out)

    def line(self, mcid: int) -> float | None:
        """The baseline of a sequence's first text (its Tm), to tell where a line ends."""
        sequence = self.sequences.get(mcid)
        match = _TM.search(self.data, sequence.end, sequence.body_end) if sequence else None
        return float(match[1]) if match else None

    def _font(self, name: str) -> tuple[int, dict[int, str]]:
        if name not in self._fonts:
            fonts = self.page.obj.get("/Resources", {}).get("/Font", {})
            font = fonts.get("/" + name)
            self._fonts[name] = _to_unicode(font) if font is not None else (2, {})
        return self._fonts[name]

    def rewrite(self, replacements: dict[int, bytes]) -> bytes:
        """The content with each MCID sequence's opening operator replaced."""
        pieces, last = [], 0
        for mcid, sequence in sorted(self.sequences.items(), key=lambda item: item[1].start):
            pieces += [self.data[last:sequence.start], replacements[mcid]]
            last = sequence.end
        pieces.append(self.data[last:])
        return b"".join(pieces)


def _to_unicode(font: pikepdf.Dictionary) -> tuple[int, dict[int, str]]:
    """(bytes per code, code → text) from a font's ToUnicode CMap, read by the verifier's parser."""
    width = 2 if font.get("/Subtype") == "/Type0" else 1
    if "/ToUnicode" not in font:
        return width, {}
    return width, parse_to_unicode(font.ToUnicode.read_bytes())
