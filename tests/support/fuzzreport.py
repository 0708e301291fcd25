"""Print how many fuzz cases ran, past pytest's output capture."""

from __future__ import annotations

import pytest


def print_cases(config: pytest.Config, backend: str, counts: dict[str, int]) -> None:
    """Print the number of cases per operation (or form) and in all, for one backend."""
    plugins = config.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        for label, n in sorted(counts.items()):
            reporter.write_line(f"fuzz [{backend}] {n:4d} cases  {label}")
        reporter.write_line(f"fuzz [{backend}] {sum(counts.values())} cases in all")
