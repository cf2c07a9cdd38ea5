"""The `tracks` command line. Thin: parses arguments, calls the library, prints.

Exit codes: 0 done (whatever the verdicts), 1 bad input (file, case, region), 2 bad usage (options),
3 internal error (a bug: run again with --debug and report it), 4 download failed.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from tracks import __version__
from tracks.errors import FetchError, FetchRequestError, TracksError

EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL, EXIT_FETCH = 1, 2, 3, 4
STATUS_COLOURS = {"supported": "green", "contradicted": "red", "not_verifiable": "yellow"}
DEMO_CASE = "venezuela-2025-11"
#: Aircraft described in full by `tracks info` (gaps, legs); the others get one line each in --json.
INFO_AIRCRAFT = 50


class _Cli(click.Group):
    """Turns library errors into one clear line on stderr instead of a traceback (unless --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # `tracks info ... | head`: the reader has seen enough; not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as e:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            _fail(e)


def _fail(e: BaseException) -> NoReturn:
    if isinstance(e, FetchRequestError):  # a fetch asked for something invalid: bad input, nothing downloaded
        click.secho(f"error: {e}", fg="red", err=True)
        sys.exit(EXIT_INPUT)
    if isinstance(e, FetchError):
        click.secho(f"error: {e}", fg="red", err=True)
        sys.exit(EXIT_FETCH)
    if isinstance(e, (TracksError, FileNotFoundError, PermissionError, IsADirectoryError)):
        click.secho(f"error: {e}", fg="red", err=True)
        sys.exit(EXIT_INPUT)
    click.secho(f"internal error: {type(e).__name__}: {e}", fg="red", err=True)
    click.echo("This is a bug in tracks. Run the same command with --debug and report the traceback.", err=True)
    sys.exit(EXIT_INTERNAL)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tracks")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.option("--max-unpacked", default=None, metavar="SIZE",
              help="Largest size compressed data may expand to (gzip, KMZ, zip), e.g. 8G [default: 2G; "
                   "env TRACKS_MAX_UNPACKED].")
@click.option("--max-unpack-ratio", default=None, type=float, metavar="N",
              help="Largest expansion ratio past 64 MiB [default: 100; env TRACKS_MAX_UNPACK_RATIO].")
@click.pass_context
def cli(ctx: click.Context, debug: bool, max_unpacked: str | None, max_unpack_ratio: float | None) -> None:
    """Cross-check claims about flights against public ADS-B tracks and borders.

    \b
    Start here:
      tracks demo                       run the bundled Caracas-Roraima case
      tracks info trace_full_0d8373.json
      tracks check case.yaml --out out/
    Exit codes: 0 done, 1 bad input, 2 bad usage, 3 internal error, 4 download failed.
    """
    ctx.obj = {"debug": debug}
    from tracks import unpack

    if max_unpacked is not None:  # the limits are read from the environment wherever data is inflated
        try:
            unpack.parse_size(max_unpacked)
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="--max-unpacked") from None
        os.environ[unpack.MAX_UNPACKED_ENV] = max_unpacked
    if max_unpack_ratio is not None:
        if not 0 < max_unpack_ratio < float("inf"):
            raise click.BadParameter("expected a positive number", param_hint="--max-unpack-ratio")
        os.environ[unpack.MAX_RATIO_ENV] = repr(max_unpack_ratio)


# -- demo / check ------------------------------------------------------------------------------------------
@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help=f"Output folder [default: out/{DEMO_CASE}].")
@click.option("--json", "as_json", is_flag=True, help="Print report.json on stdout instead of the verdict table.")
def demo(out_dir: str | None, as_json: bool) -> None:
    """Run the bundled Caracas-Roraima case: writes map.html, report.md and report.json.

    \b
    Example:
      tracks demo && xdg-open out/venezuela-2025-11/map.html
    """
    from tracks.paths import data_dir

    case = data_dir() / "cases" / DEMO_CASE / "case.yaml"
    _run_check(case, Path(out_dir or Path("out") / DEMO_CASE), tiles=False, as_json=as_json)


@cli.command()
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="out", show_default=True,
              help="Folder for report.json, report.md and map.html.")
@click.option("--tiles", is_flag=True, help="Use online map tiles (the map then needs the internet).")
@click.option("--allow-drafts", is_flag=True,
              help="Check claims still marked `draft: true` (from `tracks draft`); the report marks them unreviewed.")
