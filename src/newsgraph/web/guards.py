"""Checks on a query's text before any engine sees it: nesting depth, and friendly refusals.

Why a depth limit: Oxigraph's parser is recursive; a query nested a few thousand brackets deep
overflows its stack and kills the process (measured: 5,000 ``{`` segfault, 2,000 parse). Real
queries nest a handful of levels, so :data:`MAX_NESTING` is far above any of them and far below
the crash; past it the client gets a 400 that says why instead of a dead worker.

The keyword checks here are a courtesy, not the protection: they give the obvious spellings of
``SERVICE`` and ``LOAD`` a clear 403. The guarantee that the engine reaches no host is the worker
sandbox (:mod:`.sandbox`), which also stops the spellings no pattern foresees.
"""

from __future__ import annotations

from newsgraph.store import OPAQUE, has_keyword

#: Deepest nesting of ``{``, ``(`` and ``[`` together that a query or update may have.
MAX_NESTING = 256

_OPENING, _CLOSING = "{([", "})]"


def nesting_depth(text: str) -> int:
    """The deepest nesting of brackets in ``text``, not counting those in strings, IRIs or comments."""
    masked = OPAQUE.sub(" ", text)
    depth = deepest = 0
    for ch in masked:
        if ch in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif ch in _CLOSING and depth > 0:
            depth -= 1
    return deepest


def nesting_error(text: str, what: str) -> str | None:
    """A message for the client if ``text`` nests too deeply, else ``None``."""
    if len(text) < MAX_NESTING:
        return None  # cannot be that deep
    depth = nesting_depth(text)
    if depth <= MAX_NESTING:
        return None
    return (f"The {what} is nested {depth} brackets deep; this endpoint accepts at most {MAX_NESTING} "
            "levels of { }, ( ) and [ ] together. Flatten it.")


SERVICE_REFUSED = ("SERVICE (federated query) is disabled on this endpoint: it would make the server fetch URLs "
                   "for its clients. Start the server with --allow-service to allow it.")
LOAD_REFUSED = ("LOAD is disabled on this endpoint: it would make the server fetch URLs for its clients. "
                "Load files with `newsgraph load`, or start the server with --allow-load.")


def courtesy_refusal(text: str, *, update: bool, allow_service: bool, allow_load: bool) -> str | None:
    """A friendly 403 message for the plain spellings of a network reach that is not allowed."""
    if not allow_service and has_keyword(text, "SERVICE"):
        return SERVICE_REFUSED
    if update and not allow_load and has_keyword(text, "LOAD"):
        return LOAD_REFUSED
    return None
