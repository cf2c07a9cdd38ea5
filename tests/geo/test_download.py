"""`tracks regions download`: Natural Earth zips fetched from a local HTTP server (never the internet)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
import shapefile
import shapely
from pytest_httpserver import HTTPServer

from tracks.errors import FetchError, RegionError
from tracks.geo import naturalearth
from tracks.geo.regions import download_natural_earth, get_region, list_regions

ADMIN0 = "/10m/cultural/ne_10m_admin_0_countries.zip"
ADMIN1 = "/10m/cultural/ne_10m_admin_1_states_provinces.zip"


def shapefile_zip(stem: str, fields: list[str], rows: list[tuple[dict, shapely.Polygon]]) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as w:
        for f in fields:
            w.field(f, "C", 60)
        for props, g in rows:
            w.poly([list(g.exterior.coords)[::-1]])
            w.record(*[props.get(f, "") for f in fields])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for ext, buf in (("shp", shp), ("shx", shx), ("dbf", dbf)):
            zf.writestr(f"{stem}.{ext}", buf.getvalue())
        zf.writestr(f"{stem}.prj", 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],'
                                   'PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]')
    return out.getvalue()


ADMIN1_ZIP = shapefile_zip("ne_10m_admin_1_states_provinces", ["iso_3166_2", "name", "name_en", "admin", "name_alt"], [
    ({"iso_3166_2": "US-TX", "name": "Texas", "name_en": "Texas", "admin": "United States of America"},
     shapely.box(-106.6, 25.8, -93.5, 36.5)),
    ({"iso_3166_2": "MX-COA", "name": "Coahuila", "name_en": "Coahuila", "admin": "Mexico", "name_alt": "Coahuila de Zaragoza"},
     shapely.box(-103.9, 24.5, -99.8, 29.9)),
])
ADMIN0_ZIP = shapefile_zip("ne_10m_admin_0_countries", ["ISO_A2_EH", "ISO_A3_EH", "ADM0_A3", "NAME", "NAME_EN", "ADMIN"], [
    ({"ISO_A2_EH": "XT", "ISO_A3_EH": "XTS", "ADM0_A3": "XTS", "NAME": "Testland", "NAME_EN": "Testland",
      "ADMIN": "Republic of Testland"}, shapely.box(10, 10, 11, 11)),
])


@pytest.fixture
def served(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request(ADMIN0).respond_with_data(ADMIN0_ZIP, content_type="application/zip")
    httpserver.expect_request(ADMIN1).respond_with_data(ADMIN1_ZIP, content_type="application/zip")
    return httpserver


def test_download_caches_with_sha256_and_regions_work(served: HTTPServer, tmp_path: Path) -> None:
    base = served.url_for("/").rstrip("/")
    paths = download_natural_earth(cache_dir=tmp_path, base_url=base)
    assert [p.name for p in paths] == ["ne_10m_admin_0_countries.zip", "ne_10m_admin_1_states_provinces.zip"]
    manifest = json.loads((tmp_path / "natural_earth.json").read_text())
    for p in paths:
        entry = manifest[p.name]
        assert entry["sha256"] == hashlib.sha256(p.read_bytes()).hexdigest()
        assert entry["url"] == base + "/10m/cultural/" + p.name and entry["retrieved_at"].endswith("Z")
    assert len(served.log) == 2
    # again: the cached files match their sha256, nothing is fetched
    download_natural_earth(cache_dir=tmp_path, base_url=base)
    assert len(served.log) == 2
    # a damaged cached file is fetched again
    paths[1].write_bytes(b"damaged")
    download_natural_earth(cache_dir=tmp_path, base_url=base)
    assert len(served.log) == 3 and paths[1].read_bytes() == ADMIN1_ZIP
    # states anywhere now resolve, by code or name, with the download's provenance
    tx = get_region("us-tx", cache_dir=tmp_path)
    assert tx.code == "US-TX" and tx.kind == "state" and "downloaded" in tx.source
    assert shapely.contains_xy(tx.geometry, -97.7, 30.3)  # Austin
    assert get_region("Coahuila de Zaragoza", cache_dir=tmp_path).code == "MX-COA"
    assert get_region("XT", cache_dir=tmp_path).name == "Testland"
    assert get_region("VE", cache_dir=tmp_path).source.startswith("Natural Earth 10m admin-0 countries v5.1.1")
    codes = {r.code for r in list_regions(cache_dir=tmp_path)}
    assert {"US-TX", "MX-COA", "XT", "VE", "BR-RR"} <= codes


def test_unknown_state_without_download_suggests_it(tmp_path: Path) -> None:
    with pytest.raises(RegionError, match="tracks regions download"):
        get_region("US-TX", cache_dir=tmp_path)


def test_default_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(naturalearth.REGIONS_ENV, str(tmp_path / "cache"))
    assert naturalearth.default_cache_dir() == tmp_path / "cache"


def test_http_error_and_html_are_clear_fetch_errors(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(ADMIN0).respond_with_data("nope", status=404)
    with pytest.raises(FetchError, match="HTTP 404"):
        download_natural_earth(cache_dir=tmp_path, base_url=httpserver.url_for("/").rstrip("/"))
    httpserver.clear()
    httpserver.expect_request(ADMIN0).respond_with_data("<html>maintenance</html>", content_type="text/html")
    with pytest.raises(FetchError, match="not a zip file"):
        download_natural_earth(cache_dir=tmp_path, base_url=httpserver.url_for("/").rstrip("/"))
    assert not list(tmp_path.glob("*.zip")) and not list(tmp_path.glob("*.part"))


def test_unreachable_host_is_a_fetch_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="could not download"):
        download_natural_earth(cache_dir=tmp_path, base_url="http://127.0.0.1:9", timeout_s=2)
