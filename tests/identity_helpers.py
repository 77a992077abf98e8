"""Test articles for the identity tests: dated JSON files (read as ingest reads them) and made-up ArticleFacts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from newsgraph import ingest
from newsgraph.facts import Article, ArticleFacts, Entity, Evidence, Kind, PostClaim, slugify
from newsgraph.link.gazetteer import Gazetteer
from newsgraph.link.identity import IdentityIndex, rewrite
from newsgraph.mapping import article_graph, to_quads
from newsgraph.store import GraphStore

BASE = ingest.DEFAULT_BASE_URI


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


class Archive:
    """resolve -> map -> store -> learn -> backfill -> rewrite, as ``ingest.run`` does, on hand-made
    facts, with the store and identity index the test chose (in memory, or on disk side by side)."""

    def __init__(self, store: GraphStore, index: IdentityIndex, gaz: Gazetteer | None = None) -> None:
        self.store = store
        self.index = index
        self.gaz = gaz

    def add(self, facts: ArticleFacts) -> ArticleFacts:
        self.index.resolve(facts, self.gaz)
        graph = article_graph(BASE, facts.article.id)
        quads = to_quads(facts, BASE)
        self.store.replace_graph(graph, quads)
        self.index.learn(graph, quads)
        for other, renames in self.index.backfill(graph).items():
            rewrite(self.store, self.index, other, renames)
        return facts

    def iri(self, aid: str, n: int = 0) -> str:
        """The person IRI of the ``n``-th person the article names, as the store holds it now."""
        rows = self.store.query(
            "PREFIX schema: <https://schema.org/> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
            f"SELECT ?x WHERE {{ GRAPH <{article_graph(BASE, aid).value}> {{ ?a schema:mentions ?x . "
            "?x a foaf:Person } }")
        found = sorted(r["x"].value for r in rows)  # type: ignore[union-attr, index]
        return found[n] if n < len(found) else ""
