"""Run the benchmarks: python -m bench [options]."""

from bench.run import main

raise SystemExit(main())
