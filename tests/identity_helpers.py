"""Dated test articles written as JSON files, for the identity tests (which read articles as ingest does)."""

from __future__ import annotations

import json
from pathlib import Path


def write_articles(folder: Path, articles: dict[str, tuple[str, str, str]]) -> dict[str, Path]:
    """``{id: (published, title, body)}`` as one ``{id}.json`` each in ``folder``; returns id -> path."""
    out = {}
    for aid, (day, title, body) in articles.items():
        path = folder / f"{aid}.json"
        path.write_text(json.dumps({"id": aid, "title": title, "published": day, "text": f"{title}\n\n{body}"}),
                        encoding="utf-8")
        out[aid] = path
    return out
