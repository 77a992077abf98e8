"""Linking: Wikidata identifiers for the entities of an article, from the offline gazetteer.

A wrong link is worse than a missing one (it merges two things), so this stage links only on an
exact match of a name or alias the gazetteer knows for one entity of the right kind; anything
else keeps its local IRI and no link.
"""

from __future__ import annotations

from newsgraph.facts import ArticleFacts, Kind
from newsgraph.gazetteer import Gazetteer


def link(facts: ArticleFacts, gaz: Gazetteer | None = None) -> ArticleFacts:
    """Fill ``Entity.wikidata`` where the gazetteer knows the entity; returns ``facts``."""
    gaz = gaz or Gazetteer.load()
    for ent in facts.entities.values():
        if ent.wikidata:
            continue
        found = None
        if ent.kind is Kind.COUNTRY:
            found = gaz.country(ent.name)
        elif ent.kind is Kind.PLACE:
            found = gaz.place(ent.name)
        elif ent.kind is Kind.ORGANIZATION:
            found = gaz.organization(ent.name)
            if found is None:
                found = next((o for a in sorted(ent.aliases) if (o := gaz.organization(a))), None)
        if found is not None and getattr(found, "qid", None):
            ent.wikidata = found.qid
    return facts
