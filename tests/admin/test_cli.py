"""`temoin export` writes the same lines as the admin export."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.admin.test_log import record


def test_export_command(runner, sites, client, tmp_path):
    first = record(client)
    second = record(client, language="en")
    result = runner.invoke(args=["export", "shop", "--format", "jsonl", "--from", "2000-01-01"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [r["hash"] for r in lines] == [first["hash"], second["hash"]]
    out = tmp_path / "log.csv"
    result = runner.invoke(args=["export", "shop", "-o", str(out)])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["language"] for r in rows] == ["fr", "en"]
    result = runner.invoke(args=["export", "shop", "--to", "2000-01-01"])
    assert result.exit_code == 0 and result.output.count("\n") == 1  # the header only


@pytest.mark.parametrize(
    "args,message",
    [
        (["export", "nope"], "no site"),
        (["export", "shop", "--from", "yesterday"], "from"),
        (["export", "shop", "--format", "xml"], "xml"),
    ],
)
def test_export_command_errors(runner, sites, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
