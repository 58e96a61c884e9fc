"""The one exception of the post-process stage.

Closes no gap by itself: every step raises it when the PDF is not laid out the way WeasyPrint 70
writes it, before anything is saved, so a PDF is either post-processed in full or not at all.
"""
from __future__ import annotations


class PostprocessError(ValueError):
    """The PDF is not laid out the way WeasyPrint 70 writes it; nothing was changed."""
