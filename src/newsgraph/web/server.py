"""Run the app under waitress, a production WSGI server (pure Python, threaded, no reload magic).

Why waitress and not Flask's development server: it is meant to face real clients, it streams
response iterables chunk by chunk (the dumps and big results depend on that), and it runs the app
and iterates its response in the same worker thread, which pyoxigraph's thread-bound result
iterators need.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from waitress.server import create_server

from newsgraph.web import create_app


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(store_path: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 8080, *,
          config: Mapping[str, Any] | None = None, threads: int = 8) -> None:
    """Serve the store until interrupted; print one line with the URLs once listening.

    Raises :class:`newsgraph.store.StoreError` before listening if there is no store to serve.
    ``port=0`` picks a free port (the printed line says which).
    """
    app = create_app(store_path, config)
    server = create_server(app, host=host, port=port, threads=threads, ident="newsgraph")
    url = _url(host, server.effective_port)  # type: ignore[union-attr]
    print(f"newsgraph serving {url} (SPARQL endpoint {url}sparql)", flush=True)
    try:
        server.run()  # returns on Ctrl-C (waitress catches it and stops its worker threads)
    finally:
        server.close()
