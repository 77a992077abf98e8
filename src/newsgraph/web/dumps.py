"""Whole-dataset downloads under ``/dumps/``, streamed straight from the store.

* ``newsgraph.ttl`` / ``newsgraph.nt``: the union of the article graphs — what the SPARQL endpoint's
  default graph holds — for tools that want one graph.
* ``newsgraph.nq``: every graph as it is stored, so each fact keeps the article graph it came from
  (re-ingest and delete work per graph, and provenance lives there).

Duplicates: entities' labels and types are repeated in every article graph that mentions them.
The union is written from a ``CONSTRUCT``, and Oxigraph's ``CONSTRUCT`` drops triples it already
emitted, remembering up to 2^20 of them (then it forgets and starts again, which bounds memory).
So a dump of up to about a million distinct triples has no duplicates, and a bigger one may repeat
a few; that is harmless, since an RDF graph is a set and every parser collapses them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request

from newsgraph.vocab import PREFIXES
from newsgraph.web import get_provider, streamed_response

bp = Blueprint("dumps", __name__, url_prefix="/dumps")

#: File name → (format, media type, what it holds) for every dump offered.
DUMPS: dict[str, tuple[ox.RdfFormat, str, str]] = {
    "newsgraph.ttl": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8",
                      "Turtle: the union of all article graphs"),
    "newsgraph.nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples",
                     "N-Triples: the union of all article graphs, one triple per line"),
    "newsgraph.nq": (ox.RdfFormat.N_QUADS, "application/n-quads",
                     "N-Quads: every statement with the article graph it belongs to"),
}


@bp.route("/<name>")
def dump(name: str) -> Response:
    """Stream one dump, with an ETag that changes whenever the store does."""
    if name not in DUMPS:
        abort(404, f"no dump called {name!r}; there are {', '.join(DUMPS)}")
    fmt, media_type, _ = DUMPS[name]
    store, version = get_provider().snapshot()
    tag = f"{version}-{name.rsplit('.', 1)[-1]}"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "ETag": f'"{tag}"',
        "Cache-Control": "no-cache",  # revalidate with the ETag: the store changes under us
    }
    if request.if_none_match.contains(tag):
        return Response(status=304, headers=headers)
    if request.method == "HEAD":  # the size is not known without writing the dump
        response = Response(status=200, content_type=media_type, headers=headers)
        response.automatically_set_content_length = False
        return response

    def produce(open_output: Callable[[str], Any]) -> None:
        out = open_output(media_type)
        store.dump(out, fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None)

    return streamed_response(produce, headers=headers)
