"""Benchmarks, run on demand (see RESULTS.md). A regular package, so that `from benchmarks import history_gen`
finds this folder first: pysbd (a dependency of `tracks draft`) installs a top-level `benchmarks` package of its
own into site-packages, which would otherwise shadow this one."""
