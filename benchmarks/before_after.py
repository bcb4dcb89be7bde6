"""Run compare.py against two source trees of sknn_scratch, alternating.

``python benchmarks/before_after.py --before OLD --after NEW`` runs
``compare.py`` (the one beside this script) ``--rounds`` times on each tree,
one round per run, the trees alternating (before, after, then after,
before, ...), each run importing ``sknn_scratch`` from its tree through
``PYTHONPATH``. Each tree is a checkout whose top folder holds the
``sknn_scratch`` package, e.g. one made by ``git worktree add OLD main``.

It prints both tables (the median over the rounds of each contender's
times, and their ratio) and, per row, the ratio before, after and its
change in percent; a row whose ratio grew by more than ``--tolerance``
percent is marked ``slower``. The other options of ``compare.py``
(``--only``, ``--quick``, ``--wall``, ``--no-torch``, ``--threads``) pass
through.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

COMPARE = Path(__file__).resolve().with_name("compare.py")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--before", required=True, help="source tree before")
    parser.add_argument("--after", required=True, help="source tree after")
    parser.add_argument("--rounds", type=int, default=3, help="runs per tree")
    parser.add_argument(
        "--tolerance", type=float, default=5.0, help="percent a ratio may grow"
    )
    parser.add_argument("--only", help="workloads, as for compare.py")
    parser.add_argument("--threads", type=int, help="BLAS threads, as for compare.py")
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument("--wall", action="store_true", help="wall-clock time")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args(argv)
    for name in ("before", "after"):
        tree = Path(getattr(args, name)).resolve()
        if not (tree / "sknn_scratch" / "__init__.py").is_file():
            parser.error(f"--{name}: no sknn_scratch package in {tree}")
        setattr(args, name, tree)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def compare_options(args):
    """The options passed through to every run of compare.py."""
    options = ["--rounds", "1"]
    if args.only:
        options += ["--only", args.only]
    if args.threads:
        options += ["--threads", str(args.threads)]
    options += [f"--{flag}" for flag in ("quick", "wall") if getattr(args, flag)]
    return options + (["--no-torch"] if args.no_torch else [])


def environment_for(tree):
    """The environment of a run that imports sknn_scratch from ``tree``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(tree), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return env


def run_once(tree, options, folder, index):
    """One run of compare.py on ``tree``; returns its rows."""
    output = Path(folder) / f"run{index}.json"
    command = [sys.executable, str(COMPARE), *options, "--json", str(output)]
    print(f"[{index}] {tree.name}: {' '.join(command[1:])}", flush=True)
    subprocess.run(command, env=environment_for(tree), check=True)
    document = json.loads(output.read_text(encoding="utf-8"))
    if Path(document["package"]) != tree / "sknn_scratch":
        sys.exit(f"{tree}: sknn_scratch was imported from {document['package']}")
    return document


def schedule(rounds):
    """The order of the runs: before, after, after, before, ..."""
    order = []
    for i in range(rounds):
        pair = ("before", "after") if i % 2 == 0 else ("after", "before")
        order += pair
    return order


def collect(runs):
    """Per row key: its label, loss, target and every run's values."""
    rows = {}
    for run in runs:
        for record in run["rows"]:
            row = rows.setdefault(
                record["key"],
                {k: record[k] for k in ("label", "loss", "target", "unit")}
                | {"ours": [], "reference": []},
            )
            row["ours"] += record["ours"]
            row["reference"] += record["reference"]
    for row in rows.values():
        row["ratio"] = statistics.median(row["ours"]) / statistics.median(
            row["reference"]
        )
    return rows


def fmt_value(value, unit):
    if unit == "bytes":
        return f"{value / 2**20:.1f} MiB"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.1f} µs"


def table(name, rows):
    lines = [
        f"## {name}",
        "",
        "| key | workload | loss | ours | reference | ratio | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, row in rows.items():
        target = "" if row["target"] is None else f"≤ {row['target']:.2f}"
        lines.append(
            f"| {key} | {row['label']} | {row['loss']} | "
            f"{fmt_value(statistics.median(row['ours']), row['unit'])} | "
            f"{fmt_value(statistics.median(row['reference']), row['unit'])} | "
            f"{row['ratio']:.3f} | {target} |"
        )
    return lines


def changes(before, after, tolerance):
    lines = [
        "## Change",
        "",
        "| key | workload | ratio before | ratio after | change | |",
        "|---|---|---|---|---|---|",
    ]
    slower = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if old is None or new is None:
            shown = old or new
            lines.append(f"| {key} | {shown['label']} | | | only one tree | |")
            continue
        change = 100 * (new["ratio"] / old["ratio"] - 1)
        flag = "slower" if change > tolerance else ""
        if flag:
            slower.append(key)
        lines.append(
            f"| {key} | {old['label']} | {old['ratio']:.3f} | {new['ratio']:.3f} | "
            f"{change:+.1f}% | {flag} |"
        )
    verdict = ", ".join(slower) or "none"
    lines += ["", f"rows more than {tolerance:g}% slower: {verdict}"]
    return lines


def main(argv=None):
    args = parse_args(argv)
    options = compare_options(args)
    runs = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as folder:
        for index, name in enumerate(schedule(args.rounds)):
            tree = getattr(args, name)
            runs[name].append(run_once(tree, options, folder, index))
    before, after = collect(runs["before"]), collect(runs["after"])
    lines = [
        *table(f"Before: {args.before}", before),
        "",
        *table(f"After: {args.after}", after),
        "",
        *changes(before, after, args.tolerance),
    ]
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
