"""A stand-in for Wikidata's action API on 127.0.0.1, answering from recorded JSON (tests/data/wikidata).

A real HTTP server (``http.server`` in a thread), so the client's real code path runs: URL, headers,
timeouts, status codes, ``Retry-After``. ``fail_next`` queues status codes to answer before the
recorded answers (429 then success); ``log`` keeps every request's parameters and User-Agent.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "wikidata"


class RecordedWikidata:
    """``with RecordedWikidata() as wd: wd.api`` is the API URL; stopped on exit."""

    def __init__(self, data: Path = DATA) -> None:
        self.data = data
        self.searches: dict[str, str] = json.loads((data / "searches.json").read_text(encoding="utf-8"))
        self.log: list[dict[str, Any]] = []
        self.fail_next: list[tuple[int, str | None]] = []  # (status, Retry-After)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                outer.log.append({**params, "_ua": self.headers.get("User-Agent", "")})
                if outer.fail_next:
                    status, retry = outer.fail_next.pop(0)
                    self.send_response(status)
                    if retry is not None:
                        self.send_header("Retry-After", retry)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    self.wfile.write(b"<html><body>Too many requests</body></html>")
                    return
                body = json.dumps(outer.answer(params), ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.api = f"http://127.0.0.1:{self.server.server_address[1]}/w/api.php"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, params: dict[str, str]) -> dict[str, Any]:
        if params.get("action") == "wbsearchentities":
            fn = self.searches.get(params.get("search", ""))
            if fn is None:
                return {"searchinfo": {"search": params.get("search", "")}, "search": [], "success": 1}
            return json.loads((self.data / fn).read_text(encoding="utf-8"))
        if params.get("action") == "wbgetentities":
            entities = {}
            for qid in params.get("ids", "").split("|"):
                path = self.data / "entities" / f"{qid}.json"
                entities[qid] = json.loads(path.read_text(encoding="utf-8")) if path.exists() \
                    else {"id": qid, "missing": ""}
            return {"entities": entities, "success": 1}
        return {"error": {"code": "badvalue", "info": "Unrecognized value for parameter \"action\"."}}

    def __enter__(self) -> RecordedWikidata:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
