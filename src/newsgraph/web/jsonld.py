"""Compact JSON-LD for resource documents: an ``@context`` with the data model's prefixes.

Why our own writer: pyoxigraph 0.5 writes expanded JSON-LD only (every key a full IRI, every value
an array of objects, no ``@context``; its ``prefixes`` argument is ignored for JSON-LD), which a
JSON-LD processor reads but a person or a plain JSON program cannot use. The documents here are
small (a resource and its neighbourhood), so a direct writer is enough: one node object per
subject in ``@graph``, keys as compact IRIs (``rdfs:label``), ``@type`` for ``rdf:type``, a
single value as itself rather than a one-element array, plain strings as JSON strings, language
and datatype kept (``{"@value": ..., "@type": "xsd:date"}``), IRIs as ``{"@id": ...}``. Every
compact IRI expands through the ``@context`` back to the same triple, so any JSON-LD 1.1
processor (rdflib's included) reads the same graph as from the Turtle.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from typing import Any

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LOCAL = re.compile(r"[A-Za-z_][\w.-]*")


def compact_iri(iri: str, prefixes: dict[str, str]) -> str:
    """``prefix:local`` when a prefix covers ``iri`` with a simple local name, else ``iri``."""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace):]
            if _LOCAL.fullmatch(local) and not local.startswith("//"):
                return f"{prefix}:{local}"
    return iri


def _term(term: Any, prefixes: dict[str, str]) -> Any:
    if isinstance(term, ox.NamedNode):
        return {"@id": compact_iri(term.value, prefixes)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": compact_iri(term.datatype.value, prefixes)}
    raise ValueError(f"cannot write {term!r} in JSON-LD")  # RDF-star triples: not in newsgraph data


def serialize(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """``triples`` as a compact JSON-LD document with ``@context`` and ``@graph``."""
    used: set[str] = set()
    nodes: OrderedDict[str, OrderedDict[str, list[Any]]] = OrderedDict()

    def note(value: str) -> None:
        if ":" in value and not value.startswith(("_:", "http://", "https://")):
            used.add(value.split(":", 1)[0])

    for t in triples:
        subject = _term(t.subject, prefixes)["@id"]
        note(subject)
        node = nodes.setdefault(subject, OrderedDict())
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            value = compact_iri(t.object.value, prefixes)
            note(value)
            node.setdefault("@type", []).append(value)
            continue
        key = compact_iri(t.predicate.value, prefixes)
        note(key)
        value = _term(t.object, prefixes)
        if isinstance(value, dict):
            for inner in value.values():
                note(inner)
        node.setdefault(key, []).append(value)
    graph = []
    for subject, properties in nodes.items():
        node: dict[str, Any] = {"@id": subject}
        for key, values in properties.items():
            node[key] = values[0] if len(values) == 1 else values
        graph.append(node)
    context = {prefix: prefixes[prefix] for prefix in prefixes if prefix in used}
    return json.dumps({"@context": context, "@graph": graph}, ensure_ascii=False, indent=1).encode("utf-8")
