"""``python -m bench [NAME ...]``: run the benchmarks (all by default), print a table per
benchmark and write each result as JSON under var/bench/; then the performance table (before and now,
``bench/table.py``). ``python -m bench table`` prints only that table, from the saved runs;
``python -m bench scale --size 0.1`` builds the scale benchmark's data set ten times smaller."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("startup", "dispatch", "tally", "web", "inbox", "scale")


def main(argv: list[str]) -> int:
    from bench.table import print_table

    if argv == ["table"]:
        print_table()
        return 0
    options: list[str] = []  # the scale benchmark's: --size N
    given: list[str] = []
    words = iter(argv)
    for word in words:
        if word.startswith("--"):
            options += [word, next(words, "")]
        else:
            given.append(word)
    names = given or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        result = module.run(options) if name == "scale" else module.run()
        result.print()
        path = result.save()
        print(f"  written: {path.relative_to(path.parents[2])}\n")
    print_table()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
