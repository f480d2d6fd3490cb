"""The ``rs-stac`` command line.

Exit codes: 0 when everything checked is as expected, 1 when a document is invalid (or an
example does not get its expected verdict), 2 for usage and I/O errors. Results go to stdout,
progress and diagnostics to stderr. ``--format json`` output is stable and documented.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from rs_stac_ext._schema_commands import export_schemas, fetch_schemas, list_schemas
from rs_stac_ext._version import __version__
from rs_stac_ext.engine import Engine
from rs_stac_ext.errors import UnknownIdentifierError
from rs_stac_ext.examples import ExampleVerdict, check_examples
from rs_stac_ext.resolver import ResolverSettings, SchemaResolver, default_cache_dir
from rs_stac_ext.schemas import FormatMode, find_version, read_bytes

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

_FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output for people (text) or programs (json).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rs-stac")
def main() -> None:
    """Tools for the Reference System's STAC extensions (auxip, cadip, ownership, download)."""


@main.command("examples")
@_FORMAT
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


@main.group("schemas")
def schemas_group() -> None:
    """List and print the packaged schemas and OpenAPI documents."""


def _resolver_options(function: Any) -> Any:
    options = [
        click.option(
            "--schema-dir",
            "schema_dirs",
            multiple=True,
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            help="A mirror folder of schemas (<host>/<path> layout or a schema-map.json). "
            "Repeatable.",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Schema cache folder [default: $RS_STAC_CACHE or ~/.cache/rs-stac-ext/schemas].",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the schema cache."),
        click.option(
            "--allow-host",
            "allow_hosts",
            multiple=True,
            metavar="HOST",
            help="A host schemas (and documents) may be downloaded from over https; "
            "'http://host:port' allows plain http. Repeatable. Default: none (offline).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=10.0,
            show_default=True,
            help="Seconds allowed for one download.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _resolver_settings(
    schema_dirs: tuple[Path, ...],
    cache_dir: Path | None,
    no_cache: bool,
    allow_hosts: tuple[str, ...],
    timeout: float,
) -> ResolverSettings:
    try:
        return ResolverSettings(
            schema_dirs=schema_dirs,
            cache_dir=cache_dir if cache_dir is not None else default_cache_dir(),
            use_cache=not no_cache,
            allow_hosts=allow_hosts,
            timeout=timeout,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


@schemas_group.command("list")
@_FORMAT
@_resolver_options
def schemas_list(output_format: str, **resolver_options: Any) -> None:
    """List every schema available offline, where it comes from, and the newest of ours."""
    resolver = SchemaResolver(_resolver_settings(**resolver_options))
    rows = list_schemas(resolver)
    if output_format == "json":
        for row in rows:
            click.echo(json.dumps(row))
        return
    for row in rows:
        mark = " (newest)" if row["newest"] and not row["alias_of"] else ""
        alias = f"  [alias of {row['alias_of']}]" if row["alias_of"] else ""
        click.echo(f"{row['origin']:<9} {row['uri']}{mark}{alias}")


@schemas_group.command("fetch")
@click.argument("uris", nargs=-1, required=True)
@_resolver_options
def schemas_fetch(uris: tuple[str, ...], **resolver_options: Any) -> None:
    """Download schemas (and everything they reference) into the cache, for offline use.

    Only hosts named with --allow-host are contacted.
    """
    resolver = SchemaResolver(_resolver_settings(**resolver_options))
    sys.exit(fetch_schemas(resolver, uris, lambda line: click.echo(line, err=True)))


@schemas_group.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@_resolver_options
def schemas_export(folder: Path, **resolver_options: Any) -> None:
    """Write every available schema to FOLDER with a schema map for other validators.

    The folder holds <host>/<path> files, schema-map.json, and the arguments that make
    stac-validator and stac-node-validator use these files instead of the network.
    """
    resolver = SchemaResolver(_resolver_settings(**resolver_options))
    sys.exit(export_schemas(resolver, folder, click.echo))


@schemas_group.command("show")
@click.argument("identifier")
def schemas_show(identifier: str) -> None:
    """Print a packaged schema or OpenAPI document, byte for byte as published."""
    try:
        data = read_bytes(identifier)
    except UnknownIdentifierError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(data.decode("utf-8"), nl=False)


@main.command("migrate")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--indent", type=int, default=2, show_default=True, help="JSON indentation.")
def migrate_command(source: Any, indent: int) -> None:
    """Upgrade a document to the newest version of each extension it declares.

    SOURCE is a JSON file, or - for standard input. The upgraded document goes to stdout and
    every change made to stderr.
    """
    from rs_stac_ext.migrate import upgrade

    try:
        document = json.load(source)
    except json.JSONDecodeError as exc:
        click.echo(
            f"{source.name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    if not isinstance(document, dict):
        click.echo(f"{source.name}: expected a JSON object", err=True)
        sys.exit(EXIT_USAGE)
    result = upgrade(document, warn=False)
    for change in result.changes:
        click.echo(f"{source.name}: {change.path}: {change.detail}", err=True)
    click.echo(json.dumps(result.document, indent=indent, ensure_ascii=False))


@main.command("validate")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--schema",
    "schema",
    metavar="ID",
    default=None,
    help="Check every document against this one schema only (no core schema, no rules).",
)
@_FORMAT
@click.option(
    "--format-checks",
    type=click.Choice([mode.value for mode in FormatMode]),
    default=FormatMode.DRAFT7.value,
    show_default=True,
    help="Which `format` keywords are asserted: draft7 (date-time, date, email, ipv4, ipv6, "
    "regex), all (also uuid), none.",
)
@click.option(
    "--engine",
    type=click.Choice([engine.value for engine in Engine]),
    default=Engine.AUTO.value,
    show_default=True,
    help="auto: jsonschema-rs where it gives python-jsonschema's verdicts; python: reference only.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes; 0 means one per CPU.",
)
@_resolver_options
@click.option("--no-rules", is_flag=True, help="Skip the checks a schema cannot express.")
@click.option("--no-lint", is_flag=True, help="No warnings about undeclared prefixes.")
@click.option("--no-core", is_flag=True, help="Skip the STAC core schema.")
@click.option("--no-follow", is_flag=True, help="Do not read the children of catalogs.")
@click.option(
    "--no-split", is_flag=True, help="Check a FeatureCollection as one document, not per Item."
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=256 * 2**20,
    show_default=True,
    help="Largest JSON file or NDJSON line accepted.",
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=1),
    default=128,
    show_default=True,
    help="Deepest nesting accepted.",
)
@click.option("--strict", is_flag=True, help="Exit 1 when a named schema could not be checked.")
@click.option("-q", "--quiet", is_flag=True, help="Text output: only documents with problems.")
@click.option("--progress/--no-progress", default=None, help="Progress on stderr [default: tty].")
def validate_command(
    inputs: tuple[str, ...],
    schema: str | None,
    output_format: str,
    format_checks: str,
    engine: str,
    jobs: int,
    no_rules: bool,
    no_lint: bool,
    no_core: bool,
    no_follow: bool,
    no_split: bool,
    max_bytes: int,
    max_depth: int,
    strict: bool,
    quiet: bool,
    progress: bool | None,
    **resolver_options: Any,
) -> None:
    """Validate STAC documents: files, folders, NDJSON, '-' (stdin) or STAC API URLs.

    Each document is checked against the STAC core schema, every schema in its
    stac_extensions and the rules a schema cannot express. Every problem is reported with
    its JSON pointer. Exit 0: all valid; 1: a document is invalid; 2: usage or I/O error.
    """
    from rs_stac_ext.readers import ReaderSettings
    from rs_stac_ext.report import Progress, Summary, TextWriter, json_line
    from rs_stac_ext.validation import ValidationOptions, default_jobs, validate

    resolver = _resolver_settings(**resolver_options)
    options = ValidationOptions(
        schema=schema,
        formats=FormatMode(format_checks),
        engine=Engine(engine),
        rules=not no_rules,
        lint=not no_lint,
        core=not no_core,
        resolver=resolver,
        reader=ReaderSettings(
            split_collections=not no_split,
            follow_links=not no_follow,
            max_bytes=max_bytes,
            max_depth=max_depth,
            allow_hosts=resolver.allow_hosts,
            timeout=resolver.timeout,
        ),
    )
    writer = TextWriter(sys.stdout, quiet=quiet)
    summary = Summary()
    meter = Progress(enabled=progress)
    workers = default_jobs() if jobs == 0 else jobs
    try:
        for report in validate(inputs, options, jobs=workers):
            summary.add(report)
            meter.tick()
            if output_format == "json":
                sys.stdout.write(json_line(report) + "\n")
            else:
                writer.write(report)
    except UnknownIdentifierError as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        meter.close()
    if output_format != "json":
        writer.finish()
    click.echo(summary.line(), err=True)
    if summary.io_errors:
        sys.exit(EXIT_USAGE)
    if summary.invalid or (strict and summary.incomplete):
        sys.exit(EXIT_INVALID)
    sys.exit(EXIT_OK)


def _register_optional_commands() -> None:
    from rs_stac_ext.server.cli import serve_command
    from rs_stac_ext.stations.cli import map_command

    main.add_command(map_command)
    main.add_command(serve_command)


_register_optional_commands()
