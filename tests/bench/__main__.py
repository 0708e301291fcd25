"""Run the benchmarks: python -m tests.bench [options]."""

from tests.bench.run import main

raise SystemExit(main())
