"""The RDF namespaces of the data model (``ontology/README.md``), as pyoxigraph term factories.

Why a module of its own: the mapper, the web layer and the tests all build the same IRIs, and a
typo in a hand-written IRI is a silent bug (the triple is written, nothing ever matches it). One
table of prefixes, used both to mint terms and to serialize or query, keeps them in step.

    >>> NG.status
    <NamedNode value=https://w3id.org/newsgraph/ns#status>
    >>> NGR["foreign-minister"].value          # local names that are not identifiers
    'https://w3id.org/newsgraph/roles/foreign-minister'
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox


class Namespace:
    """An IRI prefix that mints :class:`pyoxigraph.NamedNode` terms by local name.

    Attribute access (``ORG.member``) reads well for ordinary names; item access
    (``NGR["head-of-state"]``) covers local names that are not Python identifiers.
    """

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getitem__(self, local: str) -> ox.NamedNode:
        return _term(self.iri + local)

    def __getattr__(self, local: str) -> ox.NamedNode:
        """The term, made on first use and then kept as an attribute of the namespace: the mapper
        reads a few dozen terms hundreds of thousands of times, and an ordinary attribute read
        skips this method (and the shared cache) altogether."""
        if local.startswith("__"):  # keep copy/pickle/introspection protocols working
            raise AttributeError(local)
        term = _term(self.iri + local)
        setattr(self, local, term)
        return term

    def __contains__(self, term: object) -> bool:
        """Whether ``term`` (a NamedNode or IRI string) lies in this namespace."""
        value = term.value if isinstance(term, ox.NamedNode) else term
        return isinstance(value, str) and value.startswith(self.iri)

    def local(self, term: ox.NamedNode | str) -> str:
        """The local part of an IRI in this namespace (``ValueError`` if it is not in it)."""
        value = term.value if isinstance(term, ox.NamedNode) else term
        if not value.startswith(self.iri):
            raise ValueError(f"{value} is not in namespace {self.iri}")
        return value[len(self.iri):]

    def __str__(self) -> str:
        return self.iri

    def __repr__(self) -> str:
        return f"Namespace({self.iri!r})"


@lru_cache(maxsize=4096)
def _term(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


#: Every prefix the data model uses, in the order a serializer should print them.
PREFIXES: dict[str, str] = {
    "ng": "https://w3id.org/newsgraph/ns#",
    "ngr": "https://w3id.org/newsgraph/roles/",
    "org": "http://www.w3.org/ns/org#",
    "opengov": "http://www.w3.org/ns/opengov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "time": "http://www.w3.org/2006/time#",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}

NG = Namespace(PREFIXES["ng"])
NGR = Namespace(PREFIXES["ngr"])
ORG = Namespace(PREFIXES["org"])
OPENGOV = Namespace(PREFIXES["opengov"])
FOAF = Namespace(PREFIXES["foaf"])
SCHEMA = Namespace(PREFIXES["schema"])
SEM = Namespace(PREFIXES["sem"])
PROV = Namespace(PREFIXES["prov"])
OA = Namespace(PREFIXES["oa"])
SKOS = Namespace(PREFIXES["skos"])
DCTERMS = Namespace(PREFIXES["dcterms"])
TIME = Namespace(PREFIXES["time"])
WD = Namespace(PREFIXES["wd"])
WDT = Namespace(PREFIXES["wdt"])
XSD = Namespace(PREFIXES["xsd"])
RDF = Namespace(PREFIXES["rdf"])
RDFS = Namespace(PREFIXES["rdfs"])
OWL = Namespace(PREFIXES["owl"])


def sparql_prologue(*names: str) -> str:
    """``PREFIX`` lines for the named prefixes (all of them when none are named).

    Queries built in code start with this so they use the same IRIs as the data.
    """
    chosen = names or tuple(PREFIXES)
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in chosen)
