"""The same answers whichever engine runs: embedded vs a real Dask LocalCluster of 2 worker processes."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tracks.history import Dataset, ingest, region_traffic

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as c:
        assert len(c.scheduler_info()["workers"]) == 2
        yield c


def _rows(path, day: str) -> pd.DataFrame:
    m = Dataset(path).manifest(day)
    return pq.read_table([str(path / f"day={day}" / p) for p in m.parts]).to_pandas()


def test_ingest_on_dask_writes_the_same_dataset(generated, dataset, client, tmp_path) -> None:
    out, _ = generated
    report = ingest([str(out / "adsblol")], tmp_path / "ds", client=client, progress=False, batch_mb=0.2)
    local = Dataset(dataset)
    for day in report.days:
        a, b = Dataset(tmp_path / "ds").manifest(day.day), local.manifest(day.day)
        assert (a.rows, a.aircraft_count, a.inputs) == (b.rows, b.aircraft_count, b.inputs)
        pd.testing.assert_frame_equal(_rows(tmp_path / "ds", day.day), _rows(dataset, day.day))


def test_query_on_dask_gives_the_embedded_answer(dataset, client) -> None:
    embedded = region_traffic(dataset, "VE")
    dask = region_traffic(dataset, "VE", client=client)
    assert dask.engine.startswith("dask") and embedded.engine.startswith("embedded")
    pd.testing.assert_frame_equal(embedded.days, dask.days)
    pd.testing.assert_frame_equal(embedded.aircraft, dask.aircraft)
    pd.testing.assert_frame_equal(embedded.intervals, dask.intervals)
    assert embedded.days["aircraft_inside"].sum() > 10
    mil = region_traffic(dataset, "VE", db_flags=1, client=client)
    pd.testing.assert_frame_equal(mil.days, region_traffic(dataset, "VE", db_flags=1).days)
