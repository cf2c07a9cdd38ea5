"""Full Natural Earth 10m admin-0 and admin-1 layers: download (with sha256) and read from the cache.

`download_natural_earth()` (the `tracks regions download` command) fetches the official zips once into
`$TRACKS_REGIONS_DIR` or `<user cache dir>/tracks/regions`, writes their sha256, URL and retrieval time to
`natural_earth.json` beside them, and on later calls re-uses a file whose sha256 still matches. `read_layer()`
indexes a downloaded layer (codes and names only) so that `get_region("US-TX")` reads one shape on demand.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import requests
import shapefile
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from tracks.errors import FetchError, RegionError
from tracks.formats.base import describe_bytes
from tracks.unpack import UnpackError, read_member

#: The official Natural Earth download host (the naturalearthdata.com links redirect here).
NE_BASE_URL = "https://naciscdn.org/naturalearth"
REGIONS_ENV = "TRACKS_REGIONS_DIR"
MANIFEST = "natural_earth.json"

#: layer -> file name under <base_url>/10m/cultural/
LAYERS: dict[str, str] = {
    "admin0": "ne_10m_admin_0_countries.zip",
    "admin1": "ne_10m_admin_1_states_provinces.zip",
}


def default_cache_dir() -> Path:
    """$TRACKS_REGIONS_DIR, else `<user cache dir>/tracks/regions` (platformdirs)."""
    env = os.environ.get(REGIONS_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("tracks", appauthor=False)) / "regions"


def download_natural_earth(
    cache_dir: str | os.PathLike[str] | None = None,
    session: requests.Session | None = None,
    *,
    base_url: str = NE_BASE_URL,
    force: bool = False,
    timeout_s: float = 120.0,
) -> tuple[Path, ...]:
    """Download Natural Earth 10m admin-0 countries and admin-1 states into `cache_dir`; the saved paths.

    A file already present whose sha256 matches the manifest is kept (unless `force`). Each download is
    checked to be a zip holding a shapefile before it replaces anything. Raises FetchError on failure.
    """
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(root)
    http = session or requests.Session()
    saved = []
    for _layer, name in LAYERS.items():
        path = root / name
        known = manifest.get(name, {})
        if not force and path.is_file() and known.get("sha256") == _sha256(path):
            saved.append(path)
            continue
        url = f"{base_url.rstrip('/')}/10m/cultural/{name}"
        digest, size = _fetch(http, url, path, timeout_s)
        _reader.cache_clear()
        _forget_extracted(path)
        manifest[name] = {"url": url, "sha256": digest, "size": size,
                          "retrieved_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        _write_manifest(root, manifest)
        read_layer.cache_clear()
        saved.append(path)
    return tuple(saved)


def _fetch(http: requests.Session, url: str, path: Path, timeout_s: float) -> tuple[str, int]:
    tmp = path.with_name(path.name + ".part")
    h = hashlib.sha256()
    size = 0
    try:
        with http.get(url, stream=True, timeout=timeout_s) as resp:
            if resp.status_code != 200:
                raise FetchError(f"could not download {url}: HTTP {resp.status_code}; try again later or give "
                                 "--base-url of a mirror")
            with open(tmp, "wb") as f:
                for chunk in resp.iter_content(chunk_size=1 << 20):
                    f.write(chunk)
                    h.update(chunk)
                    size += len(chunk)
    except requests.RequestException as exc:
        tmp.unlink(missing_ok=True)
        raise FetchError(f"could not download {url}: {exc}; check the connection or give --base-url of a mirror") from exc
    problem = _zip_problem(tmp)
    if problem:
        tmp.unlink(missing_ok=True)
        raise FetchError(f"{url} did not return a Natural Earth shapefile zip: {problem}")
    tmp.replace(path)
    return h.hexdigest(), size


def _forget_extracted(path: Path) -> None:
    folder = path.with_suffix("")
    if folder.is_dir():
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()


def _zip_problem(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n.lower() for n in zf.namelist()]
    except zipfile.BadZipFile:
        return f"not a zip file ({describe_bytes(path.read_bytes(), path.stat().st_size)})"
    for ext in (".shp", ".shx", ".dbf"):
        if not any(n.endswith(ext) for n in names):
            return f"the zip has no {ext} file"
    return ""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_manifest(root: Path) -> dict[str, Any]:
    p = root / MANIFEST
    if not p.is_file():
        return {}
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def _write_manifest(root: Path, manifest: dict[str, Any]) -> None:
    tmp = root / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(root / MANIFEST)


# -- reading the downloaded layers -------------------------------------------------------------------------------
@dataclass(frozen=True)
class LayerEntry:
    """One record of a downloaded layer: its codes and names, and where its shape is."""

    code: str
    name: str
    kind: str  # "country" or "state"
    aliases: tuple[str, ...]
    record: int
    country: str  # admin name of the country ("" for admin-0)


@dataclass(frozen=True)
class DownloadedLayer:
    """A downloaded Natural Earth layer: path, sha256 from the manifest, and its entries."""

    path: Path
    sha256: str
    retrieved_at: str
    entries: tuple[LayerEntry, ...]

    @property
    def source(self) -> str:
        return f"Natural Earth 10m {self.path.stem} (downloaded {self.retrieved_at[:10]}, sha256 {self.sha256[:12]})"

    def geometry(self, entry: LayerEntry) -> BaseGeometry:
        """The shape of one entry, read from the zip."""
        rdr = _reader(self.path)
        return shape(rdr.shape(entry.record).__geo_interface__)


@lru_cache(maxsize=4)
def read_layer(path: Path) -> DownloadedLayer:
    """Index a downloaded Natural Earth zip (admin-0 or admin-1) by code and name. RegionError if unreadable."""
    rdr = _reader(path)
    fields = [f[0] for f in rdr.fields[1:]]
    lower = {f.lower(): f for f in fields}
    admin1 = "iso_3166_2" in lower
    entries = []
    for i, rec in enumerate(rdr.iterRecords()):
        d = {k.lower(): v for k, v in zip(fields, rec, strict=False)}
        if admin1:
            code = str(d.get("iso_3166_2") or "").strip()
            name = str(d.get("name_en") or d.get("name") or "").strip()
            country = str(d.get("admin") or "").strip()
            names = {name, str(d.get("name") or "").strip(), *str(d.get("name_alt") or "").split("|")}
            kind = "state"
        else:
            a2 = str(d.get("iso_a2_eh") or d.get("iso_a2") or "").strip()
            code = a2 if a2 and a2 != "-99" else str(d.get("adm0_a3") or "").strip()
            name = str(d.get("name_en") or d.get("name") or "").strip()
            country = ""
            names = {name, str(d.get("admin") or ""), str(d.get("name_long") or ""), str(d.get("formal_en") or ""),
                     str(d.get("adm0_a3") or ""), str(d.get("iso_a3_eh") or d.get("iso_a3") or "")}
            kind = "country"
        if not code or code.startswith("-99"):
            continue
        aliases = tuple(sorted(n.strip() for n in names if n and n.strip() and n.strip() not in ("-99", code)))
        entries.append(LayerEntry(code, name or code, kind, aliases, i, country))
    manifest = _read_manifest(path.parent).get(path.name, {})
    return DownloadedLayer(path, str(manifest.get("sha256", "")), str(manifest.get("retrieved_at", "")),
                           tuple(entries))


@lru_cache(maxsize=4)
def _reader(path: Path) -> shapefile.Reader:
    """A Reader over the shapefile in the zip, extracted once beside it (random access by record)."""
    try:
        folder = path.with_suffix("")
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            stem = next(n[:-4] for n in names if n.lower().endswith(".shp"))
            if not (folder / Path(stem).name).with_suffix(".shp").is_file():
                folder.mkdir(exist_ok=True)
                for ext in ("shp", "shx", "dbf", "prj", "cpg"):
                    member = next((n for n in names if n.lower() == f"{stem}.{ext}".lower()), None)
                    if member:
                        (folder / f"{Path(stem).name}.{ext}").write_bytes(read_member(zf, member, str(path)))
        return shapefile.Reader(str(folder / f"{Path(stem).name}.shp"), encoding="utf-8", encodingErrors="replace")
    except (OSError, StopIteration, zipfile.BadZipFile, shapefile.ShapefileException, UnpackError) as exc:
        raise RegionError(f"{path}: not a readable Natural Earth shapefile zip ({exc}); run `tracks regions "
                          "download` again") from exc


def downloaded_layers(cache_dir: str | os.PathLike[str] | None = None) -> tuple[DownloadedLayer, ...]:
    """The downloaded layers present in `cache_dir` (admin-1 first); empty when nothing was downloaded."""
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    out = []
    for name in (LAYERS["admin1"], LAYERS["admin0"]):
        p = root / name
        if p.is_file():
            out.append(read_layer(p.resolve()))
    return tuple(out)
