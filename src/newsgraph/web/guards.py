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

from newsgraph.store import MAX_NESTING, has_keyword, nesting_depth, nesting_error

__all__ = ["MAX_NESTING", "courtesy_refusal", "nesting_depth", "nesting_error"]

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