@click.option("--png", is_flag=True, help="Also write map.png, a static map picture (report.md shows it).")
@click.option("--allow-outside", is_flag=True,
              help="Let the case read track/region files outside its folder (absolute paths, '..', symbolic "
                   "links); the report marks them.")
@click.option("--json", "as_json", is_flag=True, help="Print report.json on stdout instead of the verdict table.")
def check(case_file: str, out_dir: str, tiles: bool, allow_drafts: bool, png: bool, allow_outside: bool,
          as_json: bool) -> None:
    """Check every claim of a case file against its tracks.

    Exits 0 whatever the verdicts; non-zero only on errors (a claim still marked `draft: true` is an error
    unless --allow-drafts).

    \b
    Example:
      tracks check data/cases/venezuela-2025-11/case.yaml --out out/ve
    """
    _run_check(Path(case_file), Path(out_dir), tiles=tiles, allow_drafts=allow_drafts, png=png,
               allow_outside=allow_outside, as_json=as_json)


def _run_check(case_file: Path, out_dir: Path, *, tiles: bool, allow_drafts: bool = False, png: bool = False,
               allow_outside: bool = False, as_json: bool = False) -> None:
    from tracks.claims.engine import check as run_check
    from tracks.render.report import report_json, write_outputs

    result = run_check(case_file, allow_drafts=allow_drafts, allow_outside=allow_outside)
    paths = write_outputs(result, out_dir, tiles=tiles, png=png)
    if as_json:  # stdout is the document alone; where the files went is said on stderr
        click.echo(report_json(result), nl=False)
        for p in paths:
            click.echo(f"wrote {p}", err=True)
        return
    _print_verdicts(result)
    for p in paths:
        click.echo(f"wrote {p}")
    for p in paths:
        if Path(p).name == "map.html":
            click.secho(f"open the map: {Path(p).resolve().as_uri()}", bold=True)


def _print_verdicts(result: Any) -> None:
    if result.track.illustrative:
        click.secho("ILLUSTRATIVE TRACK: synthetic data built from reported facts, not a recording.",
                    fg="magenta", bold=True)
    click.secho(result.case.title, bold=True)
    width = max((len(v.claim_id) for v in result.verdicts), default=5)
    drafts = {c.id for c in result.case.claims if c.draft}
    for v in result.verdicts:
        badge = click.style(f"{v.label:<15}", fg=STATUS_COLOURS.get(v.status, "white"), bold=True)
        mark = click.style("DRAFT ", fg="magenta", bold=True) if v.claim_id in drafts else ""
        click.echo(f"  {v.claim_id:<{width}}  {badge} {mark}{v.sentence}")
    notes = [n for n in result.notes if "ILLUSTRATIVE" not in n.upper()]
    if notes:
        click.secho("Notes on the data:", bold=True)
        for note in notes:
            click.echo(f"  - {note}")


@cli.command()
@click.argument("article", type=click.Path(dir_okay=False))
@click.option("--published", default=None, metavar="DATE",
              help="Publication date, YYYY-MM-DD: 'last week', 'on Sunday' are resolved from it [default: the "
                   "page's date].")
@click.option("--aircraft", default="", metavar="HEX|REG", help="ICAO address or registration of the aircraft.")
@click.option("--language", type=click.Choice(["en", "es", "pt"]), default=None,
              help="The article's language [default: detected].")
@click.option("--tracks", "track_files", multiple=True, metavar="FILE",
              help="Track file for the case's tracks: entry (repeatable) [default: a placeholder to fill in].")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Case file to write [default: print it].")
def draft(article: str, published: str | None, aircraft: str, language: str | None, track_files: tuple[str, ...],
          output: str | None) -> None:
    """Draft a case file from a news article (text, Markdown or saved HTML; English, Spanish, Portuguese).

    Every claim quotes its sentence with its position, names the test its words call for and what to
    review, and is marked `draft: true`: `tracks check` refuses it until reviewed (or --allow-drafts).

    \b
    Example:
      tracks draft article.txt --published 2025-12-01 --tracks trace_full_0d8373.json -o case.yaml
    """
    from tracks.drafting import draft_file

    if output and Path(output).resolve() == Path(article).resolve():
        raise click.UsageError("the output would overwrite the article; give another -o file")
    result = draft_file(article, output=output, tracks=list(track_files), published=published, aircraft=aircraft,
                        language=language)
    if output:
        result.write(output)
        click.echo(f"wrote {output}: {len(result.claims)} draft claim(s), {len(result.unmapped)} statement(s) kept "
                   f"as comments; review each claim, then delete its `draft: true` line", err=True)
    else:
        click.echo(result.yaml, nl=False)


