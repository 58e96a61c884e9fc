"""leaflets: accessible, print-ready PDF/UA leaflets from Markdown content.

The pipeline (see `pipeline.build`): read → validate → expand → render → typeset → verify → write.
"""
__version__ = "0.1.0"
