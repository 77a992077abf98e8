"""Content negotiation that reads ``Accept`` as linked-data clients write it.

Why not werkzeug's ``request.accept_mimetypes`` as it is: it keeps media-type parameters in the
value, so ``text/turtle; charset=utf-8`` (sent by Jena, curl scripts, many HTTP libraries) matches
no offer and the client got the default (HTML, or SPARQL JSON). RFC 9110 §12.5.1 matches on the
type and subtype; ``q`` is the only parameter that ranks, and werkzeug already reads it. So
:func:`accept` strips every other parameter (``charset``, ``profile``) before matching, keeping the
highest quality when two entries become the same type.

:func:`choose` adds the other half: ``None`` when the client named types and none of them (nor a
wildcard) fits, so the caller can answer 406 Not Acceptable instead of a representation the client
said it cannot use. A request without ``Accept`` accepts anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import Response, abort, request
from werkzeug.datastructures import MIMEAccept


def accept(header_values: MIMEAccept | None = None) -> MIMEAccept:
    """The request's ``Accept`` (or ``header_values``) with media-type parameters stripped."""
    values = request.accept_mimetypes if header_values is None else header_values
    best: dict[str, float] = {}
    for value, quality in values:
        media = value.split(";", 1)[0].strip().lower()
        if media and quality > best.get(media, -1.0):
            best[media] = quality
    return MIMEAccept(list(best.items()))


def without_wildcard(values: MIMEAccept) -> MIMEAccept:
    """``values`` without ``*/*``: what the client named explicitly."""
    return MIMEAccept([(value, quality) for value, quality in values if value != "*/*"])


def choose(offers: list[str]) -> str | None:
    """The best of ``offers`` for this request; the first offer without ``Accept``; ``None`` if none fits."""
    if not request.headers.get("Accept", "").strip():
        return offers[0] if offers else None
    return accept().best_match(offers)


def not_acceptable_message(offers: list[str]) -> str:
    """What a 406 says: what was asked for and what is available."""
    asked = request.headers.get("Accept", "")
    return f"406 Not Acceptable: none of the types in Accept: {asked!r} is available here; " \
           f"this resource comes as {', '.join(dict.fromkeys(offers))}"


def negotiate(names: Mapping[str, str], offers: Sequence[tuple[str, str]], known: str) -> str:
    """What to answer with: ``names[?format=]`` when given (400 if unknown; ``known`` lists the
    names for the message), else the value of the best of ``offers`` (media type, value) for
    ``Accept``; 406 naming what is available when none fits.

    One function for every resource that comes in several formats, so ``?format=`` and ``Accept``
    mean the same everywhere.
    """
    given = request.args.get("format")
    if given:
        name = names.get(given.lower())
        if name is None:
            abort(400, f"unknown format {given!r}; use {known}")
        return name
    types = [m for m, _ in offers]
    best = choose(types)
    if best is None:  # the client named only types none of which this resource comes as
        abort(Response(not_acceptable_message(types), status=406, mimetype="text/plain",
                       headers={"Vary": "Accept"}))
    return dict(offers)[best]
