"""report.json and report.md: the verdicts of a case with their evidence, for machines and for people.

`report_dict(result)` builds the JSON document (schema documented field by field in docs/report.md),
`report_markdown(result)` the Markdown page, and `write_outputs(result, out_dir)` writes both plus map.html
when the map renderer (`tracks.render.map`) is installed. Both files say prominently when the track is
ILLUSTRATIVE (synthetic), and both are deterministic: the same result gives the same bytes.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tracks.aircraft import flag_labels
from tracks.claims.case import DRAFT_MARK, Case, Claim, RegionRef, TimeRange
from tracks.claims.result import CaseResult
from tracks.claims.verdict import STATUS_LABELS, STATUSES, Verdict, iso_utc
from tracks.paths import is_inside, public_name
from tracks.render.fmt import measured_value
from tracks.summary import emergency_records
from tracks.wording import duration, km, retrieved, when

#: Version of the report.json layout; bumped when a field changes meaning or disappears.
REPORT_VERSION = 1
ILLUSTRATIVE_BANNER = (
    "ILLUSTRATIVE TRACK: this report is built from a synthetic track made from reported facts, "
    "not from a recording. The verdicts show how the method works; they are not evidence about the real flight."
)


# -- JSON ----------------------------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """Plain JSON values: Timestamps as ISO 8601 UTC, Timedeltas as seconds, NaN as null, regions by label.

    Raises TypeError for anything it does not know, so that a new value type fails loudly, not silently.
    """
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, pd.Timestamp):
        return iso_utc(value) or None
    if isinstance(value, (pd.Timedelta, timedelta)):
        return None if pd.isna(value) else pd.Timedelta(value).total_seconds()
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, RegionRef):
        return {"kind": value.kind, "args": list(value.args), "label": value.label}
    if isinstance(value, TimeRange):
        return {"start": iso_utc(value.start), "end": iso_utc(value.end)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in value]
    raise TypeError(f"cannot put a {type(value).__name__} into report.json: {value!r}")


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    if frame is None or not len(frame):
        return []
    return [jsonable(dict(row)) for row in frame.to_dict(orient="records")]


def _relpath(path: str, base: Path) -> str:
    """`path` as published: relative to the case folder `base`, else its name (tracks.paths.public_name)."""
    return public_name(path, base)


def _claim_dict(v: Verdict, claim: Claim | None, base: Path) -> dict[str, Any]:
    d = jsonable(v.to_dict())
    for s in d["evidence"]["sources"]:
        s["path"] = _relpath(s["path"], base)
    for s in d["evidence"]["samples"]:
        if s.get("file"):
            s["file"] = _relpath(s["file"], base)
    out: dict[str, Any] = {
        "id": d.pop("id"),
        "quote": d.pop("quote"),
        "source": d.pop("source"),
        "predicate": d.pop("predicate"),
        "test": jsonable(dict(claim.params)) if claim else {},
        "after": claim.after if claim else "",
        "before": claim.before if claim else "",
        "line": claim.line if claim else 0,
        "draft": claim.draft if claim else False,
        "review": list(claim.review) if claim else [],
        "at": dict(claim.at) if claim else {},
        "status": d.pop("status"),
        "label": v.label,
        "sentence": d.pop("sentence"),
        "measured": d.pop("measured"),
        "evidence": d.pop("evidence"),
        "notes": d.pop("notes"),
    }
    out.update(d)
    return out


def _case_dict(case: Case) -> dict[str, Any]:
    w = case.window
    return {
        "title": case.title,
        "description": case.description,
        "path": Path(case.path).name,  # the case folder is where relative paths start; never the user's folders
        "article": {k: getattr(case.article, k) for k in ("publisher", "title", "url", "published", "language")},
        "aircraft": {k: getattr(case.aircraft, k) for k in ("icao24", "registration", "callsign", "type")},
        "timezone": case.timezone,
        "window": {
            "start": iso_utc(w.start),
            "end": iso_utc(w.end),
            "start_local": pd.Timestamp(w.start).tz_convert(case.timezone).isoformat(),
            "end_local": pd.Timestamp(w.end).tz_convert(case.timezone).isoformat(),
        },
    }


def _sources(result: CaseResult, base: Path) -> list[dict[str, Any]]:
    out = []
    for s in result.track.sources:
        d = jsonable(s.to_dict())
        d["path"] = _relpath(s.path, base)
        d["records"] = s.records_kept
        d["outside_case_folder"] = not is_inside(s.path, base)
        out.append(d)
    return out


def _regions(result: CaseResult) -> list[dict[str, Any]]:
    out = []
    for r in result.regions:
        out.append(jsonable({
            "code": getattr(r, "code", ""),
            "name": getattr(r, "name", ""),
            "kind": getattr(r, "kind", ""),
            "source": getattr(r, "source", ""),
            "tolerance_km": getattr(r, "tolerance_km", None),
            "note": getattr(r, "note", ""),
        }))
    return out


def _track_dict(result: CaseResult) -> dict[str, Any]:
    t = result.track
    return {
        "icao24": t.icao24,
        "registration": t.registration,
        "callsign": t.callsign,
        "points": len(t),
        "start": iso_utc(t.start) if len(t) else "",
        "end": iso_utc(t.stop) if len(t) else "",
        "illustrative": t.illustrative,
        "rejected": len(t.rejected),
        "aircraft": t.identity.to_dict(),
        "emergency_squawks": emergency_records(t.emergencies()),
    }


def report_dict(result: CaseResult) -> dict[str, Any]:
    """The report.json document (see docs/report.md)."""
    case = result.case
    base = case.directory
    claims = {c.id: c for c in case.claims}
    counts = {s: sum(v.status == s for v in result.verdicts) for s in STATUSES}
    return {
        "report_version": REPORT_VERSION,
        "tool": dict(result.tool),
        "illustrative": result.illustrative,
        "case": _case_dict(case),
        "summary": counts,
        "claims": [_claim_dict(v, claims.get(v.claim_id), base) for v in result.verdicts],
        "track": _track_dict(result),
        "gaps": _frame_records(result.gaps),
        "legs": _frame_records(result.legs),
        "events": _frame_records(result.events),
        "regions": _regions(result),
        "sources": _sources(result, base),
        "notes": list(result.notes),
    }


def report_json(result: CaseResult) -> str:
    """report.json text: indented, keys in a fixed order, ending with a newline."""
    return json.dumps(report_dict(result), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# -- Markdown ------------------------------------------------------------------------------------------------


def md(text: Any) -> str:
    """Text from a case or data file made safe inside Markdown (tables, no raw HTML)."""
    s = "" if text is None else str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = s.replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    for ch in "*_`[]":
        s = s.replace(ch, "\\" + ch)
    return s


def _link(title: str, url: str) -> str:
    if url.startswith(("https://", "http://")) and not any(c in url for c in " <>()"):
        return f"[{md(title or url)}]({url})"
    return md(title) + (f" ({md(url)})" if url else "")


def _fmt_value(key: str, value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return measured_value(key, value, None)  # worded as on the map (tracks.render.fmt)
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], Mapping):
            return "; ".join(", ".join(f"{k}={v}" for k, v in item.items()) for item in value)
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if value is None:
        return "n/a"
    return str(value)


def _param_text(j: Any) -> str:
    """A test parameter as compact text: 'SVMI, SVFM', '15', 'border:VE|BR-RR', '2025-...Z .. 2025-...Z'."""
    if isinstance(j, dict) and "label" in j:
        return str(j["label"])
    if isinstance(j, dict) and set(j) == {"start", "end"}:
        return f"{j['start']} .. {j['end']}"
    if isinstance(j, list):
        return "[" + ", ".join("open" if x is None else _param_text(x) for x in j) + "]"
    if isinstance(j, float):
        return f"{j:g}"
    return str(j)


def _test_text(claim: Claim | None) -> str:
    if claim is None:
        return ""
    parts = []
    for k, v in claim.params.items():
        parts.append(f"{k}={_param_text(jsonable(v))}")
    text = f"{claim.predicate}: " + ", ".join(parts)
    if claim.after:
        text += f"; after {claim.after}"
    if claim.before:
        text += f"; before {claim.before}"
    return text


def _claim_section(n: int, v: Verdict, claim: Claim | None, tz: str, base: Path) -> list[str]:
    lines = [f"### {n}. {md(v.claim_id)}: {v.label}" + (f" ({DRAFT_MARK})" if claim and claim.draft else ""),
             ""]
    quote = f"> “{md(v.quote)}”"
    if v.source:
        quote += f" (source: {md(v.source)})"
    lines += [quote, "", f"**Finding:** {md(v.sentence)}", "", f"**Test:** `{_test_text(claim).replace('`', '')}`", ""]
    if claim and claim.draft:
        lines += [f"**Draft:** proposed by `tracks draft`{' because ' + md(claim.why) if claim.why else ''}; "
                  "nobody has reviewed it.", ""]
        lines += [f"- to review: {md(r)}" for r in claim.review] + ([""] if claim.review else [])
    if v.measured:
        lines += ["| measured | value |", "|---|---|"]
        lines += [f"| {md(k)} | {md(_fmt_value(k, val))} |" for k, val in v.measured.items()]
        lines.append("")
    ev = v.evidence
    if ev.samples:
        lines += ["| sample | time (UTC) | lat | lon | altitude | source | file:record |", "|---|---|---|---|---|---|---|"]
        for s in ev.samples:
            alt = f"{s.alt_ft:,.0f} ft" if s.alt_ft is not None and math.isfinite(s.alt_ft) else "n/a"
            where = f"{_relpath(s.file, base)}:{s.record}" if s.file else ""
            lines.append(f"| {md(s.role)} | {md(s.time)} | {s.lat:.5f} | {s.lon:.5f} | {alt} | {md(s.source)} | {md(where)} |")
        lines.append("")
    if ev.points:
        lines += ["| point | time (UTC) | lat | lon |", "|---|---|---|---|"]
        lines += [f"| {md(p.label)} | {md(p.time)} | {p.lat:.5f} | {p.lon:.5f} |" for p in ev.points]
        lines.append("")
    needed = [g for g in ev.gaps if g.matters]
    if needed:
        lines += ["| unobserved time | from (UTC) | to (UTC) | duration | can reach the region |", "|---|---|---|---|---|"]
        for g in needed:
            reach = {True: "yes", None: "n/a"}[g.reaches_region]
            if g.is_edge and g.reaches_region and g.reach_km is not None:
                sample = "first" if g.kind == "start" else "last"
                reach = f"yes (anywhere within {km(g.reach_km)} of the {sample} sample)"
            elif not g.is_edge and g.reaches_region:
                reach = "yes (reachability ellipse)"
            lines.append(f"| {md(g.id)} | {md(g.start)} | {md(g.end)} | {duration(g.duration_s)} | {reach} |")
        lines.append("")
    ruled_out = [g.id for g in ev.gaps if not g.matters and not g.is_edge]
    if ruled_out:  # listed one by one in report.json; hundreds of rows here would hide what matters
        named = ", ".join(ruled_out[:5]) + (f" and {len(ruled_out) - 5} more" if len(ruled_out) > 5 else "")
        lines += [f"Coverage gaps checked and ruled out (their reachability ellipses cannot reach the region): "
                  f"{md(named)}.", ""]
    edges_out = [g for g in ev.gaps if not g.matters and g.is_edge]
    if edges_out:
        named = "; ".join(f"{g.id} ({duration(g.duration_s)} from {g.start} to {g.end})" for g in edges_out)
        lines += [f"Unobserved edges of the tested period checked and ruled out (too short to reach the region from "
                  f"the first / last sample): {md(named)}.", ""]
    if ev.regions:
        lines += [f"Regions: {', '.join(md(r) for r in ev.regions)}", ""]
    for note in v.notes:
        lines.append(f"- {md(note)}")
    if v.notes:
        lines.append("")
    return lines


#: File names of the figures `write_outputs` puts next to report.md.
PROFILE_NAME = "profile.svg"
PNG_NAME = "map.png"


def report_markdown(result: CaseResult, figures: Sequence[tuple[str, str]] = ()) -> str:
    """report.md: banner, case, verdict table, figures, each claim with its evidence, gaps, sources.

    figures: (file name, description) of pictures written next to report.md, shown under the verdicts.
    """
    case = result.case
    tz = case.timezone
    base = case.directory
    claims = {c.id: c for c in case.claims}
    out = [f"# {md(case.title)}", ""]
    if result.illustrative:
        out += [f"> **{ILLUSTRATIVE_BANNER}**", ""]
        out += [f"> {md(s.note)}" for s in result.track.sources if s.illustrative and s.note]
        out.append("")
    if case.description:
        out += [md(case.description), ""]
    a = case.article
    if a.title or a.url or a.publisher:
        parts = [_link(a.title, a.url)] if (a.title or a.url) else []
        parts += [md(x) for x in (a.publisher, a.published, a.language) if x]
        out.append(f"- **Article:** {', '.join(parts)}")
    ac = case.aircraft
    out.append(f"- **Aircraft:** {md(ac.label)}" + (f", {md(ac.type)}" if ac.type else "")
               + (f", callsign {md(ac.callsign)}" if ac.callsign else ""))
    t = result.track
    if len(t):
        ident = t.identity
        out.append(f"- **Identity:** {md(ident.sentence())}" + "".join(f"; **{md(f)}**" for f in flag_labels(ident.flags))
                   + (f" ({md('; '.join(ident.sources))})" if ident.sources else ""))
        for e in t.emergencies().to_dict("records"):
            out.append(f"- **Emergency squawk {md(e['squawk'])}** ({md(e['meaning'])}): "
                       f"{when(e['start_time'], tz, seconds=True)} to {when(e['end_time'], tz, seconds=True)}, "
                       f"{e['samples']} sample(s)")
    out.append(f"- **Window:** {when(case.window.start, tz)} to {when(case.window.end, tz)}")
    if len(t):
        out.append(f"- **Track:** {len(t)} samples from {when(t.start, tz)} to {when(t.stop, tz)}; "
                   f"{len(result.gaps)} coverage gap(s)")
    else:
        out.append("- **Track:** no samples of this aircraft in the window")
    out.append("")
    counts = {s: sum(v.status == s for v in result.verdicts) for s in STATUSES}
    out += ["## Verdicts", "", ", ".join(f"{n} {STATUS_LABELS[s]}" for s, n in counts.items()), ""]
    out += ["| # | claim | quote | verdict | finding |", "|---|---|---|---|---|"]
    for n, v in enumerate(result.verdicts, 1):
        c = claims.get(v.claim_id)
        label = f"**{v.label}**" + (f" ({DRAFT_MARK})" if c and c.draft else "")
        out.append(f"| {n} | {md(v.claim_id)} | {md(v.quote)} | {label} | {md(v.sentence)} |")
    for name, text in figures:
        out += ["", f"![{md(text)}]({name})"]
    out += ["", "## Claims and evidence", ""]
    for n, v in enumerate(result.verdicts, 1):
        out += _claim_section(n, v, claims.get(v.claim_id), tz, base)
    if len(result.gaps):
        out += ["## Coverage gaps", "", "| gap | from | to | duration | distance | max speed |",
                "|---|---|---|---|---|---|"]
        for g in result.gaps.to_dict(orient="records"):
            out.append(f"| {md(g['gap_id'])} | {when(g['start_time'], tz, seconds=True)} | "
                       f"{when(g['end_time'], tz, seconds=True)} | {duration(g['duration_s'])} | "
                       f"{km(g['distance_km'])} | {g['max_speed_kt']:.0f} kt |")
        out.append("")
    if result.notes:
        out += ["## Notes", ""] + [f"- {md(n)}" for n in result.notes] + [""]
    out += ["## Sources", "", "| file | format | records kept / read | illustrative | sha256 |", "|---|---|---|---|---|"]
    for s in t.sources:
        where = "" if is_inside(s.path, base) else " (outside the case folder)"
        fetched = retrieved(s.url, s.retrieved_at)  # an archived fetch: the URL as escaped text, never a link
        where += f", {md(fetched)}" if fetched else ""
        out.append(f"| {md(_relpath(s.path, base))}{where} | {md(s.format)} | {s.records_kept} / {s.records_read} | "
                   f"{'yes' if s.illustrative else 'no'} | `{s.sha256}` |")
    out.append("")
    if result.regions:
        out += ["Boundary data: " + "; ".join(
            f"{md(getattr(r, 'code', ''))} ({md(getattr(r, 'source', ''))}, tolerance "
            f"{getattr(r, 'tolerance_km', float('nan')):.1f} km"
            + (f"; {md(r.note)}" if getattr(r, "note", "") else "") + ")" for r in result.regions), ""]
    tool = result.tool
    out += [f"Made with {md(tool.get('name', 'tracks'))} {md(tool.get('version', ''))}. "
            "Times are UTC, with the case's local time in brackets. How verdicts are decided: docs/method.md.", ""]
    return "\n".join(out)


# -- files ---------------------------------------------------------------------------------------------------


def _map_module() -> Any:
    """tracks.render.map when it exists; None when it is not installed. A broken map module raises."""
    try:
        return import_module("tracks.render.map")
    except ModuleNotFoundError as e:
        if e.name == "tracks.render.map":
            return None
        raise


def write_outputs(result: CaseResult, out_dir: str | os.PathLike[str], *, tiles: bool = False,
                  png: bool = False) -> list[Path]:
    """Write report.json, report.md, profile.svg and (when the map renderer exists) map.html into `out_dir`;
    with `png` also map.png, the static map picture. report.md shows the profile and the picture.

    Returns the paths written. `tiles` asks the map for online tiles. The folder is created if needed;
    nothing else in it is touched. All or nothing: the files are written into a temporary folder inside
    `out_dir` and moved into place only once every one of them is complete, so a failure leaves the previous
    run's files as they were (never new reports next to an old map).
    """
    from tracks.render.profile import plot_profile

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tracks-writing-", dir=out))
    try:
        names = ["report.json", "report.md"]
        (staging / "report.json").write_text(report_json(result), encoding="utf-8")
        figures = [(PNG_NAME, "Map of the track, the borders and the evidence")] if png else []
        if len(result.track) >= 2:
            figures.append((PROFILE_NAME, "Altitude and ground speed against time; coverage gaps shaded"))
            plot_profile(result).save(staging / PROFILE_NAME)
            names.append(PROFILE_NAME)
        (staging / "report.md").write_text(report_markdown(result, figures=figures), encoding="utf-8")
        module = _map_module()
        if module is not None:
            written = module.save_map(result, staging / "map.html", png_path=staging / PNG_NAME if png else None,
                                      tiles=tiles)
            names += [p.name for p in written]
        for name in names:
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / name for name in names]
