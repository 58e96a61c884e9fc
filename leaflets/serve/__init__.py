"""Preview server: every variant as HTML in the browser, reloading when a source file changes.

    python build.py serve [--port N]

    /                      index: every leaflet × language × audience × brand × format
    /preview/<variant>     the variant's HTML (the print CSS, plus a paper look on screen)
    /pdf/<variant>         builds that one PDF into output/ (the normal build) and shows it
    /pages/<variant>       the same PDF's pages as pictures, side by side: breaks as printed
    /files/<abs path>      fonts, logos and images the HTML refers to; only project and font-package files
    /events                Server-Sent Events: `change` whenever a watched file changes

<variant> is <leaflet>/<audience>/<language>/<brand>/<format>, as printed by the build.

One module per concern, each calling only those below it:

    server.py   HTTP: sockets, threads, loopback only, sending responses, the event stream
    routes.py   URL → Response; loads the project afresh (caches cleared) for every page
    files.py    the trust boundary of /files/: what may be served, and as what type
    pages.py    the server's pages and the dressed-up print HTML, from leaflets/templates/preview/
    urls.py     file:// and relative URLs in the print HTML → /files/ URLs; variant paths
    watcher.py  watchfiles in a thread: a version count that goes up on every change
"""
from .server import PreviewServer, serve, start

__all__ = ["PreviewServer", "serve", "start"]
