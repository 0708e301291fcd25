"""Server benchmarks: `python -m bench` (see the README, Performance)."""
