"""``newsgraph gazetteer ...``: look at and refresh the offline gazetteer."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import click


def _shipped() -> Path:
    from importlib import resources

    from newsgraph.link.gazetteer import Gazetteer

    return Path(str(resources.files("newsgraph").joinpath(Gazetteer.DEFAULT_RESOURCE)))


#: Seconds an interrupted refresh's kept answers stay good for resuming.
STALE_STATE = 24 * 3600


@click.group()
def gazetteer() -> None:
    """The offline gazetteer of countries, places, organizations, positions and office holders."""


def _readable(exc: Exception, endpoint: str) -> str:
    """One line a user can act on: "cannot reach query.wikidata.org (Name or service not known)",
    not "<urlopen error [Errno -2] ...>"."""
    import urllib.parse

    host = urllib.parse.urlsplit(endpoint).netloc or endpoint
    if isinstance(exc, urllib.error.HTTPError):
        return f"{host} answered HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot reach {host} ({exc.reason})"
    if isinstance(exc, TimeoutError):
        return f"{host} did not answer in time"
    return str(exc)  # a file error or a refused answer: already one readable line


@gazetteer.command()
@click.option("--endpoint", default=None, help="SPARQL endpoint (default: the Wikidata Query Service).")
@click.option("--file", "path", type=click.Path(path_type=Path), default=None,
              help="Gazetteer file to refresh in place (default: read the user's refreshed copy, else the shipped "
              "one, and write the user's copy).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write here instead.")
def refresh(endpoint: str | None, path: Path | None, output: Path | None) -> None:
    """Rebuild persons and positions from Wikidata (P39 position held, P580/P582 dates) and merge in
    notable people and organizations (companies, media, agencies, universities, teams) by sitelinks.

    By default the result goes to $XDG_DATA_HOME/newsgraph/gazetteer.json.gz, which linking then
    prefers; the file shipped in the package is never overwritten."""
    from newsgraph.link import refresh as refresh_mod
    from newsgraph.link.gazetteer import user_gazetteer_path

    endpoint = endpoint or refresh_mod.WDQS
    user = user_gazetteer_path()
    source = path or (user if user.is_file() else _shipped())
    target = output or path or user
    target.parent.mkdir(parents=True, exist_ok=True)

    def warn(kind: str, exc: Exception) -> None:
        click.echo(f"warning: notable {kind} not refreshed ({_readable(exc, endpoint)}); the file's entries are kept",
                   err=True)

    from tqdm import tqdm

    state = refresh_mod.state_dir(endpoint, target)
    if state.is_dir() and time.time() - state.stat().st_mtime > STALE_STATE:
        shutil.rmtree(state, ignore_errors=True)  # answers of a refresh abandoned long ago: ask again
    kept = len(list(state.glob("*.json"))) if state.is_dir() else 0
    if kept:
        click.echo(f"resuming: {kept} answers kept from an interrupted refresh in {state}", err=True)
    bar = tqdm(total=0, unit="page", desc="office holders", file=sys.stderr, disable=None)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        counts = refresh_mod.refresh(source, endpoint=endpoint, out=target, on_error=warn, state=state,
                                     progress=progress)
    except (OSError, ValueError) as exc:
        if isinstance(exc, ValueError):
            raise click.ClickException(str(exc)) from exc
        done = len(list(state.glob("*.json"))) if state.is_dir() else 0
        resume = f"; {done} answers kept: run it again to resume" if done else ""
        raise click.ClickException(f"{_readable(exc, endpoint)}; {target} left as it was{resume}") from exc
    finally:
        bar.close()
    click.echo(f"{counts['persons']} persons ({counts['notable persons']} notable), {counts['positions']} positions, "
               f"{counts['notable organizations']} notable organizations, {counts['bytes']:,} bytes "
               f"→ {target}")


@gazetteer.command()
def stats() -> None:
    """Entries, bytes on disk and load time of the gazetteer linking uses (the user's refreshed copy,
    else the shipped one)."""
    from newsgraph.link.gazetteer import Gazetteer, decode, user_gazetteer_path

    user = user_gazetteer_path()
    path = user if user.is_file() else _shipped()
    click.echo(f"{path}")
    raw = path.read_bytes()
    t0 = time.perf_counter()
    gaz = Gazetteer(decode(raw))
    gaz.persons_named("x")
    click.echo(f"{len(gaz):,} entries {gaz.stats()}; {len(raw):,} bytes; "
               f"load with person index {(time.perf_counter() - t0) * 1000:.0f} ms")
