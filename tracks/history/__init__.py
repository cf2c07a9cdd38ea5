"""Global ADS-B history: ingest published archives into a Parquet dataset partitioned by UTC day, and ask it
region-wide questions (distinct aircraft inside a region per day or hour, who, when, coverage) on this machine
or on a Dask cluster. See docs/history.md.
"""

from __future__ import annotations

from tracks.history.ingest import IngestReport, ingest
from tracks.history.layout import Dataset, DatasetError
from tracks.history.query import RegionTraffic, extract, region_traffic
from tracks.history.scan import Filters
from tracks.history.sources import SourceError

__all__ = ["Dataset", "DatasetError", "Filters", "IngestReport", "RegionTraffic", "SourceError", "extract", "ingest",
           "region_traffic"]
