"""`tracks history ...`: ingest global ADS-B history into a dataset and query it (thin: the library does it)."""

from __future__ import annotations

from typing import Any

import click
import pandas as pd

from tracks import wording

_ENGINE = [
    click.option("--jobs", type=int, default=None, help="Local worker processes [default: every core]."),
    click.option("--workers", type=int, default=None,
                 help="Start a local Dask cluster of N worker processes and run there."),
    click.option("--scheduler", default=None, help="Run on a running Dask cluster, e.g. tcp://host:8786."),
]
_SELECT = [
    click.option("--start", default=None, help="First UTC day (YYYY-MM-DD) [default: the first held]."),
    click.option("--end", default=None, help="Last UTC day, inclusive [default: the last held]."),
    click.option("--hex-prefix", multiple=True, help="ICAO address prefix, e.g. ae (US military); repeatable."),
    click.option("--callsign", default=None, help="Callsign regular expression, e.g. '^VCV'."),
    click.option("--db-flags", type=int, default=None, help="readsb database flag bits: 1 military, 2 interesting, 4 PIA, 8 LADD."),
    click.option("--icao24", multiple=True, help="An exact ICAO address; repeatable."),
]


_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def _echo_json(doc: Any) -> None:
    """The CLI's one JSON output (tracks.cli), imported when a command runs: tracks.cli imports this module."""
    from tracks.cli import _echo_json as echo

    echo(doc)


def _options(opts: list[Any]) -> Any:
    def wrap(fn: Any) -> Any:
        for o in reversed(opts):
            fn = o(fn)
        return fn
    return wrap


@click.group()
def history() -> None:
    """Global ADS-B history: a Parquet dataset by UTC day, and region-wide queries on it.

    \b
    Example:
      tracks history ingest v2025.11.29-planes-readsb-prod-0.tar.a? --into history/
      tracks history query history/ --region VE --start 2025-11-15 --end 2025-12-14
      tracks history extract history/ --out picked/ --hex-prefix ae --start 2025-11-29
    """


@history.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("--into", "into", required=True, help="The dataset folder (or fsspec URL); created when new.")
@click.option("--batch-mb", type=float, default=4.0, show_default=True, help="Stored megabytes per work batch.")
@click.option("--progress/--no-progress", default=None, help="Progress bar [default: when on a terminal].")
@_options(_ENGINE)
@_JSON
def ingest(sources: tuple[str, ...], into: str, batch_mb: float, progress: bool | None, jobs: int | None,
           workers: int | None, scheduler: str | None, as_json: bool) -> None:
    """Ingest adsb.lol releases (split tar parts), tar1090 globe_history folders, OpenSky hourly state
    vectors, or folders of any track files. Re-ingesting a day replaces it.

    \b
    Example:
      tracks history ingest releases/v2025.11.29-planes-readsb-prod-0.tar.a? --into history/
    """
    from tracks.history import ingest as run

    report = run(list(sources), into, jobs=jobs, workers=workers, scheduler=scheduler, progress=progress,
                 batch_mb=batch_mb)
    if as_json:
        _echo_json({"dataset": report.dataset, "seconds": round(report.seconds, 3), "days": [
            {"day": d.day, "points": d.rows, "aircraft": d.aircraft, "files": d.members, "inputs": d.inputs,
             "replaced": d.replaced, "bad_members": [{"member": name, "problem": why} for name, why in d.bad_members],
             "rejected_points": d.rejected_points} for d in report.days]})
        return
    click.echo(report.summary())


@history.command()
@click.argument("dataset")
@_JSON
def info(dataset: str, as_json: bool) -> None:
    """The days a dataset holds, with points, aircraft, inputs and rejections.

    \b
    Example:
      tracks history info history/
      tracks history info --json history/
    """
    from tracks.history import Dataset

    ds = Dataset(dataset)
    if as_json:  # the text's fields, with every input file's sha256 and size
        _echo_json({"dataset": ds.url, "days": [
            {"day": m.day, "points": m.rows, "aircraft": m.aircraft_count, "inputs": m.inputs,
             "bad_members": m.bad_members, "rejected_points": m.rejected_points, "ingested_at": m.ingested_at,
             "tracks_version": m.tracks_version} for m in ds.manifests()]})
        return
    for m in ds.manifests():
        bad = f", {len(m.bad_members)} bad member(s)" if m.bad_members else ""
        rej = f", {sum(m.rejected_points.values()):,} point(s) rejected" if m.rejected_points else ""
        click.echo(f"{m.day}: {m.rows:,} points, {m.aircraft_count:,} aircraft, {len(m.inputs)} input file(s)"
                   f"{bad}{rej}; ingested {m.ingested_at} by tracks {m.tracks_version}")
    if not ds.days():
        click.echo("no day yet")


