"""``rs-stac validate``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, BinaryIO

import click

from rs_stac_ext.cli._cluster import cluster_options, cluster_results
from rs_stac_ext.cli._common import (
    EXIT_INCOMPLETE,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    InputError,
    format_option,
    resolver_options,
    resolver_settings,
)
from rs_stac_ext.cli._database import database_filters, database_options
from rs_stac_ext.errors import UnknownIdentifierError
from rs_stac_ext.schemas import FormatMode
from rs_stac_ext.validator.engine import Engine

__all__ = ["validate_command"]


@click.command("validate")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--schema",
    "schema",
    metavar="ID",
    default=None,
    help="Check every document against this one schema only (no core schema, no rules).",
)
@format_option
@click.option(
    "--format-checks",
    type=click.Choice([mode.value for mode in FormatMode]),
    default=FormatMode.DRAFT7.value,
    show_default=True,
    help="Which `format` keywords are asserted: draft7 (python-jsonschema's draft-07 checker: "
    "date-time, uri, iri, json-pointer, ...), all (also uuid, duration, color), none.",
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
@resolver_options
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
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Exit 0 instead of 3 when nothing is invalid but some documents were not fully checked.",
)
@click.option(
    "--strict", is_flag=True, help="Exit 1 when a document was not fully checked (incomplete)."
)
@click.option("-q", "--quiet", is_flag=True, help="Text output: only documents with problems.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write the reports to FILE instead of stdout (the summary stays on stderr).",
)
@click.option("--progress/--no-progress", default=None, help="Progress on stderr [default: tty].")
@cluster_options
@database_options
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
    allow_incomplete: bool,
    strict: bool,
    quiet: bool,
    output: Path | None,
    progress: bool | None,
    cluster: str | None,
    cluster_timeout: float,
    report_dir: str | None,
    partition_size: int | None,
    partition_items: int | None,
    collections: tuple[str, ...],
    datetime_filter: str | None,
    **options: Any,
) -> None:
    """Validate STAC documents: files, folders, NDJSON, '-', STAC API URLs or pgstac databases.

    Each document is checked against the STAC core schema, every schema in its
    stac_extensions and the rules a schema cannot express. Every problem is reported with
    its JSON pointer. Each document is valid, invalid or incomplete (no error found, but a
    schema it needs could not be had). Exit 0: all valid; 1: a document is invalid; 2: usage
    or I/O error; 3: none invalid but some incomplete (0 with --allow-incomplete).
    """
    if strict and allow_incomplete:
        raise click.UsageError(
            "--strict (an incomplete document fails the run) and --allow-incomplete (it does "
            "not) contradict each other: choose one"
        )
    from rs_stac_ext.validator.readers import ReaderSettings, survey_inputs
    from rs_stac_ext.validator.report import (
        Progress,
        Renderer,
        Summary,
        survey_text,
        unchecked_text,
    )
    from rs_stac_ext.validator.validation import ValidationOptions, default_jobs, validate_mapped

    database = database_filters(inputs, collections, datetime_filter)
    resolver = resolver_settings(**options)
    settings = ValidationOptions(
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
            ca_bundle=resolver.ca_bundle,
            **database,
        ),
    )
    # Workers (or this process, with one job) render the output; here it is only written.
    renderer = Renderer(output_format, quiet=quiet)
    summary = Summary()
    if report_dir is not None and cluster is None:
        raise click.UsageError("--report-dir needs --cluster")
    # A path that names nothing is an input error, not a document; a folder walk says what
    # it passes over. Both are said on stderr before any report.
    survey = survey_inputs(inputs)
    click.echo(survey_text(survey, output_format), err=True, nl=False)
    summary.missing_inputs = len(survey.missing)
    inputs = tuple(target for target in inputs if target not in survey.missing)
    meter = Progress(enabled=progress if cluster is None else False)
    workers = default_jobs() if jobs == 0 else jobs
    sink = _open_output(output)
    try:
        results = (
            validate_mapped(inputs, renderer, settings, jobs=workers)
            if cluster is None
            else cluster_results(
                inputs,
                renderer,
                settings,
                cluster=cluster,
                cluster_timeout=cluster_timeout,
                report_dir=report_dir,
                partition_size=partition_size,
                partition_items=partition_items,
                progress=progress,
            )
        )
        for rendered in results:
            _write(rendered.data, sink)
            summary.merge(rendered.tally)
            meter.tick(rendered.tally.documents)
    except UnknownIdentifierError as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        meter.close()
        if sink is not None:
            sink.close()
    sys.stdout.flush()
    notice = unchecked_text(summary)
    if notice:
        click.echo(notice, err=True, nl=False)
    click.echo(summary.line(), err=True)
    if summary.io_errors or summary.missing_inputs:
        sys.exit(EXIT_USAGE)
    if summary.invalid or (strict and summary.incomplete):
        sys.exit(EXIT_INVALID)
    if summary.incomplete and not allow_incomplete:
        sys.exit(EXIT_INCOMPLETE)
    sys.exit(EXIT_OK)


def _open_output(output: Path | None) -> BinaryIO | None:
    """Open ``-o FILE`` for the reports (``None``: standard output)."""
    if output is None:
        return None
    try:
        return output.open("wb")
    except OSError as exc:
        raise InputError(f"{output}: cannot be written: {exc.strerror or exc}") from None


def _write(data: bytes, sink: BinaryIO | None) -> None:
    """Write UTF-8 output to ``sink``, else to standard output (its binary buffer if any)."""
    if not data:
        return
    if sink is not None:
        sink.write(data)
        return
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(data)
    else:
        sys.stdout.write(data.decode("utf-8"))
