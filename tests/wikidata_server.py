"""A stand-in for Wikidata's action API (and its query service, at ``/sparql``) on 127.0.0.1, answering
from recorded JSON (tests/data/wikidata).

A real HTTP server (``http.server`` in a thread), so the client's real code path runs: URL, headers,
timeouts, status codes, ``Retry-After``. ``fail_next`` queues status codes to answer before the
recorded answers (429 then success); ``log`` keeps every request's parameters and User-Agent (and
``_path``). The query service answers from ``sparql/subclasses.json``, a recorded answer to the
linker's subclass query, keeping the rows of the classes the query names (as the service would).
"""

from __future__ import annotations

import json
import re
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
        self.sparql_fail: list[int] = []  # statuses the query service answers before its recorded answer
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query))
                outer.log.append({**params, "_ua": self.headers.get("User-Agent", ""), "_path": url.path})
                if url.path == "/sparql" and outer.sparql_fail:
                    self.send_response(outer.sparql_fail.pop(0))
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"java.util.concurrent.TimeoutException")
                    return
                if outer.fail_next:
                    status, retry = outer.fail_next.pop(0)
                    self.send_response(status)
                    if retry is not None:
                        self.send_header("Retry-After", retry)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    self.wfile.write(b"<html><body>Too many requests</body></html>")
                    return
                answer = outer.sparql_answer(params) if url.path == "/sparql" else outer.answer(params)
                body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                kind = "application/sparql-results+json" if url.path == "/sparql" else "application/json"
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.api = f"http://127.0.0.1:{self.server.server_address[1]}/w/api.php"
        self.sparql = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
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

    def sparql_answer(self, params: dict[str, str]) -> dict[str, Any]:
        """The recorded subclass answer, cut to the classes in the query's ``VALUES ?class`` block."""
        recorded = json.loads((self.data / "sparql" / "subclasses.json").read_text(encoding="utf-8"))
        block = re.search(r"VALUES \?class \{([^}]*)\}", params.get("query", ""))
        asked = {f"http://www.wikidata.org/entity/{q}" for q in re.findall(r"wd:(Q\d+)", block.group(1))} \
            if block else set()
        rows = [r for r in recorded["results"]["bindings"] if r["class"]["value"] in asked]
        return {"head": recorded["head"], "results": {"bindings": rows}}

    def __enter__(self) -> RecordedWikidata:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