# -- info / map / export --------------------------------------------------------------------------------------
@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", default=None, help="Force a format (see `tracks formats`).")
@click.option("--tz", default=None, help="Time zone of SBS/BaseStation files written in local time.")
@click.option("--aircraft-db", "aircraft_db", default=None, type=click.Path(dir_okay=False),
              help="Aircraft database (tar1090-db aircraft.csv.gz, basic-ac-db.json.gz, OpenSky CSV) for registration, "
                   "type, operator and flags [default: $TRACKS_AIRCRAFT_DB].")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of text.")
def info(files: tuple[str, ...], fmt: str | None, tz: str | None, aircraft_db: str | None, as_json: bool) -> None:
    """Describe track files: format, aircraft (state of registry, type, operator, flags), time span, points,
    gaps, legs with airports, emergency squawks.

    \b
    Example:
      tracks info trace_full_0d8373.json
      tracks info 'history/2025/11/29/traces/**/*.json'
      tracks info --json --aircraft-db aircraft.csv.gz trace_full_0d8373.json
    """
    import tracks
    from tracks.summary import summarize
    from tracks.track import Track

    if aircraft_db:
        from tracks.aircraft import use

        use(aircraft_db)
    options = {"tz": tz} if tz else {}
    table = tracks.load(list(files), format=fmt, **options)
    aircraft = ([table] if isinstance(table, Track) else list(table)) if len(table) else []
    if as_json:  # like the text: the first INFO_AIRCRAFT in full, the others in one line each
        from tracks.summary import brief_records

        rest = brief_records(table.data[table.data["icao24"].isin([t.icao24 for t in aircraft[INFO_AIRCRAFT:]])],
                             table.sources)
        _echo_json({"tool": {"name": "tracks", "version": tracks.__version__},
                    "sources": [s.to_dict() for s in table.sources], "points": len(table),
                    "aircraft": [summarize(t).to_dict() for t in aircraft[:INFO_AIRCRAFT]],
                    "more_aircraft": rest})
        if not len(table):
            _warn_no_positions(table)
        return
    for s in table.sources:
        click.echo(f"{s.path}\n  format {s.format}, sha256 {s.sha256}, {s.size:,} bytes")
        click.echo(f"  records read {s.records_read:,}, kept {s.records_kept:,}, rejected {s.records_rejected:,}")
        for reason, n in s.rejected_reasons.items():
            click.echo(f"    rejected {n:,}: {reason}")
        if s.illustrative:
            click.secho(f"  ILLUSTRATIVE: {s.note}", fg="magenta")
    if not len(table):
        _warn_no_positions(table)
        return
    click.echo(f"{len(aircraft)} aircraft, {len(table):,} points")
    for t in aircraft[:INFO_AIRCRAFT]:
        _describe_track(t)
    if len(aircraft) > INFO_AIRCRAFT:
        click.echo(f"... and {len(aircraft) - INFO_AIRCRAFT} more aircraft (--json lists them)")


def _echo_json(doc: Any) -> None:
    """Print `doc` as JSON (UTF-8, indented, keys in the order built)."""
    import json

    click.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))


def _warn_no_positions(table: Any) -> None:
    """Say loudly that the files hold no position at all (and why), instead of an empty summary or map."""
    read = sum(s.records_read for s in table.sources)
    reasons: dict[str, int] = {}
    for s in table.sources:
        for reason, n in s.rejected_reasons.items():
            reasons[reason] = reasons.get(reason, 0) + n
    why = "; ".join(f"{n:,} {reason}" for reason, n in reasons.items())
    click.secho(f"warning: no positions in these files ({read:,} records read" + (f", rejected: {why}" if why else "")
                + ")", fg="yellow", err=True)


