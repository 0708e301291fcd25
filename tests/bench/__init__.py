"""Server benchmarks: `python -m tests.bench` (see tests/bench/README.md)."""
