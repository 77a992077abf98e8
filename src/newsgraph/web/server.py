"""Run the app under waitress, a production WSGI server (pure Python, threaded, no reload magic).

Why waitress and not Flask's development server: it is meant to face real clients, it streams
response iterables chunk by chunk (the dumps and big results depend on that), and it runs the app
and iterates its response in the same worker thread, which pyoxigraph's thread-bound result
iterators need (the pages and dumps read the store in the request thread).

Why threads rather than gunicorn's processes: the heavy work, SPARQL evaluation, already runs in
the app's pool of query processes (:mod:`.workers`), which can be killed on timeout; the request
threads mostly wait on those, on the client, or on the store (pyoxigraph releases the GIL while
it queries and serializes). One server process also means one store snapshot to keep current and
one place that serializes updates.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Mapping
from typing import Any

from waitress.server import create_server

from newsgraph.web import create_app, get_pool, get_provider, shutdown


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _exit_on_sigterm(_signum: int, _frame: Any) -> None:
    raise SystemExit(0)  # waitress stops its loop on SystemExit, and our finally clauses run


def serve(store_path: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 8080, *,
          config: Mapping[str, Any] | None = None, threads: int = 8) -> None:
    """Serve the store until interrupted; print one line with the URLs once listening.

    Raises :class:`newsgraph.store.StoreError` before listening if there is no store to serve.
    ``port=0`` picks a free port (the printed line says which).
    """
    app = create_app(store_path, config)
    with app.app_context():  # start one query worker now, so the first query does not wait for it
        get_pool().warm(get_provider().snapshot()[1])
    server = create_server(app, host=host, port=port, threads=threads, ident="newsgraph",
                           channel_timeout=300)
    url = _url(host, server.effective_port)  # type: ignore[union-attr]
    with contextlib.suppress(ValueError):  # ValueError: not the main thread (embedded use)
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    print(f"newsgraph serving {url} (SPARQL endpoint {url}sparql)", flush=True)
    if app.config.get("ALLOW_ANONYMOUS_UPDATE") and host not in ("127.0.0.1", "::1", "localhost"):
        print(f"newsgraph: warning: anyone who can reach {url} can change the data (anonymous updates)",
              file=sys.stderr, flush=True)
    try:
        server.run()  # returns on Ctrl-C or SIGTERM (waitress stops its worker threads)
    finally:
        server.close()
        shutdown(app)
