"""The benchmark script runs end to end at tiny sizes (no timing is checked)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("threadpoolctl", reason="the benchmark limits BLAS threads")

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "compare.py"


def test_quick_benchmark_reports_every_workload(tmp_path):
    table = tmp_path / "results.md"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--rounds", "1", "--markdown", table],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in table.read_text().splitlines() if line.startswith("| ")]
    labels = [row.split("|")[1].strip() for row in rows[1:]]
    for workload in "abcde":
        assert any(label.startswith(f"{workload}.") for label in labels), labels
    # the BLAS and its thread count are recorded beside the numbers
    assert "1 thread(s)" in table.read_text()
    for row in rows[1:]:
        ratio = float(row.split("|")[6])
        assert ratio > 0
