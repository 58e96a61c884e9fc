"""Same input, same bytes: embedded TrueType programs lose their build-time timestamp.

HarfBuzz stamps the current time into `head.modified` when it instances a variable font (the
brand fonts Source Sans 3 and Lexend are variable), so two builds of the same leaflet differed
in a few font bytes. The stamp is set to the font's own `head.created`, and the checksums that
cover it are recomputed, so the font stays valid.
"""
from __future__ import annotations

import struct
import zlib

import pikepdf

HEAD_CREATED, HEAD_MODIFIED, HEAD_ADJUSTMENT = 20, 28, 8  # offsets inside the 'head' table


def stable_font_programs(doc: pikepdf.Pdf) -> None:
    seen: set = set()
    for page in doc.pages:
        for font in (page.obj.get("/Resources", {}).get("/Font") or {}).values():
            target = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = target.get("/FontDescriptor")
            stream = descriptor.get("/FontFile2") if descriptor is not None else None
            if stream is None or stream.objgen in seen:
                continue
            seen.add(stream.objgen)
            data = stream.read_bytes()
            fixed = _without_timestamp(data)
            if fixed != data:
                stream.write(zlib.compress(fixed, 9), filter=pikepdf.Name.FlateDecode)


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def _without_timestamp(font: bytes) -> bytes:
    """The font with head.modified = head.created and its checksums recomputed (or unchanged)."""
    try:
        (tables,) = struct.unpack_from(">H", font, 4)
        records = {font[12 + 16 * i:16 + 16 * i]: 12 + 16 * i for i in range(tables)}
        record = records.get(b"head")
        if record is None:
            return font
        _, offset, length = struct.unpack_from(">III", font, record + 4)
        created = font[offset + HEAD_CREATED:offset + HEAD_CREATED + 8]
        if font[offset + HEAD_MODIFIED:offset + HEAD_MODIFIED + 8] == created:
            return font
        out = bytearray(font)
        out[offset + HEAD_MODIFIED:offset + HEAD_MODIFIED + 8] = created
        out[offset + HEAD_ADJUSTMENT:offset + HEAD_ADJUSTMENT + 4] = b"\0\0\0\0"
        struct.pack_into(">I", out, record + 4, _checksum(bytes(out[offset:offset + length])))
        struct.pack_into(">I", out, offset + HEAD_ADJUSTMENT, (0xB1B0AFBA - _checksum(bytes(out))) & 0xFFFFFFFF)
        return bytes(out)
    except struct.error:  # not a TrueType program we understand: leave it exactly as it is
        return font