def _describe_track(t: Any) -> None:
    from tracks.aircraft import flag_labels, shown_address
    from tracks.summary import summarize
    from tracks.wording import duration

    s = summarize(t)
    ident = s.identity
    click.secho(f"{shown_address(s.icao24)} {s.callsign or '-'} {s.registration or '-'}", bold=True)
    click.echo(f"  aircraft: {ident.sentence()}")
    for label in flag_labels(ident.flags):
        click.secho(f"  FLAG {label}", fg="magenta")
    for line in ident.source_lines():
        click.echo(f"  from {line}")
    for note in ident.notes:
        click.echo(f"  note: {note}")
    for e in s.emergencies.to_dict("records"):
        click.secho(f"  EMERGENCY SQUAWK {e['squawk']} ({e['meaning']}): {e['start_time']:%Y-%m-%d %H:%M:%SZ} -> "
                    f"{e['end_time']:%H:%M:%SZ}, {e['samples']:,} samples", fg="red", bold=True)
    click.echo(f"  {s.start:%Y-%m-%d %H:%M:%SZ} -> {s.stop:%Y-%m-%d %H:%M:%SZ}, {s.points:,} points")
    click.echo("  sources: " + ", ".join(f"{k} {v:,}" for k, v in s.position_sources.items()))
    click.echo(f"  coverage gaps: {len(s.gaps)}" + (f" ({s.gaps.summary()}), longest {duration(s.longest_gap_s)}"
                                                    if len(s.gaps) else ""))
    for leg in s.legs:
        click.echo(f"  leg: {leg.takeoff.sentence} / {leg.landing.sentence}")


@cli.command(name="map")
@click.argument("files", nargs=-1, required=True)
@click.option("--regions", "region_codes", default="", help="Comma-separated region codes to draw, e.g. VE,BR-RR.")
@click.option("-o", "--output", default="map.html", show_default=True, type=click.Path(dir_okay=False))
@click.option("--tiles", is_flag=True, help="Use online map tiles (the map then needs the internet).")
@click.option("--format", "fmt", default=None, help="Force a format.")
@click.option("--tz", default=None, help="Time zone of SBS/BaseStation files written in local time.")
@click.option("--png", is_flag=True, help="Also write a static map picture next to the HTML (same name, .png).")
@click.option("--max-position-age", "max_age", type=click.FloatRange(min=0), default=300.0, show_default=True,
              help="Seconds: positions of an aircraft.json snapshot older than this before its time (readsb "
                   "lastPosition) are left off the map and counted in its notes.")
def map_command(files: tuple[str, ...], region_codes: str, output: str, tiles: bool, fmt: str | None,
                tz: str | None, png: bool, max_age: float) -> None:
    """Draw tracks (and regions) on a self-contained HTML map.

    \b
    Example:
      tracks map trace_full_0d8373.json --regions VE,BR-RR -o map.html --png
    """
    import tracks
    from tracks.geo.regions import get_region
    from tracks.render.map import save_map

    table = tracks.load(list(files), format=fmt, **({"tz": tz} if tz else {}))
    if not len(table):
        _warn_no_positions(table)
    regions = tuple(get_region(c.strip()) for c in region_codes.split(",") if c.strip())
    png_path = Path(output).with_suffix(".png") if png else None
    for p in save_map(table, output, png_path=png_path, regions=regions, tiles=tiles, max_position_age_s=max_age,
                      progress=sys.stderr.isatty()):
        click.echo(f"wrote {p}")


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--to", "to", type=click.Choice(["kml", "geojson", "csv", "parquet"]), required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", default=None, help="Force the input format.")
@click.option("--tz", default=None, help="Time zone of SBS/BaseStation files written in local time.")
def export(files: tuple[str, ...], to: str, output: str, fmt: str | None, tz: str | None) -> None:
    """Convert tracks to KML (replayable in Google Earth), GeoJSON, CSV or Parquet.

    \b
    Example:
      tracks export trace_full_0d8373.json --to kml -o flight.kml
    """
    import tracks
    from tracks.export import export as do_export

    table = tracks.load(list(files), format=fmt, **({"tz": tz} if tz else {}))
    if not len(table):
        _warn_no_positions(table)
    do_export(table, output, to=to)
    click.echo(f"wrote {output}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of text.")
def formats(as_json: bool) -> None:
    """List the file formats `tracks` reads."""
    from tracks.formats import all_formats

    if as_json:
        _echo_json([{"name": f.name, "description": f.description} for f in all_formats()])
        return
    for f in all_formats():
        click.echo(f"{f.name:<22} {f.description}")


