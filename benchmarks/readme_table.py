"""Print the README's speed table from a results file of compare.py.

``python benchmarks/readme_table.py [RESULTS]`` reads the table that
``compare.py --markdown`` writes (``benchmarks/RESULTS.md`` by default) and
prints the README's shorter one: each row's workload, loss, ratio, target
and accuracies, the same text as in the results, so that the README shows
exactly the last run. Only rows with a target are printed, unless ``--all``.
"""

import argparse
import sys
from pathlib import Path

DEFAULT_RESULTS = Path(__file__).resolve().with_name("RESULTS.md")
LOSS = "loss, ours / reference"
HEADER = f"| workload | {LOSS} | ratio | target | accuracy, ours / reference |"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "results",
        nargs="?",
        default=DEFAULT_RESULTS,
        type=Path,
        help="a results file of compare.py (default: benchmarks/RESULTS.md)",
    )
    parser.add_argument(
        "--all", action="store_true", help="also the rows without a target"
    )
    return parser.parse_args(argv)


def result_rows(text):
    """The cells of each row of the results table in ``text``, by column name."""
    lines = text.splitlines()
    headers = [i for i, line in enumerate(lines) if line.startswith("| workload |")]
    if not headers:
        raise ValueError("no results table (a '| workload |' header) found")
    start = headers[0]
    names = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("| "):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows.append(dict(zip(names, cells)))
    return rows


def readme_rows(rows, every=False):
    """The README table's lines for the results ``rows``."""
    lines = [HEADER, "|---|---|---|---|---|"]
    for row in rows:
        if not (every or row["target"]):
            continue
        accuracies = ""
        if row["acc ours"]:
            accuracies = f"{row['acc ours']} / {row['acc ref']}".strip(" /")
        lines.append(
            f"| {row['workload']} | {row.get(LOSS, '')} | "
            f"{row['ratio']} | {row['target']} | {accuracies} |"
        )
    return lines


def main(argv=None):
    args = parse_args(argv)
    rows = result_rows(args.results.read_text(encoding="utf-8"))
    print("\n".join(readme_rows(rows, every=args.all)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
