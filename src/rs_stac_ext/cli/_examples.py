"""``rs-stac examples``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from rs_stac_ext.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, format_option
from rs_stac_ext.schemas import find_version
from rs_stac_ext.schemas.examples import ExampleVerdict, check_examples

__all__ = ["examples_command"]


@click.command("examples")
@format_option
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="An extensions folder to check instead of the packaged one.",
)
def examples_command(output_format: str, root: Path | None) -> None:
    """Check every shipped example against its schema and print the verdicts.

    Valid examples must pass every packaged schema they declare; each invalid example must fail
    the schema its expectation names, at the JSON pointer it names.
    """
    verdicts = check_examples(root)
    if output_format == "json":
        for verdict in verdicts:
            click.echo(json.dumps(verdict.to_dict(), ensure_ascii=False))
    else:
        _print_verdicts(verdicts)
    failed = [v for v in verdicts if not v.as_expected]
    if not verdicts:
        click.echo("no examples found", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


def _relative(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[parts.index("examples") + 1 :]) if "examples" in parts else str(path)


def _print_verdicts(verdicts: list[ExampleVerdict]) -> None:
    rows = [
        (
            v.extension.value,
            _relative(v.path),
            find_version(v.schema).version if v.schema else "-",
            "valid" if v.expected_valid else "invalid",
            "valid" if v.valid else "invalid",
            "ok" if v.as_expected else "FAIL",
        )
        for v in verdicts
    ]
    header = ("extension", "example", "schema", "expected", "verdict", "")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    click.echo("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    for verdict, row in zip(verdicts, rows, strict=True):
        line = "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        click.echo(line)
        if verdict.error is not None:
            click.echo(f"    error: {verdict.error}")
        elif not verdict.expected_valid and verdict.as_expected:
            match = next(p for p in verdict.problems if p.path == verdict.expected_path)
            click.echo(f"    {match.path or '/'}: {match.message}")
        elif not verdict.as_expected:
            if not verdict.expected_valid:
                click.echo(f"    expected a problem at {verdict.expected_path or '/'}")
            for problem in verdict.problems:
                click.echo(f"    {problem.path or '/'}: {problem.message}")
    failed = sum(1 for v in verdicts if not v.as_expected)
    passed = len(verdicts) - failed
    click.echo(f"{passed} as expected, {failed} not as expected")
