"""Finding things without SPARQL: ``/search`` and the list pages ``/id/person/`` and its kin.

Why an in-memory index rather than a query per request: a search must match any of an entity's
names (``rdfs:label``, ``skos:prefLabel``/``altLabel``, ``foaf:name``, ``schema:name`` /
``alternateName``) whatever their case and accents ("fidan" finds "Hakan Fidan", "turkiye" finds
"Türkiye"), which SPARQL can only do with a full scan and a regex per request. The entities of a
newsroom's store number in the thousands, so one pass over the store per store version builds a
list of them with their folded names and the number of articles that state them, and every
search, list page and export then costs a scan of that list in Python (milliseconds).

Every list answers in HTML (paged), or as CSV and JSON (all matching rows, for export), chosen by
``?format=`` or ``Accept``; the links go to this server's pages (relative), wherever it runs.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from newsgraph.vocab import PREFIXES, sparql_prologue
from newsgraph.web import get_provider
from newsgraph.web.conneg import negotiate
from newsgraph.web.sparql import local_href

bp = Blueprint("browse", __name__)

#: The kinds a user looks for: (URL segment under /id/, heading, singular, the classes that make one).
KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "person": ("People", "person", ("foaf:Person",)),
    "org": ("Organizations", "organization", ("org:Organization", "org:FormalOrganization",
                                               "org:OrganizationalCollaboration")),
    "post": ("Posts", "post", ("org:Post",)),
    "country": ("Countries", "country", ("ng:Country",)),
}
NAME_PROPERTIES = ("skos:prefLabel", "rdfs:label", "foaf:name", "schema:name", "skos:altLabel",
                   "schema:alternateName")
PAGE_SIZE = 50
OFFERS = ["text/html", "application/json", "text/csv"]
FORMAT_NAMES = {"html": "text/html", "json": "application/json", "csv": "text/csv"}


#: Letters that Unicode does not decompose into a base letter and an accent, as people type them.
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d",
                               "þ": "th", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i"})


def fold(text: str) -> str:
    """Lower case, accents off, punctuation as spaces: ``Türkiye`` → ``turkiye``, ``al-Sisi`` → ``al sisi``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


@dataclass
class Entry:
    iri: str
    kind: str
    label: str
    names: list[str] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)
    articles: int = 0
    # For people: the countries of the organizations they hold posts in (IRIs), and whether any
    # post is reported as current / former.
    countries: list[str] = field(default_factory=list)
    statuses: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)  # role concepts of their posts (ngr:foreign-minister)
    years: set[str] = field(default_factory=set)  # years of the articles that report their posts

    @property
    def href(self) -> str:
        return local_href(self.iri)

    def as_dict(self) -> dict[str, Any]:
        out = {"iri": self.iri, "type": KINDS[self.kind][1], "label": self.label, "names": self.names,
               "articles": self.articles, "page": self.href}
        if self.kind == "person":
            out["countries"] = self.countries
            out["posts"] = sorted(self.statuses)
            out["roles"] = sorted(self.roles)
            out["years"] = sorted(self.years)
        return out


_lock = threading.Lock()


def entries() -> list[Entry]:
    """Every person, organization, post and country of the current snapshot (built once per version)."""
    store, version = get_provider().snapshot()
    cache: dict[str, list[Entry]] = current_app.extensions.setdefault("newsgraph.browse", {})
    with _lock:
        if version in cache:
            return cache[version]
    kind_of = {PREFIXES[c.split(":")[0]] + c.split(":")[1]: kind
               for kind, (_, _, classes) in KINDS.items() for c in classes}
    values = " ".join(f"<{iri}>" for iri in kind_of)
    names = " ".join(NAME_PROPERTIES)
    found: dict[str, Entry] = {}
    rank: dict[str, tuple[int, str]] = {}
    rows = store.raw.query(sparql_prologue() + f"""SELECT ?s ?type ?p ?name WHERE {{
        GRAPH ?g {{ ?s a ?type . VALUES ?type {{ {values} }} OPTIONAL {{ ?s ?p ?name VALUES ?p {{ {names} }} }} }}
    }}""")
    order = [PREFIXES[n.split(":")[0]] + n.split(":")[1] for n in NAME_PROPERTIES]
    for row in rows:  # type: ignore[union-attr]
        iri = row["s"].value
        kind = kind_of[row["type"].value]
        entry = found.get(iri)
        if entry is None:
            entry = found[iri] = Entry(iri=iri, kind=kind, label=iri.rsplit("/", 1)[-1])
        elif KINDS_ORDER.index(kind) < KINDS_ORDER.index(entry.kind):
            entry.kind = kind  # a country that is also an organization lists as a country
        name = row["name"]
        if name is not None and name.value not in entry.names:
            entry.names.append(name.value)
            entry.folded.append(fold(name.value))
            key = (order.index(row["p"].value), name.value)
            if iri not in rank or key < rank[iri]:
                rank[iri], entry.label = key, name.value
    articles = ox.Literal(current_app.config["BASE_URI"] + "graph/article/")
    counts = store.raw.query(sparql_prologue() + f"""SELECT ?s (COUNT(DISTINCT ?g) AS ?n) WHERE {{
        GRAPH ?g {{ ?s a ?type . VALUES ?type {{ {values} }} }} FILTER(STRSTARTS(STR(?g), {articles}))
    }} GROUP BY ?s""")
    for row in counts:  # type: ignore[union-attr]
        if row["s"].value in found:
            found[row["s"].value].articles = int(row["n"].value)
    holdings = store.raw.query(sparql_prologue() + """SELECT DISTINCT ?p ?c ?status ?role ?issued WHERE {
        ?m a ng:PostHolding ; org:member ?p .
        OPTIONAL { ?m ng:status ?status }
        OPTIONAL { ?m org:organization ?o . ?o ng:country ?c }
        OPTIONAL { ?m opengov:post/org:role ?role }
        OPTIONAL { ?m prov:wasDerivedFrom/dcterms:issued ?issued }
    }""", use_default_graph_as_union=True)
    for row in holdings:  # type: ignore[union-attr]
        entry = found.get(row["p"].value)
        if entry is None:
            continue
        if row["c"] is not None and row["c"].value not in entry.countries:
            entry.countries.append(row["c"].value)
        if row["status"] is not None:
            entry.statuses.add(row["status"].value.rsplit("#", 1)[-1].lower())
        if row["role"] is not None:
            entry.roles.add(row["role"].value)
        if row["issued"] is not None and row["issued"].value[:4].isdigit():
            entry.years.add(row["issued"].value[:4])
    result = sorted(found.values(), key=lambda e: (fold(e.label), e.iri))
    with _lock:
        cache.clear()
        cache[version] = result
    return result


