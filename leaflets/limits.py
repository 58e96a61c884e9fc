"""Every limit on untrusted input, in one place (`docs/security.md` explains each).

Content and brand files are untrusted: each reader stops at these sizes and depths with a
`file:line` problem instead of spending unbounded time or memory. The values are generous for
real leaflets (the largest content file is 43 KB, the deepest block nesting 4, the longest
heading 59 characters) and small enough that the slowest reader stays well under a second.
"""
from __future__ import annotations

KIB = 1024
MIB = 1024 * KIB

MAX_MARKDOWN_BYTES = 256 * KIB  # one language file of one leaflet (largest real one: 43 KB)
MAX_YAML_BYTES = 64 * KIB  # leaflet.yaml, brand.yml (largest real one: 3 KB); PyYAML reads ~100 KB/s at worst
MAX_FRONT_MATTER = 16 * KIB  # the YAML between the '---' lines of a language file (real ones: under 1 KB)
MAX_LINE_CHARS = 10_000  # a paragraph longer than this on one line is a pasted blob, not text
MAX_YAML_DEPTH = 16  # nesting of YAML mappings and lists (real files: 4)
MAX_BLOCK_DEPTH = 8  # nesting of `///` blocks (real files: 4)
MAX_BRACKETS = 400  # '[' per language file (real files: 66); Markdown's link search is quadratic in them
MAX_INDENT = 48  # leading spaces (a tab counts 4): twelve levels of nested lists
MAX_QUOTE_DEPTH = 4  # '>' markers at the start of a line: nested quotes (real files: 1); deep ones typeset slowly
SECONDS_PER_FILE = 5.0  # reading and checking one file; real files take under 0.2 s
SECONDS_PER_VARIANT = 10.0  # rendering one variant's HTML; real ones take under 0.2 s
SECONDS_PER_PDF = 120.0  # typesetting, post-processing and verifying one PDF; the longest real one takes ~15 s
SECONDS_PER_DERIVED = 30.0  # deriving and verifying a PDF from another (print from A4); real ones take under 1 s
# No job finished for this long: the ones still out are given up (failed). The per-job deadline
# needs a process's main thread; a Dask worker runs jobs in threads, so this is what bounds them.
STALL_SECONDS = SECONDS_PER_PDF + SECONDS_PER_DERIVED + 60
MAX_URL_CHARS = 1000  # a link (it may become a QR code, which holds at most ~2,300 characters)
MAX_SVG_ELEMENTS = 5_000  # elements an SVG picture draws, <use> copies counted (a detailed chart: ~1,000)
MAX_SVG_DEPTH = 64  # nesting of SVG elements; the typesetter draws them recursively
MAX_HEADING_CHARS = 120  # titles, headings and block titles: longer ones cannot print on one page line
MAX_IMAGE_BYTES = 5 * MIB  # a leaflet picture
MAX_IMAGE_PIXELS = 40_000_000  # decoded size: 40 MP is 160 MB of RGBA; A4 at 300 dpi is 8.7 MP
MAX_LOGO_BYTES = 2 * MIB
MAX_FONT_BYTES = 8 * MIB  # the typesetter's own per-file limit (typeset.MAX_FILE)
MAX_DATA_URL = 512 * KIB  # QR codes are ~10 KiB; anything near this is hostile or a mistake