# -- regions ------------------------------------------------------------------------------------------------
@cli.group()
def regions() -> None:
    """Bundled and downloaded borders: list, show, download."""


@regions.command(name="list")
@click.option("--kind", default=None, help="Only this kind (country, state).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of text.")
def regions_list(kind: str | None, as_json: bool) -> None:
    """List region codes and names.

    \b
    Example:
      tracks regions list --kind state
    """
    from tracks.geo.regions import list_regions

    chosen = [r for r in sorted(list_regions(), key=lambda r: (r.kind, r.code)) if not kind or r.kind == kind]
    if as_json:
        _echo_json([{"code": r.code, "kind": r.kind, "name": r.name} for r in chosen])
        return
    for r in chosen:
        click.echo(f"{r.code:<8} {r.kind:<8} {r.name}")


@regions.command(name="show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def regions_show(code: str, as_json: bool) -> None:
    """Show one region: name, source, tolerance, bounds.

    \b
    Example:
      tracks regions show BR-RR
    """
    from tracks.geo.regions import get_region

    r = get_region(code)
    w, s, e, n = r.geometry.bounds
    if as_json:
        _echo_json({"code": r.code, "name": r.name, "kind": r.kind, "source": r.source,
                    "tolerance_km": r.tolerance_km, "bounds": {"west": w, "south": s, "east": e, "north": n}})
        return
    click.echo(f"{r.code}  {r.name}\n  kind {r.kind}\n  source {r.source}\n  tolerance {r.tolerance_km} km")
    click.echo(f"  bounds lon {w:.3f}..{e:.3f}, lat {s:.3f}..{n:.3f}")


@regions.command(name="download")
@click.option("--cache-dir", default=None, type=click.Path(file_okay=False), help="Where to keep the files.")
@click.option("--base-url", default=None, help="Mirror of the Natural Earth files.")
def regions_download(cache_dir: str | None, base_url: str | None) -> None:
    """Download full Natural Earth 10m countries and states (all states worldwide).

    \b
    Example:
      tracks regions download
    """
    from tracks.geo.regions import download_natural_earth

    kwargs: dict[str, Any] = {"cache_dir": cache_dir}
    if base_url:
        kwargs["base_url"] = base_url
    for p in download_natural_earth(**kwargs):
        click.echo(f"saved {p}")


# -- fetch / archive -----------------------------------------------------------------------------------------
@cli.command()
@click.option("--source", required=True,
              help="adsbx, adsblol-history, tar1090, adsblol, airplaneslive, adsbfi, opensky, aircraft-db.")
@click.option("--hex", "hex_", default=None, help="ICAO 24-bit address, e.g. 0d8373.")
@click.option("--registration", default=None, help="Registration, e.g. YV2984 (resolved with the aircraft DB).")
@click.option("--callsign", default=None, help="Callsign (live APIs only).")
@click.option("--date", default=None, help="UTC day YYYY-MM-DD or a range 2025-11-28..2025-11-29 (history sources).")
@click.option("--point", default=None, help="LAT,LON for a live search around a point.")
@click.option("--radius-km", type=float, default=None)
@click.option("--kind", default=None, help="OpenSky only: tracks (default), flights or states.")
@click.option("--base-url", default=None, help="Use a mirror or a test server instead of the public host.")
@click.option("--archive", "archive_dir", default=None, type=click.Path(file_okay=False),
              help="Evidence archive folder [default: the user's cache dir; keep one next to your case].")
@click.option("--refresh", is_flag=True, help="Download again even if the archive has the file.")
@click.option("--offline", is_flag=True, help="Only use the archive; never touch the network.")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="Also copy the (first) track file here.")
@click.option("--json", "as_json", is_flag=True, help="Print what was fetched as JSON instead of text.")
@click.option("--contact", default=None,
              help="E-mail or URL added to the User-Agent so server operators can reach you "
                   "[default: $TRACKS_CONTACT, or [fetch] contact in the config file].")
@click.option("--deadline", "deadline_s", type=click.FloatRange(min=0, min_open=True), default=600.0,
              show_default=True, help="Seconds one download may take, from the request to the last byte.")
@click.option("--max-body", "max_body", default="2G", show_default=True, metavar="SIZE",
              help="Largest body accepted, as sent (e.g. 500M, 8G).")
