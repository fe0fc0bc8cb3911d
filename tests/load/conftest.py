"""Benchmarks live here (bench_*.py): run by hand, never by `python -m pytest` (see README)."""
collect_ignore_glob = ["bench_*.py"]
