"""Entry points for Dask pipelines: validation reports as a ``dask.bag``.

For people who already build their own Dask graphs:

* :func:`read_reports` -- a bag of :class:`~rs_stac_ext.validator.validation.DocumentReport`
  for NDJSON files (local, HTTP(S), S3), folders or catalogs: one bag partition per
  validation partition, in input order, with the line numbers and sources of
  ``rs-stac validate`` (``reports.compute()`` gives exactly its reports).
* :func:`validate_bag` -- validate a bag you already have, of parsed documents (dicts),
  NDJSON lines (``str`` or ``bytes``, as ``dask.bag.read_text`` gives) or
  :class:`~rs_stac_ext.validator.readers.InputDocument` records.

Both build one validator per worker thread (schemas compiled once), never one per document.
For a dask.dataframe of flat report records, see
:mod:`rs_stac_ext.validator.dask_dataframe`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any

from rs_stac_ext.validator.validation import DocumentReport, ValidationOptions

if TYPE_CHECKING:
    import dask.bag
    from dask.delayed import Delayed

__all__ = ["delayed_partitions", "read_reports", "report_record", "validate_bag"]


def read_reports(
    inputs: Iterable[Any],
    options: ValidationOptions | None = None,
    *,
    workers: int = 8,
    partition_bytes: int | None = None,
    partition_items: int | None = None,
    stdin: IO[bytes] | None = None,
) -> dask.bag.Bag:
    """Return a lazy bag of the reports on some inputs, in input order.

    The inputs are cut into partitions here (local NDJSON files are scanned for line starts;
    remote objects are only asked their size); reading and checking happen when the bag is
    computed, wherever Dask runs it. Local files must be readable there at the same path.

    Args:
        inputs: As for :func:`rs_stac_ext.validator.cluster.validate_on_cluster`.
        options: How to validate.
        workers: Worker threads the bag is meant for (at least eight partitions each, when a
            file is big enough).
        partition_bytes: Partition size of an NDJSON file (default: at most 4 MiB).
        partition_items: Items per partition of a pgstac database (default 2000).
        stdin: Stream to read for ``-``.

    Returns:
        A bag of :class:`~rs_stac_ext.validator.validation.DocumentReport`.
    """
    import dask.bag

    bag: dask.bag.Bag = dask.bag.from_delayed(
        delayed_partitions(
            inputs,
            list,
            options,
            workers=workers,
            partition_bytes=partition_bytes,
            partition_items=partition_items,
            stdin=stdin,
        )
    )
    return bag


def delayed_partitions(
    inputs: Iterable[Any],
    transform: Callable[[list[DocumentReport]], Any],
    options: ValidationOptions | None = None,
    *,
    workers: int = 8,
    partition_bytes: int | None = None,
    partition_items: int | None = None,
    stdin: IO[bytes] | None = None,
) -> list[Delayed]:
    """Plan the inputs (here) into one delayed task per partition, in input order.

    Each task reads and checks its partition where Dask runs it and returns what
    ``transform`` makes of its reports (a module-level function: it travels to the workers).

    Args:
        inputs: As for :func:`read_reports`.
        transform: Turns a partition's reports, in order, into the task's result.
        options: How to validate.
        workers: As for :func:`read_reports`.
        partition_bytes: As for :func:`read_reports`.
        partition_items: As for :func:`read_reports`.
        stdin: Stream to read for ``-``.

    Returns:
        The tasks.
    """
    from dask.delayed import delayed

    from rs_stac_ext.validator import _cluster_tasks as tasks
    from rs_stac_ext.validator.cluster import _settings
    from rs_stac_ext.validator.partitions import RemotePart, plan

    settings = _settings(options)
    setup = tasks.WorkerSetup(settings, uuid.uuid4().hex[:16])
    before: dict[str, Any] = {}
    pieces = []
    sizes = {} if partition_items is None else {"items_per_part": partition_items}
    for index, part in enumerate(
        plan(
            inputs,
            settings.reader,
            workers=workers,
            stdin=stdin,
            part_bytes_limit=partition_bytes,
            **sizes,
        )
    ):
        feeds: Any = None
        if isinstance(part, RemotePart):
            feeds = 0 if part.start == 0 else before.pop(part.source)
            if part.end < part.size:
                counted = delayed(tasks.count_part, pure=True)(part, setup)
                before[part.source] = delayed(tasks.add, pure=True)(feeds, counted)
        pieces.append(delayed(tasks.run_part, pure=True)(part, feeds, setup, transform, index))
    return pieces


def validate_bag(documents: dask.bag.Bag, options: ValidationOptions | None = None) -> dask.bag.Bag:
    """Validate every element of a bag, giving a bag of reports in the same order.

    Args:
        documents: Parsed documents, NDJSON lines (``str``/``bytes``; blank lines are skipped)
            or :class:`~rs_stac_ext.validator.readers.InputDocument` records. Documents
            without a source are named ``<bag>``.
        options: How to validate.

    Returns:
        A bag of :class:`~rs_stac_ext.validator.validation.DocumentReport`.
    """
    from rs_stac_ext.validator import _cluster_tasks as tasks
    from rs_stac_ext.validator.cluster import _settings

    setup = tasks.WorkerSetup(_settings(options), uuid.uuid4().hex[:16])
    reports: dask.bag.Bag = documents.map_partitions(_check_elements, setup)
    return reports


def _check_elements(elements: Iterable[Any], setup: Any) -> list[DocumentReport]:
    from rs_stac_ext.validator._cluster_tasks import validator_for
    from rs_stac_ext.validator.readers import InputDocument, parse_deferred

    validator = validator_for(setup)
    reader = validator.options.reader
    reports: list[DocumentReport] = []
    for element in elements:
        if isinstance(element, InputDocument):
            record = element
        elif isinstance(element, str | bytes):
            raw = element.encode("utf-8") if isinstance(element, str) else element
            if not raw.strip():
                continue
            record = InputDocument("<bag>", raw=raw.rstrip(b"\r\n"))
        else:
            record = InputDocument("<bag>", document=element)
        reports.extend(validator.check(parsed) for parsed in parse_deferred(record, reader))
    return reports


def report_record(report: DocumentReport) -> dict[str, Any]:
    """A flat record of a report, for ``bag.map(report_record).to_dataframe()``.

    Returns:
        ``source``, ``line``, ``pointer``, ``id``, ``valid``, the number of ``errors``,
        ``warnings`` and ``not_checked`` schemas, and the first error's message and path.
    """
    first = report.errors[0] if report.errors else None
    return {
        "source": report.source,
        "line": report.line,
        "pointer": report.pointer,
        "id": report.id,
        "valid": report.valid,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "not_checked": len(report.not_checked),
        "first_error": first.message if first is not None else None,
        "first_error_path": first.path if first is not None else None,
    }
