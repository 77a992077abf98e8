"""Human pages: ``/`` says what the dataset is and links to everything, ``/query`` runs queries.

Server-rendered templates. The query page is YASGUI (vendored under ``static/yasgui``), which posts
to ``/sparql`` like any client; underneath it is a plain form that submits to ``/sparql`` too, which
answers a browser with an HTML table (see :mod:`.sparql`), so the page works without JavaScript.
The entity pages are in :mod:`.entities`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from newsgraph.vocab import PREFIXES
from newsgraph.web import get_provider
from newsgraph.web.dumps import DUMPS

bp = Blueprint("pages", __name__)

DEFAULT_QUERY = """\
# Articles (named graphs) and how many statements each holds
SELECT ?graph (COUNT(*) AS ?statements)
WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph
ORDER BY DESC(?statements)
LIMIT 20
"""

#: What the query form's format menu offers (value for ``format``, label).
FORMAT_CHOICES = [
    ("html", "HTML table"), ("json", "SPARQL JSON"), ("xml", "SPARQL XML / RDF/XML"), ("csv", "CSV"),
    ("tsv", "TSV"), ("turtle", "Turtle (graphs)"), ("ntriples", "N-Triples (graphs)"),
    ("jsonld", "JSON-LD (graphs)"),
]


@dataclass(frozen=True)
class Example:
    """A named query from the ``sparql/`` folder: ``# title: ...`` then a description comment."""

    name: str
    title: str
    description: str
    text: str


def examples_dir() -> Path:
    """Where the example queries are: the config, else the bundled ``sparql/`` folder."""
    configured = current_app.config.get("SPARQL_EXAMPLES_DIR")
    if configured:
        return Path(configured)
    try:
        from newsgraph.resources import sparql_dir
    except ImportError:  # an older tree without newsgraph.resources
        return Path(__file__).resolve().parents[3] / "sparql"
    try:
        return Path(sparql_dir())
    except FileNotFoundError:
        return Path(__file__).resolve().parents[3] / "sparql"


def load_examples(folder: Path) -> list[Example]:
    """The ``*.rq`` files directly in ``folder``, by file name; none if it is missing.

    Subfolders (``contract/``: the evaluation's queries) are not examples for people.
    """
    if not folder.is_dir():
        return []
    examples = []
    for path in sorted(folder.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        comments = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            comments.append(line.lstrip("#").strip())
        title = path.stem.replace("-", " ")
        if comments and comments[0].lower().startswith("title:"):
            title = comments.pop(0)[len("title:"):].strip() or title
        description = comments[0] if comments else ""
        examples.append(Example(path.stem, title, description, text))
    return examples


def dataset_stats() -> dict[str, int]:
    """Article and statement counts, computed once per store snapshot."""
    store, version = get_provider().snapshot()
    cache: dict[str, dict[str, int]] = current_app.extensions.setdefault("newsgraph.stats", {})
    if version not in cache:
        cache.clear()
        cache[version] = {"articles": sum(1 for _ in store.named_graphs()), "statements": len(store)}
    return cache[version]


@bp.route("/")
def index() -> str:
    return render_template("index.html", stats=dataset_stats(), examples=load_examples(examples_dir()),
                           dumps=DUMPS, base_uri=current_app.config["BASE_URI"],
                           license=current_app.config.get("LICENSE"))


@bp.route("/.well-known/void")
def well_known_void() -> Any:
    """VoID's discovery location points at the description of the dataset."""
    return redirect(url_for("dumps.dump", name="void.ttl"), code=303)


@bp.route("/query")
def query_page() -> Any:
    """The query page: the YASGUI editor with one tab per example query (a plain form without JavaScript),
    prefilled with ``?query=`` or the example named by ``?example=``."""
    examples = load_examples(examples_dir())
    chosen = request.args.get("example")
    example = next((e for e in examples if e.name == chosen), None)
    status = 200
    error = None
    if chosen and example is None:
        status, error = 404, f"There is no example called {chosen!r}."
    query = request.args.get("query") or (example.text if example else None)
    if query is None:
        query = examples[0].text if examples else DEFAULT_QUERY
        example = examples[0] if examples else None
    page_data = {
        "endpoint": url_for("sparql.endpoint", _external=True), "query": query,
        # YASGUI links IRIs to themselves; query.js sends the minted ones to this server instead
        # (``base`` → ``local``), so a result link works wherever the server is reached.
        "base": current_app.config["BASE_URI"], "local": request.script_root + "/",
        "chosen": example.name if example and not request.args.get("query") else None,
        "chosenTitle": example.title if example and not request.args.get("query") else "Query",
        # whether the URL asked for a query (or example), which then opens over the tabs kept from before
        "given": bool(request.args.get("query") or request.args.get("example")),
        "examples": [{"name": e.name, "title": _tab_title(e.title), "text": e.text} for e in examples],
        "prefixes": PREFIXES,
    }
    html = render_template("query.html", query=query, examples=examples, chosen=example, formats=FORMAT_CHOICES,
                           fmt=request.args.get("format", "html"), error=error, page_data=page_data)
    return html, status


def _tab_title(title: str, limit: int = 28) -> str:
    """A tab label: the example's title, cut at a word before ``limit`` characters."""
    title = title.split(":")[0]
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0] + "…"
