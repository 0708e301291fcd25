"""The benchmarks are run by `python -m tests.bench`, never collected by pytest."""

collect_ignore_glob = ["*.py"]
