"""Draw the benchmark figure of the documentation from ``results.json``.

One row of panels per data set: Items per second of every tool (logarithmic axis) on the left,
peak resident memory on the right. Our rows, the peers and the parse floor have their own
colours; a tool that could not be measured is named with ``n/a``.

Usage::

    python benchmarks/plot.py [--results benchmarks/results.json] [--out docs/assets/benchmarks.png]

Needs matplotlib (a benchmark-only dependency: ``pip install matplotlib``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_RESULTS = HERE / "results.json"
DEFAULT_OUT = HERE.parent / "docs" / "assets" / "benchmarks.png"
COLOURS = {"ours": "#3949ab", "peer": "#9e9e9e", "floor": "#c5cae9"}
ROLE_NAMES = {"ours": "rs-stac-ext", "peer": "other validators", "floor": "JSON parsing only"}


def load_rows(path: Path) -> tuple[list[str], dict[str, list[dict[str, Any]]]]:
    """Return the data sets in run order and the rows of each."""
    results = json.loads(path.read_text(encoding="utf-8"))
    order: list[str] = []
    by_set: dict[str, list[dict[str, Any]]] = {}
    for row in results["rows"]:
        if row["dataset"] not in by_set:
            order.append(row["dataset"])
        by_set.setdefault(row["dataset"], []).append(row)
    return order, by_set


def _panel(
    axes: Any, positions: list[int], values: list[float | None], colours: list[str], *, log: bool
) -> None:
    """Horizontal bars with their values written after them; ``n/a`` for missing values."""
    measured = [value for value in values if value]
    for position, value, colour in zip(positions, values, colours, strict=True):
        if value:
            axes.barh(position, value, color=colour)
            axes.annotate(
                f"{value:,.0f}",
                (value, position),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
            )
        else:
            axes.annotate(
                "n/a", (0.01, position), xycoords=("axes fraction", "data"), va="center", fontsize=7
            )
    if log:
        axes.set_xscale("log")
        axes.set_xlim(min(measured) / 2, max(measured) * 4)
    else:
        axes.set_xlim(0, max(measured) * 1.18)
    axes.set_ylim(-0.6, len(positions) - 0.4)


def draw(results: Path, out: Path) -> Path:
    """Draw the figure and write it as a PNG.

    Args:
        results: The ``results.json`` written by ``benchmarks/run.py``.
        out: The PNG to write (its folder is created).

    Returns:
        The path written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    order, by_set = load_rows(results)
    tallest = max(len(rows) for rows in by_set.values())
    figure, axes = plt.subplots(
        len(order),
        2,
        figsize=(11, 0.32 * tallest * len(order) + 1.6),
        squeeze=False,
        gridspec_kw={"width_ratios": [3, 2]},
    )
    for line, name in enumerate(order):
        rows = list(reversed(by_set[name]))
        labels = [row["tool"] for row in rows]
        colours = [COLOURS.get(row["role"], "#616161") for row in rows]
        speed, memory = axes[line]
        positions = list(range(len(rows)))
        _panel(speed, positions, [row["items_per_second"] for row in rows], colours, log=True)
        speed.set_yticks(positions, labels, fontsize=8)
        speed.set_title(f"{name}: Items per second (log scale)", fontsize=10, loc="left")
        _panel(memory, positions, [row["peak_rss_mib"] for row in rows], colours, log=False)
        memory.set_yticks(positions, [])
        memory.set_title(f"{name}: peak memory (MiB)", fontsize=10, loc="left")
    handles = [Patch(color=colour, label=ROLE_NAMES[role]) for role, colour in COLOURS.items()]
    figure.legend(handles=handles, loc="lower center", ncols=3, frameon=False, fontsize=9)
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    out.parent.mkdir(parents=True, exist_ok=True)
    # No timestamps in the metadata: the same results give the same bytes.
    figure.savefig(out, dpi=110, metadata={"Software": None})
    plt.close(figure)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="results.json")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="PNG to write")
    args = parser.parse_args(argv)
    if not args.results.is_file():
        print(f"no results at {args.results}: run benchmarks/run.py first", file=sys.stderr)
        return 2
    try:
        written = draw(args.results, args.out)
    except ImportError:
        print("matplotlib is needed: pip install matplotlib", file=sys.stderr)
        return 2
    print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