KINDS_ORDER = ["country", "person", "post", "org"]


def search(query: str, kind: str | None = None) -> list[Entry]:
    """Entries with a name containing ``query`` (folded), best first: whole name, then a word that
    starts with it, then anywhere; then by how many articles state them."""
    needle = fold(query)
    if not needle:
        return []
    scored = []
    for entry in entries():
        if kind and entry.kind != kind:
            continue
        best = 3
        for name in entry.folded:
            if name == needle:
                best = 0
                break
            if name.startswith(needle) or f" {needle}" in f" {name}":
                best = min(best, 1)
            elif needle in name:
                best = min(best, 2)
        if best < 3:
            scored.append((best, -entry.articles, fold(entry.label), entry))
    return [s[-1] for s in sorted(scored, key=lambda s: s[:3])]


def _format() -> str:
    return negotiate(FORMAT_NAMES, [(m, m) for m in OFFERS], "html, json or csv")


def _page() -> int:
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        abort(400, "page must be a whole number")
    if page < 1:
        abort(400, "page must be 1 or more")
    return page


def _answer(rows: list[Entry], *, title: str, template_args: dict[str, Any], name: str) -> Response:
    media = _format()
    if media == "application/json":
        body = json.dumps({"count": len(rows), "results": [e.as_dict() for e in rows]}, ensure_ascii=False)
        return Response(body, mimetype="application/json", headers={"Vary": "Accept"})
    if media == "text/csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["label", "type", "articles", "iri", "names", "countries", "posts", "roles", "years"])
        for e in rows:
            writer.writerow([e.label, KINDS[e.kind][1], e.articles, e.iri, " | ".join(e.names),
                             " | ".join(e.countries), " | ".join(sorted(e.statuses)), " | ".join(sorted(e.roles)),
                             " | ".join(sorted(e.years))])
        return Response(out.getvalue(), content_type="text/csv; charset=utf-8",
                        headers={"Vary": "Accept", "Content-Disposition": f'inline; filename="{name}.csv"'})
    page = _page()
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    if page > pages:
        abort(404, f"there are {pages} pages of {len(rows)} results; page {page} is past the end")
    shown = rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]

    def page_url(n: int) -> str:
        return url_for(request.endpoint or "browse.search", **{**(request.view_args or {}), **request.args,
                                                               "page": n})

    def export_url(fmt: str) -> str:
        args = {k: v for k, v in request.args.items() if k != "page"}
        return url_for(request.endpoint or "browse.search", **{**(request.view_args or {}), **args, "format": fmt})

    html = render_template("list.html", title=title, rows=shown, total=len(rows), page=page, pages=pages,
                           first=(page - 1) * PAGE_SIZE + 1, page_url=page_url, export_url=export_url,
                           kinds=KINDS, **template_args)
    return Response(html, mimetype="text/html", headers={"Vary": "Accept"})


@bp.route("/search", endpoint="search")
def search_page() -> Response:
    """``/search?q=fidan`` (``&type=person``): people, organizations, posts and countries by any name."""
    query = request.args.get("q", "").strip()
    kind = request.args.get("type") or None
    if kind is not None and kind not in KINDS:
        abort(400, f"unknown type {kind!r}; use one of {', '.join(KINDS)}")
    everything = search(query) if query else []
    facets = {k: sum(1 for e in everything if e.kind == k) for k in KINDS}
    rows = [e for e in everything if kind is None or e.kind == kind]
    return _answer(rows, title=f"Search: {query}" if query else "Search", name="search",
                   template_args={"query": query, "kind": kind, "facets": facets, "searching": True})


