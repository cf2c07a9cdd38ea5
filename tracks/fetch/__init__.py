"""Fetching tracks from public sources into an evidence archive (see fetch/archive.py)."""
