"""Count the verdicts of ``rs-stac validate --format json`` reports, one mapped set per file.

Usage: ``python scripts/count_verdicts.py REPORT.ndjson...`` (each file holds the JSON lines of
one set; the set is named after the file). Prints, per set, how many Items are valid, invalid
and incomplete, and which schemas left Items incomplete, then one line saying whether every
Item is valid. Exits 1 when any Item is not valid (every mapped Item is checked offline in
full: that is what ``./scripts/main`` promises); 0 otherwise.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def verdict(report: dict[str, Any]) -> str:
    """Return ``valid``, ``invalid`` or ``incomplete`` for one report line.

    Uses the report's ``verdict`` when it has one; older reports only have ``valid`` and
    ``not_checked``, from which the same answer follows.
    """
    given = report.get("verdict")
    if isinstance(given, str):
        return given
    if not report.get("valid"):
        return "invalid"
    return "incomplete" if report.get("not_checked") else "valid"


def main(paths: list[str]) -> int:
    """Print the counts of every report file; return the exit code."""
    totals: Counter[str] = Counter()
    for name in paths:
        path = Path(name)
        counts: Counter[str] = Counter()
        missing: Counter[str] = Counter()
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            report = json.loads(line)
            counts[verdict(report)] += 1
            for entry in report.get("not_checked", []):
                missing[entry["schema"]] += 1
        label = path.name.removesuffix(".report.ndjson")
        print(
            f"{label:<12} {counts['valid']:>4} valid  {counts['invalid']:>4} invalid  "
            f"{counts['incomplete']:>4} incomplete"
        )
        for schema, count in sorted(missing.items()):
            print(f"{'':<12} {count:>4} not checked against {schema}")
        totals.update(counts)
    total = sum(totals.values())
    if totals["valid"] == total:
        print(f"every Item valid: {total} of {total}, each checked in full")
        return 0
    print(
        f"NOT every Item valid: {totals['valid']} of {total} valid, {totals['invalid']} invalid, "
        f"{totals['incomplete']} incomplete"
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