def fetch(source: str, hex_: str | None, registration: str | None, callsign: str | None, date: str | None,
          point: str | None, radius_km: float | None, kind: str | None, base_url: str | None,
          archive_dir: str | None, refresh: bool, offline: bool, output: str | None, contact: str | None,
          deadline_s: float, max_body: str, as_json: bool) -> None:
    """Download a track into the evidence archive (every byte kept, with URL, time and sha256).

    OpenSky credentials come from OPENSKY_CLIENT_ID / OPENSKY_CLIENT_SECRET or ~/.config/tracks/config.toml
    and are never printed or archived.

    \b
    Examples:
      tracks fetch --source adsbx --hex 0d8373 --date 2025-11-29 --archive evidence/
      tracks fetch --source adsblol --callsign VCV2984
      tracks fetch --source adsbfi --point 4.55,-61.15 --radius-km 50
    """
    import shutil

    from tracks.fetch import FetchConfig, user_agent
    from tracks.fetch import fetch as do_fetch
    from tracks.unpack import parse_size

    try:
        max_body_bytes = parse_size(max_body)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--max-body") from None
    config = FetchConfig(deadline_s=deadline_s, max_body_bytes=max_body_bytes,
                         **({"user_agent": user_agent(contact)} if contact is not None else {}))
    result = do_fetch(source, hex=hex_, registration=registration, callsign=callsign, date=date, point=point,
                      radius_km=radius_km, base_url=base_url, archive=archive_dir, kind=kind, refresh=refresh,
                      offline=offline, progress=sys.stderr.isatty(), config=config)
    if output and not result.track_paths:
        raise FetchError("this fetch returned no track file to copy to -o")
    if as_json:
        _echo_json({"files": [{"path": str(path), "role": role, "from_archive": bool(cached), "url": entry.url,
                               "retrieved_at": entry.retrieved_at, "status": entry.status, "size": entry.size,
                               "sha256": entry.sha256}
                              for path, entry, cached, role in zip(result.paths, result.entries, result.from_archive,
                                                                   result.roles, strict=True)],
                    "problems": [str(p) for p in result.problems], "copied_to": output or ""})
    else:
        for path, entry, cached, role in zip(result.paths, result.entries, result.from_archive, result.roles,
                                             strict=True):
            how = "from archive" if cached else "downloaded"
            click.echo(f"{how} ({role}): {entry.url}\n  {path}\n  sha256 {entry.sha256}")
        for problem in result.problems:
            click.secho(f"note: {problem}", fg="yellow")
    if output:
        shutil.copyfile(result.track_paths[0], output)
        if not as_json:
            click.echo(f"wrote {output}")


@cli.group()
def archive() -> None:
    """The evidence archive of fetched files."""


@archive.command(name="verify")
@click.option("--archive", "archive_dir", default=None, type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON instead of text.")
def archive_verify(archive_dir: str | None, as_json: bool) -> None:
    """Re-hash every archived file and report any change. Exit 1 when something changed.

    \b
    Example:
      tracks archive verify --archive evidence/
    """
    from tracks.fetch import verify_archive

    report = verify_archive(archive_dir)
    if as_json:
        _echo_json({"archive": str(report.root), "ok": report.ok, "entries": report.entries,
                    "files_checked": report.files_checked,
                    "problems": [{"kind": p.kind, "path": p.path, "detail": p.detail, "line": p.line}
                                 for p in report.problems]})
    else:
        click.echo(str(report))
    if not report.ok:
        sys.exit(EXIT_INPUT)


def _add_history() -> None:
    from tracks.history.cli import history

    cli.add_command(history)


_add_history()


def main() -> None:
    """The `tracks` command. The process ends with `os._exit` once the command, the atexit handlers and the
    output streams are done: after a Parquet read, pyarrow's thread pools can abort the interpreter's own
    teardown at random (SIGABRT, 'terminate called without an active exception', apache/arrow#34314; about 1 run
    in 10 here), which turned a finished command into exit 134."""
    try:
        cli(prog_name="tracks")
        code = 0
    except SystemExit as e:
        code = _exit_code(e)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _exit_code(e: SystemExit) -> int:
    """The process exit code Python gives a SystemExit (None: 0; text: printed on stderr, 1)."""
    if e.code is None or isinstance(e.code, int):
        return int(e.code or 0)
    print(e.code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    main()