@bp.route("/id/")
def kinds_page() -> Response:
    """``/id/``: what there is to browse, with counts."""
    counts = {k: 0 for k in KINDS}
    for e in entries():
        counts[e.kind] += 1
    media = _format()
    if media != "text/html":
        rows = [{"type": KINDS[k][1], "count": n, "list": url_for("browse.kind_list", kind=k)}
                for k, n in counts.items()]
        if media == "application/json":
            return Response(json.dumps(rows), mimetype="application/json", headers={"Vary": "Accept"})
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["type", "count", "list"])
        writer.writerows([r["type"], r["count"], r["list"]] for r in rows)
        return Response(out.getvalue(), content_type="text/csv; charset=utf-8", headers={"Vary": "Accept"})
    html = render_template("kinds.html", counts=counts, kinds=KINDS)
    return Response(html, mimetype="text/html", headers={"Vary": "Accept"})


#: The facets of the people list, in the order the page shows them.
PERSON_FACETS = ("status", "country", "role", "year")


def _facet_values(entry: Entry, facet: str, country_base: str) -> set[str]:
    """The keys ``entry`` has for ``facet`` (``aland``, ``current``, ``foreign-minister``, ``2024``)."""
    if facet == "country":
        return {c[len(country_base):] for c in entry.countries if c.startswith(country_base)}
    if facet == "status":
        return entry.statuses
    if facet == "role":
        return {r.rsplit("/", 1)[-1] for r in entry.roles}
    return entry.years


@bp.route("/id/<any(person, org, post, country):kind>/")
def kind_list(kind: str) -> Response:
    """``/id/person/`` and its kin: every one, by name, with the number of articles that state it.

    People facet by status (``?status=current`` / ``former``: some post reported so), country
    (``?country=turkiye``: of an organization they hold a post in), role type
    (``?role=foreign-minister``: of a post they hold) and year (``?year=2024``: of an article that
    reports a post of theirs). Each facet counts the people the other chosen facets leave, so a
    count is what its link will list.
    """
    everyone = [e for e in entries() if e.kind == kind]
    rows = everyone
    facets: dict[str, list[dict[str, Any]]] = {}
    chosen: dict[str, str] = {}
    if kind == "person":
        base = current_app.config["BASE_URI"] + "id/country/"
        chosen = {f: v for f in PERSON_FACETS if (v := request.args.get(f))}
        if chosen.get("status", "current") not in ("current", "former"):
            abort(400, f"unknown status {chosen['status']!r}; use current or former")
        if not chosen.get("year", "2000").isdigit():
            abort(400, f"year must be a year such as 2024, not {chosen['year']!r}")

        def keeps(e: Entry, skip: str | None = None) -> bool:
            return all(v in _facet_values(e, f, base) for f, v in chosen.items() if f != skip)

        rows = [e for e in everyone if keeps(e)]
        country_label = {e.iri[len(base):]: e.label for e in entries()
                         if e.kind == "country" and e.iri.startswith(base)}
        for facet in PERSON_FACETS:
            tally: dict[str, int] = {}
            for e in everyone:
                if keeps(e, skip=facet):
                    for key in _facet_values(e, facet, base):
                        tally[key] = tally.get(key, 0) + 1
            if facet == "status":
                order = [k for k in ("current", "former") if k in tally]
            elif facet == "year":
                order = sorted(tally, reverse=True)
            else:
                order = sorted(tally, key=lambda k: (-tally[k], k))
            labels = {"country": country_label}.get(facet, {})
            facets[facet] = [{"key": k, "count": tally[k],
                              "label": labels.get(k) or k.replace("-", " ")} for k in order]
    heading = KINDS[kind][0]
    if "role" in chosen:
        heading = f"People with a post as {chosen['role'].replace('-', ' ')}"
    if "country" in chosen:
        heading += " in " + next((f["label"] for f in facets.get("country", []) if f["key"] == chosen["country"]),
                                 chosen["country"])
    if "status" in chosen:
        heading += f" ({chosen['status']} posts)"
    if "year" in chosen:
        heading += f", reported in {chosen['year']}"

    def facet_url(facet: str, key: str | None) -> str:
        args = {f: v for f, v in chosen.items() if f != facet}
        if key is not None:
            args[facet] = key
        return url_for("browse.kind_list", kind=kind, **{f: args[f] for f in PERSON_FACETS if f in args})

    return _answer(rows, title=heading, name=kind, template_args={
        "kind": kind, "query": "", "searching": False, "facets": None, "chosen": chosen,
        "person_facets": facets, "facet_url": facet_url,
        "facet_names": {"status": "Posts", "country": "Country", "role": "Role", "year": "Reported in"}})
