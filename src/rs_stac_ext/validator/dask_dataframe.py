"""Entry points for Dask pipelines: validation reports as a ``dask.dataframe``.

One row per report, with the columns of :data:`REPORT_COLUMNS` (and their dtypes, given to
Dask as an explicit ``meta``, so nothing is computed to guess them):

* :func:`reports_dataframe` -- the reports on some inputs (NDJSON files, local, HTTP(S) or
  S3; folders; catalogs; pgstac databases), one DataFrame partition per validation
  partition, in input order: ``reports_dataframe(inputs).compute()`` holds, row for row, the
  reports of ``rs-stac validate`` on the same inputs.
* :func:`validate_dataframe` -- validate a column of a DataFrame you already have (parsed
  documents, or JSON text); the result has your frame's index and partitions, one report
  per row, so it joins back to it.

Each worker thread builds one validator (schemas compiled once); only the flat rows travel
back, never report objects. Needs ``rs-stac-ext[dask]`` (dask.dataframe, pandas).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from rs_stac_ext.validator.validation import DocumentReport, ValidationOptions

if TYPE_CHECKING:
    import dask.dataframe
    import pandas

__all__ = ["REPORT_COLUMNS", "report_frame", "reports_dataframe", "validate_dataframe"]

REPORT_COLUMNS: dict[str, str] = {
    "source": "string",
    "line": "Int64",
    "pointer": "string",
    "id": "string",
    "verdict": "string",
    "valid": "bool",
    "errors": "int64",
    "warnings": "int64",
    "not_checked": "int64",
    "first_error": "string",
    "first_error_path": "string",
}
"""Columns of a report frame and their pandas dtypes (``string`` and ``Int64`` hold NA)."""


def empty_frame() -> pandas.DataFrame:
    """An empty report frame: the ``meta`` Dask is given."""
    import pandas

    return pandas.DataFrame(
        {name: pandas.Series([], dtype=dtype) for name, dtype in REPORT_COLUMNS.items()}
    )


def _row(report: DocumentReport) -> dict[str, Any]:
    first = report.errors[0] if report.errors else None
    return {
        "source": report.source,
        "line": report.line,
        "pointer": report.pointer,
        "id": report.id,
        "verdict": report.verdict.value,
        "valid": report.valid,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "not_checked": len(report.not_checked),
        "first_error": first.message if first is not None else None,
        "first_error_path": first.path if first is not None else None,
    }


def report_frame(reports: Iterable[DocumentReport], index: Any = None) -> pandas.DataFrame:
    """Turn reports into a pandas DataFrame with the columns of :data:`REPORT_COLUMNS`.

    Args:
        reports: The reports, in order.
        index: The frame's index (default: 0, 1, 2...).
    """
    import pandas

    rows = [_row(report) for report in reports]
    if not rows:
        frame = empty_frame()
        return frame if index is None else frame.set_axis(index)
    columns = {
        name: pandas.Series([row[name] for row in rows], dtype=dtype)
        for name, dtype in REPORT_COLUMNS.items()
    }
    frame = pandas.DataFrame(columns)
    return frame if index is None else frame.set_axis(index)


def reports_dataframe(
    inputs: Iterable[Any],
    options: ValidationOptions | None = None,
    *,
    workers: int = 8,
    partition_bytes: int | None = None,
    partition_items: int | None = None,
    stdin: IO[bytes] | None = None,
) -> dask.dataframe.DataFrame:
    """Return a lazy DataFrame of the reports on some inputs, one row each, in input order.

    The inputs are planned here, exactly as for ``rs-stac validate --cluster``; reading and
    checking happen when the frame is computed, wherever Dask runs it. Each partition's
    index counts from 0.

    Args:
        inputs: As for :func:`rs_stac_ext.validator.cluster.validate_on_cluster`.
        options: How to validate.
        workers: Worker threads the frame is meant for (at least eight partitions each, when
            a file is big enough).
        partition_bytes: Partition size of an NDJSON file (default: at most 4 MiB).
        partition_items: Items per partition of a pgstac database (default 2000).
        stdin: Stream to read for ``-``.

    Returns:
        A dask DataFrame with the columns of :data:`REPORT_COLUMNS`.
    """
    import dask.dataframe

    from rs_stac_ext.validator.dask_bag import delayed_partitions

    pieces = delayed_partitions(
        inputs,
        report_frame,
        options,
        workers=workers,
        partition_bytes=partition_bytes,
        partition_items=partition_items,
        stdin=stdin,
    )
    frame: dask.dataframe.DataFrame = (
        dask.dataframe.from_delayed(pieces, meta=empty_frame(), verify_meta=False)
        if pieces
        else dask.dataframe.from_pandas(empty_frame(), npartitions=1)
    )
    return frame


def validate_dataframe(
    frame: dask.dataframe.DataFrame,
    column: str,
    options: ValidationOptions | None = None,
    *,
    source: str | None = None,
) -> dask.dataframe.DataFrame:
    """Validate each value of a column: one report row per row, with the frame's index.

    Args:
        frame: A dask DataFrame.
        column: The column holding the documents: parsed (dicts) or JSON text (``str`` or
            ``bytes``). A FeatureCollection is checked as one document (one row, one report).
            Dask turns object columns into strings by default (a dict into its Python
            ``repr``, which is not JSON): keep JSON text in the column, or build the frame
            under ``dask.config.set({"dataframe.convert-string": False})``.
        options: How to validate.
        source: A column naming each document in the reports (a path, a URL); without it,
            the reports name the column and the row's index (``<items>[42]``).

    Returns:
        A dask DataFrame with the columns of :data:`REPORT_COLUMNS`, partitioned and indexed
        like ``frame``.

    Raises:
        KeyError: ``column`` or ``source`` is not a column of the frame.
    """
    import dataclasses

    from rs_stac_ext.validator import _cluster_tasks as tasks
    from rs_stac_ext.validator.cluster import _settings

    for name in (column, source):
        if name is not None and name not in frame.columns:
            raise KeyError(f"no column {name!r} in the DataFrame (it has {list(frame.columns)})")
    settings = _settings(options)
    # One row, one report: a FeatureCollection is not split into its Items here.
    reader = dataclasses.replace(settings.reader, split_collections=False)
    setup = tasks.WorkerSetup(dataclasses.replace(settings, reader=reader), uuid.uuid4().hex[:16])
    picked = frame[[column] if source is None else [column, source]]
    reports: dask.dataframe.DataFrame = picked.map_partitions(
        _check_partition, column, source, setup, meta=empty_frame()
    )
    return reports


def _check_partition(
    part: pandas.DataFrame, column: str, source: str | None, setup: Any
) -> pandas.DataFrame:
    from rs_stac_ext.validator._cluster_tasks import validator_for
    from rs_stac_ext.validator.readers import InputDocument, parse_deferred

    validator = validator_for(setup)
    reader = validator.options.reader
    names = part[source] if source is not None else None
    reports: list[DocumentReport] = []
    for position, (label, value) in enumerate(part[column].items()):
        name = str(names.iloc[position]) if names is not None else f"<{column}>[{label}]"
        if isinstance(value, str | bytes):
            raw = value.encode("utf-8") if isinstance(value, str) else value
            record = InputDocument(name, raw=raw)
        else:
            record = InputDocument(name, document=value)
        parsed = parse_deferred(record, reader)
        reports.append(validator.check(parsed[0]))
    return report_frame(reports, index=part.index)
