"""Validate the shipped examples with the Python API and print the problems found.

Every ``extensions/<name>/examples/*.json`` must pass full validation (core schema, declared
extensions, rules), and every document of ``examples/invalid/`` must break the schema its
``expectations.json`` names, at the place it names. The script exits 1 otherwise. Nothing is
downloaded: schemas that are not packaged are reported as not checked, never as passed.

    python examples/validate_documents.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rs_stac_ext import check
from rs_stac_ext.resolver import ResolverSettings
from rs_stac_ext.validation import ValidationOptions, validate

EXTENSIONS = Path(__file__).resolve().parents[1] / "extensions"


def check_valid_examples(folder: Path, options: ValidationOptions) -> int:
    """Validate the valid examples of one extension; return how many are invalid.

    An example declaring a schema that cannot be had offline would be incomplete: nothing
    wrong found, but not fully checked, and the output would say so. Every schema the shipped
    examples declare is built in.
    """
    wrong = 0
    for report in validate(sorted(folder.glob("*.json")), options):
        print(f"  {Path(report.source).name}: {report.verdict.value}")
        for missing in report.not_checked:
            print(f"      not checked: {missing.schema}")
        for problem in report.errors:
            print(f"      {problem.path}: {problem.message}")
        wrong += report.verdict == "invalid"
    return wrong


def check_invalid_examples(folder: Path) -> int:
    """Check each invalid example against its schema; return how many are not caught."""
    expectations = json.loads((folder / "expectations.json").read_text(encoding="utf-8"))
    missed = 0
    for name, expected in sorted(expectations.items()):
        document = json.loads((folder / name).read_text(encoding="utf-8"))
        problems = check(document, expected["schema"])
        at_place = [p for p in problems if p.path.startswith(expected["path"])]
        if at_place:
            print(f"  invalid/{name}: {at_place[0].path or '/'}: {at_place[0].message}")
        else:
            print(f"  invalid/{name}: NOT CAUGHT at {expected['path']}")
            missed += 1
    return missed


def main() -> int:
    """Validate every example; return 0 when each verdict is the expected one."""
    # No cache and no allowed host: the same verdicts on every machine, and no network.
    options = ValidationOptions(resolver=ResolverSettings(use_cache=False))
    wrong = 0
    for folder in sorted(p for p in EXTENSIONS.glob("*/examples") if p.is_dir()):
        print(f"== {folder.parent.name}")
        wrong += check_valid_examples(folder, options)
        wrong += check_invalid_examples(folder / "invalid")
    print("every verdict as expected" if not wrong else f"{wrong} unexpected verdict(s)")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
