"""Where the bundled ontology files and SPARQL queries live, installed or not.

Why this exists: ``ontology/`` and ``sparql/`` sit at the top of the repository (they are read by
people and tools that never import Python), while an installed wheel carries them inside the
package as ``newsgraph/ontology`` and ``newsgraph/sparql`` (``force-include`` in pyproject.toml).
Code that needs them asks here instead of guessing relative paths.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def _find(name: str) -> Path:
    """The ``name`` directory: inside the package (wheel) first, else at the checkout root."""
    candidates = (_PACKAGE_DIR / name, _PACKAGE_DIR.parents[1] / name)
    for path in candidates:
        if path.is_dir():
            return path
    tried = ", ".join(str(p) for p in candidates)
    raise FileNotFoundError(f"newsgraph's {name}/ directory is missing (looked in {tried})")


def ontology_dir() -> Path:
    return _find("ontology")


def ontology_path(name: str) -> Path:
    """A file under ``ontology/``, e.g. ``ontology_path("roles.ttl")``; it must exist."""
    path = ontology_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"no ontology file {name!r} in {ontology_dir()}")
    return path


def sparql_dir() -> Path:
    """The ``sparql/`` directory: example queries, and the contract queries in ``contract/``."""
    return _find("sparql")
