"""Lines of each module of sknn_scratch, and its functions' lines of code.

Run ``python scripts/code_sizes.py`` (``--limit-module 450 --limit-function
60`` by default): prints every module over its limit and every function whose
code, docstring aside, is over its limit, the largest of each, and exits with
status 1 if any is over.
"""

import argparse
import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sknn_scratch"


def function_sizes(path):
    """``(lines of code, name, first line)`` of each function in ``path``.

    Lines of code: the lines from the ``def`` to the function's last line,
    less its docstring's lines and blank lines.
    """
    source = path.read_text()
    lines = source.splitlines()
    sizes = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        skipped = set()
        body = node.body
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            skipped = set(range(body[0].lineno, body[0].end_lineno + 1))
        count = sum(
            1
            for number in range(node.lineno, node.end_lineno + 1)
            if number not in skipped and lines[number - 1].strip()
        )
        sizes.append((count, node.name, node.lineno))
    return sizes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-module", type=int, default=450)
    parser.add_argument("--limit-function", type=int, default=60)
    args = parser.parse_args(argv)
    over = False
    modules, functions = [], []
    for path in sorted(PACKAGE.glob("*.py")):
        modules.append((len(path.read_text().splitlines()), path.name))
        functions += [
            (n, f"{path.name}:{line} {name}") for n, name, line in function_sizes(path)
        ]
    for n, name in sorted(modules, reverse=True):
        if n > args.limit_module:
            over = True
            print(f"module over {args.limit_module} lines: {name} {n}")
    for n, name in sorted(functions, reverse=True):
        if n > args.limit_function:
            over = True
            print(f"function over {args.limit_function} lines of code: {name} {n}")
    print(f"largest module: {max(modules)[1]} ({max(modules)[0]} lines)")
    print(f"longest function: {max(functions)[1]} ({max(functions)[0]} lines of code)")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
