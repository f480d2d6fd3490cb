"""In-process benchmark drivers, each run in a fresh subprocess by ``run.py``.

A driver reads one input file, validates (or only parses) every Item in it, and writes a JSON
result: how many Items it saw, the seconds spent doing so (measured inside the process, so
interpreter start-up and imports are left out), and the ids of the Items it found invalid.

Only the standard library is imported at module level: the ``stac-valid`` driver runs in the
interpreter of stac-valid's own virtual environment, where neither orjson nor rs-stac-ext is
installed.

Usage::

    python benchmarks/drivers.py DRIVER INPUT RESULT [--schemas DIR] [--schema-dir DIR]

Drivers:

* ``orjson``: parse every NDJSON line with orjson, nothing else (the parse floor);
* ``rs-api``: ``rs_stac_ext.validator.validation.validate`` over the NDJSON file, streamed;
* ``rs-api-j2``: the same with ``jobs=2`` (two worker processes; wall-clock time);
* ``pystac``: ``pystac.validation.validate_dict`` on every NDJSON line (parsed with orjson),
  with the extension schemas of the ``--schemas`` export folder put in pystac's schema cache;
* ``stac-valid``: stac-valid's ``FastValidator`` on a FeatureCollection file, its own reader.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

Result = dict[str, Any]


def run_orjson(source: Path, schemas: Path | None) -> Result:
    import orjson

    started = time.perf_counter()
    count = 0
    with source.open("rb") as stream:
        for line in stream:
            if line.strip():
                orjson.loads(line)
                count += 1
    return {"items": count, "seconds": time.perf_counter() - started}


def run_rs_api(
    source: Path, schemas: Path | None, jobs: int = 1, schema_dirs: tuple[Path, ...] = ()
) -> Result:
    from rs_stac_ext.schemas.resolver import ResolverSettings
    from rs_stac_ext.validator.validation import ValidationOptions, validate

    resolver = ResolverSettings(schema_dirs=schema_dirs, cache_dir=None, use_cache=False)
    options = ValidationOptions(resolver=resolver)
    started = time.perf_counter()
    count = 0
    invalid: list[str | None] = []
    incomplete: list[str | None] = []
    errors: dict[str, list[str]] = {}
    not_checked: set[str] = set()
    for report in validate([source], options, jobs=jobs):
        count += 1
        not_checked.update(item.schema for item in report.not_checked)
        if report.verdict == "incomplete":
            incomplete.append(report.id)
        if report.verdict == "invalid":
            invalid.append(report.id)
            errors[str(report.id)] = [problem.path for problem in report.errors]
    seconds = time.perf_counter() - started
    return {
        "items": count,
        "seconds": seconds,
        "invalid": invalid,
        "incomplete": incomplete,
        "errors": errors,
        "not_checked": sorted(not_checked),
    }


def _schema_map(folder: Path) -> dict[str, Path]:
    entries = json.loads((folder / "schema-map.json").read_text(encoding="utf-8"))
    return {uri: folder / path for uri, path in entries.items()}


def run_pystac(source: Path, schemas: Path | None) -> Result:
    import orjson
    from pystac.errors import STACValidationError
    from pystac.validation import JsonSchemaSTACValidator, validate_dict

    validator = JsonSchemaSTACValidator()
    local = _schema_map(schemas) if schemas is not None else {}
    started = time.perf_counter()
    count = 0
    invalid: list[str | None] = []
    checked: set[str] = set()
    skipped: set[str] = set()
    with source.open("rb") as stream:
        for line in stream:
            if not line.strip():
                continue
            document = orjson.loads(line)
            count += 1
            extensions: list[str] = []
            for uri in document.get("stac_extensions", []):
                if uri in validator.schema_cache or uri in local:
                    if uri not in validator.schema_cache:
                        text = local[uri].read_text(encoding="utf-8")
                        validator.schema_cache[uri] = json.loads(text)
                    extensions.append(uri)
                else:
                    # pystac would download it; offline that is an error, not a verdict.
                    skipped.add(uri)
            checked.update(extensions)
            try:
                validate_dict(document, extensions=extensions, validator=validator)
            except STACValidationError:
                invalid.append(document.get("id"))
    return {
        "items": count,
        "seconds": time.perf_counter() - started,
        "invalid": invalid,
        "checked": sorted(checked),
        "not_checked": sorted(skipped),
    }


def run_stac_valid(source: Path, schemas: Path | None) -> Result:
    from stac_validator.fast_validator import FastValidator  # type: ignore[import-not-found]

    started = time.perf_counter()
    validator = FastValidator(str(source), quiet=True)
    validator.run()
    seconds = time.perf_counter() - started
    summary = validator.message[0] if validator.message else {}
    invalid: list[str | None] = []
    for entry in summary.get("errors", []):
        invalid.extend(entry.get("affected_items", []))
    return {
        "items": summary.get("total_objects", 0),
        "seconds": seconds,
        "invalid": sorted(set(invalid), key=str),
        "checked": summary.get("schemas_checked", []),
    }


DRIVERS: dict[str, Callable[[Path, Path | None], Result]] = {
    "orjson": run_orjson,
    "rs-api": run_rs_api,
    "rs-api-j2": partial(run_rs_api, jobs=2),
    "pystac": run_pystac,
    "stac-valid": run_stac_valid,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run one benchmark driver.")
    parser.add_argument("driver", choices=sorted(DRIVERS))
    parser.add_argument("input", type=Path)
    parser.add_argument("result", type=Path)
    parser.add_argument("--schemas", type=Path, default=None, help="schema export folder")
    parser.add_argument(
        "--schema-dir", type=Path, action="append", default=[], help="mirror (rs-api only)"
    )
    args = parser.parse_args(argv)
    driver = DRIVERS[args.driver]
    if args.driver.startswith("rs-api"):
        jobs = 2 if args.driver == "rs-api-j2" else 1
        driver = partial(run_rs_api, jobs=jobs, schema_dirs=tuple(args.schema_dir))
    result = driver(args.input, args.schemas)
    args.result.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
