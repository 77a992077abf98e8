"""``newsgraph gazetteer ...``: look at and refresh the offline gazetteer."""

from __future__ import annotations

import time
import urllib.error
from pathlib import Path

import click


def _shipped() -> Path:
    from importlib import resources

    from newsgraph.gazetteer import Gazetteer

    return Path(str(resources.files("newsgraph").joinpath(Gazetteer.DEFAULT_RESOURCE)))


@click.group()
def gazetteer() -> None:
    """The offline gazetteer of countries, places, organizations, positions and office holders."""


@gazetteer.command()
@click.option("--endpoint", default=None, help="SPARQL endpoint (default: the Wikidata Query Service).")
@click.option("--file", "path", type=click.Path(path_type=Path), default=None,
              help="Gazetteer file to refresh (default: the one shipped in the package).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write here instead.")
def refresh(endpoint: str | None, path: Path | None, output: Path | None) -> None:
    """Rebuild persons and positions from Wikidata (P39 position held, P580/P582 dates) and merge in
    notable people and organizations (companies, media, agencies, universities, teams) by sitelinks."""
    from newsgraph import refresh as refresh_mod

    def warn(kind: str, exc: Exception) -> None:
        click.echo(f"warning: notable {kind} not refreshed ({exc}); the file's entries are kept", err=True)

    url = endpoint or refresh_mod.WDQS
    try:
        counts = refresh_mod.refresh(path or _shipped(), endpoint=url, out=output, on_error=warn)
    except urllib.error.HTTPError as exc:
        raise click.ClickException(f"{url} answered HTTP {exc.code} {exc.reason}; the gazetteer is unchanged") from None
    except urllib.error.URLError as exc:  # no network, DNS failure, refused: say what and that nothing changed
        reason = exc.reason.strerror if isinstance(exc.reason, OSError) and exc.reason.strerror else exc.reason
        raise click.ClickException(f"cannot reach {url}: {reason}; refresh needs the network "
                                   f"(the gazetteer is unchanged)") from None
    except TimeoutError:
        raise click.ClickException(f"{url} did not answer in time; the gazetteer is unchanged") from None
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{counts['persons']} persons ({counts['notable persons']} notable), {counts['positions']} positions, "
               f"{counts['notable organizations']} notable organizations, {counts['bytes']:,} bytes "
               f"→ {output or path or _shipped()}")


@gazetteer.command()
def stats() -> None:
    """Entries, bytes on disk and load time of the shipped gazetteer."""
    from newsgraph.gazetteer import Gazetteer, decode

    raw = _shipped().read_bytes()
    t0 = time.perf_counter()
    gaz = Gazetteer(decode(raw))
    gaz.persons_named("x")
    click.echo(f"{len(gaz):,} entries {gaz.stats()}; {len(raw):,} bytes; "
               f"load with person index {(time.perf_counter() - t0) * 1000:.0f} ms")