@history.command()
@click.argument("dataset")
@click.option("--region", required=True, help="Region code or name (VE, BR-RR, Venezuela) or one from --regions-file.")
@click.option("--regions-file", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="GeoJSON/KML/Shapefile/GeoPackage with your own regions (an FIR...).")
@click.option("--by", type=click.Choice(["day", "hour"]), default="day", show_default=True)
@click.option("--aircraft", "list_aircraft", is_flag=True, help="List the aircraft inside, per day.")
@click.option("--near-km", type=float, default=300.0, show_default=True,
              help="Coverage: aircraft seen within this distance of the region's box.")
@_JSON
@_options(_SELECT)
@click.option("--workers", type=int, default=None, help="Run on a local Dask cluster of N worker processes.")
@click.option("--scheduler", default=None, help="Run on a running Dask cluster, e.g. tcp://host:8786.")
def query(dataset: str, region: str, regions_file: tuple[str, ...], by: str, list_aircraft: bool, near_km: float,
          as_json: bool, start: str | None, end: str | None, hex_prefix: tuple[str, ...], callsign: str | None,
          db_flags: int | None, icao24: tuple[str, ...], workers: int | None, scheduler: str | None) -> None:
    """Distinct aircraft inside a region per UTC day (or hour), with coverage and the aircraft list.

    \b
    Example:
      tracks history query history/ --region VE --start 2025-11-15 --end 2025-12-14
      tracks history query history/ --region VE --aircraft --db-flags 1 --workers 2
    """
    from tracks.history import region_traffic

    rt = region_traffic(dataset, region, start=start, end=end, hex_prefix=hex_prefix, callsign=callsign,
                        db_flags=db_flags, icao24=icao24, near_km=near_km, region_files=regions_file,
                        workers=workers, scheduler=scheduler)
    table = rt.hourly() if by == "hour" else rt.days
    if list_aircraft:
        table = rt.aircraft
    if as_json:
        import json

        _echo_json({"region": rt.region, "filters": rt.filters.describe(), "near_km": rt.near_km, "engine": rt.engine,
                    "missing_days": rt.missing_days,
                    "rows": json.loads(table.to_json(orient="records", date_format="iso"))})
        return
    click.echo(f"{rt.region}, {rt.filters.describe()}; coverage = aircraft seen within {near_km:g} km of the "
               f"region's box; engine {rt.engine}")
    with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_columns", None):
        click.echo(table.to_string(index=False) if len(table) else "(nothing)")
    if rt.missing_days:
        click.echo(f"days the dataset does not hold (no data, not no traffic): {wording.day_ranges(rt.missing_days)}")


@history.command()
@click.argument("dataset")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the track files.")
@click.option("--to", type=click.Choice(["csv", "parquet", "geojson", "kml"]), default="csv", show_default=True)
@_options(_SELECT)
@_JSON
def extract(dataset: str, out_dir: str, to: str, start: str | None, end: str | None, hex_prefix: tuple[str, ...],
            callsign: str | None, db_flags: int | None, icao24: tuple[str, ...], as_json: bool) -> None:
    """Write the tracks of the selected aircraft, one file each, for `tracks check` and `tracks map`.

    \b
    Example:
      tracks history extract history/ --out picked/ --icao24 0d8373 --start 2025-11-29 --end 2025-11-29
    """
    from tracks.history import extract as run

    paths = run(dataset, out_dir, start=start, end=end, hex_prefix=hex_prefix, callsign=callsign,
                db_flags=db_flags, icao24=icao24, to=to)
    if as_json:
        _echo_json({"dataset": dataset, "format": to, "files": [str(p) for p in paths]})
        return
    for p in paths:
        click.echo(f"wrote {p}")
    if not paths:
        click.echo("no aircraft matched")
