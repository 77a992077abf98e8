"""Test articles for the identity tests: dated JSON files (read as ingest reads them) and made-up ArticleFacts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from newsgraph.facts import Article, ArticleFacts, Entity, Evidence, Kind, PostClaim, slugify


def write_articles(folder: Path, articles: dict[str, tuple[str, str, str]]) -> dict[str, Path]:
    """``{id: (published, title, body)}`` as one ``{id}.json`` each in ``folder``; returns id -> path."""
    out = {}
    for aid, (day, title, body) in articles.items():
        path = folder / f"{aid}.json"
        path.write_text(json.dumps({"id": aid, "title": title, "published": day, "text": f"{title}\n\n{body}"}),
                        encoding="utf-8")
        out[aid] = path
    return out


def facts_naming(aid: str, day: date | None, *people: tuple[str, str | None, str | None]) -> ArticleFacts:
    """An article naming ``people`` as (name, role or None, country or None)."""
    ents: dict[str, Entity] = {}
    posts = []
    for n, (name, role, country) in enumerate(people):
        person = Entity(f"person:{n}", Kind.PERSON, name)
        ents[person.key] = person
        if country:
            ents[f"country:{slugify(country)}"] = Entity(f"country:{slugify(country)}", Kind.COUNTRY, country)
        if role:
            posts.append(PostClaim(person.key, role, Evidence(name, 0, len(name)),
                                   country=f"country:{slugify(country)}" if country else None))
    return ArticleFacts(Article(aid, " ".join(p[0] for p in people), published=day), ents, posts)
