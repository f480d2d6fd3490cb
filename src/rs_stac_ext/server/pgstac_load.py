"""``rs-stac load``: validate STAC Collections and Items, then load them into pgstac.

::

    rs-stac load DSN INPUTS... [--mode upsert|insert|ignore] [--no-validate]
        [--schema-dir DIR] [--schema-pack FILE] [--allow-host HOST] [--refuse-incomplete]

Inputs are files or folders of JSON documents (Collections, Items, ItemCollections) and NDJSON
files of Items, read like ``rs-stac validate`` reads them. Every document is validated first
(STAC core, declared extensions, the project's rules); Collections are loaded before Items, in
one transaction each batch, with pypgstac's loader. Every Item that is not loaded is reported
with its file, its id and the reason: unreadable, invalid (with the first problems), its
Collection is neither in the inputs nor in the database, or the database refused it.

Schemas come from the same places as for ``rs-stac validate`` (``--schema-dir``,
``--schema-pack``, the cache, ``--allow-host``). A document that is **incomplete** (no error
found, but a schema it needs could not be had) is loaded, with a warning naming each schema
not checked and why: refusing it would make the catalog depend on what the loading machine
happens to hold, while its problems, if any, are not known. ``--refuse-incomplete`` refuses
such documents instead.

**Items without a footprint** (``"geometry": null``, as AUXIP and CADIP mapping produces for
auxiliary files and sessions) are stored as they are: pgstac declares ``items.geometry`` NOT
NULL (pgstac#325), so the loader relaxes that one constraint (``ALTER TABLE pgstac.items ALTER
COLUMN geometry DROP NOT NULL``, the change pgstac's maintainers and users discuss there), and
says so. No footprint is invented: such Items are found by id, Collection, time and properties,
and never by a spatial search (``bbox``/``intersects`` do not match a missing geometry).
``--refuse-null-geometry`` keeps the constraint and reports those Items as refused instead.

Exit codes: 0 everything loaded; 1 some documents refused; 2 usage errors or a database that
cannot be used.
"""

from __future__ import annotations

import logging
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from rs_stac_ext.cli._common import resolver_options, resolver_settings
from rs_stac_ext.validator.validation import ValidationOptions

__all__ = ["LoadReport", "Refusal", "load_command", "load_documents"]

EXIT_REFUSED = 1
EXIT_USAGE = 2
_LOG = logging.getLogger(__name__)
_BATCH = 500


@dataclass(frozen=True)
class Refusal:
    """A document that was not loaded.

    Attributes:
        where: File (and line or pointer) it came from.
        id: Its id, if it has one.
        reason: Why it was not loaded.
    """

    where: str
    id: str | None
    reason: str

    def __str__(self) -> str:
        named = f" {self.id!r}" if self.id else ""
        return f"{self.where}:{named} not loaded: {self.reason}"


@dataclass
class LoadReport:
    """What a load did.

    Attributes:
        collections: Ids of the Collections loaded.
        items: How many Items were loaded.
        null_geometry_items: How many of them have no geometry.
        skipped: Documents that are neither Collections nor Items (catalogs), by location.
        refused: Every document not loaded, with the reason.
        incomplete: Documents loaded although not fully checked, with the schemas not checked.
        relaxed_geometry: True when this load allowed null geometries in the database.
    """

    collections: list[str] = field(default_factory=list)
    items: int = 0
    null_geometry_items: int = 0
    skipped: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    incomplete: list[Refusal] = field(default_factory=list)
    relaxed_geometry: bool = False


@dataclass
class _Doc:
    where: str
    document: dict[str, Any]


def _problems_text(report: Any) -> str:
    shown = [f"{p.path or '/'}: {p.message}" for p in report.errors[:3]]
    more = len(report.errors) - len(shown)
    return "invalid: " + "; ".join(shown) + (f" (and {more} more)" if more > 0 else "")


def _not_checked_text(report: Any) -> str:
    return "not fully checked: " + "; ".join(
        f"{item.schema} not checked ({item.reason})" for item in report.not_checked
    )


def _read(
    inputs: Sequence[str],
    options: ValidationOptions | None,
    report: LoadReport,
    refuse_incomplete: bool,
) -> tuple[list[_Doc], list[_Doc]]:
    from rs_stac_ext.validator.readers import read_inputs
    from rs_stac_ext.validator.validation import Verdict
    from rs_stac_ext.validator.validation import validate as validate_documents

    reader = options.reader if options is not None else None
    records = list(read_inputs(inputs) if reader is None else read_inputs(inputs, reader))
    verdicts: dict[tuple[str, int | None, str], Any] = {}
    if options is not None:
        # Reports come grouped by source, not always in reading order: match them by place.
        for checked in validate_documents([r for r in records if r.error is None], options):
            verdicts[checked.source, checked.line, checked.pointer] = checked
    collections: list[_Doc] = []
    items: list[_Doc] = []
    for record in records:
        if record.error is not None:
            report.refused.append(Refusal(record.location, None, str(record.error)))
            continue
        document = record.document
        verdict = verdicts.get((record.source, record.line, record.pointer))
        doc_id = document.get("id") if isinstance(document, dict) else None
        doc_id = doc_id if isinstance(doc_id, str) else None
        if not isinstance(document, dict):
            report.refused.append(Refusal(record.location, None, "not a JSON object"))
            continue
        if verdict is not None and verdict.verdict is Verdict.INVALID:
            report.refused.append(Refusal(record.location, doc_id, _problems_text(verdict)))
            continue
        if verdict is not None and verdict.verdict is Verdict.INCOMPLETE:
            incomplete = Refusal(record.location, doc_id, _not_checked_text(verdict))
            if refuse_incomplete:
                report.refused.append(incomplete)
                continue
            report.incomplete.append(incomplete)
        kind = document.get("type")
        if kind == "Collection":
            collections.append(_Doc(record.location, document))
        elif kind == "Feature":
            items.append(_Doc(record.location, document))
        else:
            report.skipped.append(f"{record.location} ({kind or 'no type'})")
    return collections, items


def _existing_collections(conn: Any) -> set[str]:
    return {row[0] for row in conn.execute("SELECT id FROM pgstac.collections").fetchall()}


def _geometry_nullable(conn: Any) -> bool:
    row = conn.execute(
        "SELECT is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'pgstac' AND table_name = 'items' AND column_name = 'geometry'"
    ).fetchone()
    return bool(row and row[0] == "YES")


def _batches(docs: Sequence[_Doc], size: int) -> Iterable[Sequence[_Doc]]:
    for start in range(0, len(docs), size):
        yield docs[start : start + size]


def _database_reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"the database refused it: {text[0] if text else type(exc).__name__}"


def load_documents(
    dsn: str,
    inputs: Sequence[str],
    *,
    mode: str = "upsert",
    validate: bool = True,
    refuse_null_geometry: bool = False,
    options: ValidationOptions | None = None,
    refuse_incomplete: bool = False,
) -> LoadReport:
    """Validate and load Collections and Items into a pgstac database.

    Args:
        dsn: The database.
        inputs: Files and folders to read.
        mode: pypgstac's insert mode: ``upsert`` (replace), ``insert`` (fail on existing ids),
            ``ignore`` (keep existing ones).
        validate: Validate every document first and load only valid ones.
        refuse_null_geometry: Keep pgstac's NOT NULL geometry constraint and refuse Items
            without geometry instead of storing them.
        options: How to validate (schema sources, formats...); the defaults of
            ``rs-stac validate`` when ``None``.
        refuse_incomplete: Refuse documents that could not be fully checked, instead of
            loading them with a warning (:attr:`LoadReport.incomplete`).

    Returns:
        What was loaded and what was refused, and why.

    Raises:
        PgstacError: The database cannot be used.
    """
    import psycopg
    from pypgstac.db import PgstacDB
    from pypgstac.load import Loader, Methods

    from rs_stac_ext.server.pgstac_db import check_database

    check_database(dsn)
    method = {"upsert": Methods.upsert, "insert": Methods.insert, "ignore": Methods.ignore}[mode]
    report = LoadReport()
    if validate and options is None:
        options = ValidationOptions()
    collections, items = _read(inputs, options if validate else None, report, refuse_incomplete)
    db = PgstacDB(dsn=dsn)
    loader = Loader(db=db)
    try:
        for doc in collections:
            try:
                loader.load_collections(iter([doc.document]), insert_mode=method)
            except Exception as exc:  # pypgstac re-raises psycopg errors
                report.refused.append(Refusal(doc.where, doc.document["id"], _database_reason(exc)))
            else:
                report.collections.append(str(doc.document["id"]))
        with psycopg.connect(dsn, autocommit=True) as conn:
            known = _existing_collections(conn)
            nullable = _geometry_nullable(conn)
            if (
                not nullable
                and not refuse_null_geometry
                and any(d.document.get("geometry") is None for d in items)
            ):
                conn.execute("ALTER TABLE pgstac.items ALTER COLUMN geometry DROP NOT NULL")
                nullable = report.relaxed_geometry = True
                _LOG.warning(
                    "pgstac.items.geometry now accepts NULL, for Items without a footprint "
                    "(pgstac#325)"
                )
        loadable: dict[str, list[_Doc]] = defaultdict(list)
        for doc in items:
            collection = doc.document.get("collection")
            item_id = doc.document.get("id")
            if not isinstance(collection, str) or not collection:
                reason = "it names no collection"
            elif collection not in known:
                reason = f"its collection {collection!r} is neither in the inputs nor the database"
            elif doc.document.get("geometry") is None and not nullable:
                reason = "it has no geometry and --refuse-null-geometry was given"
            else:
                loadable[collection].append(doc)
                continue
            report.refused.append(Refusal(doc.where, str(item_id), reason))
        for docs in loadable.values():
            for batch in _batches(docs, _BATCH):
                _load_items(loader, method, batch, report)
    finally:
        db.close()
    return report


def _load_items(loader: Any, method: Any, batch: Sequence[_Doc], report: LoadReport) -> None:
    try:
        loader.load_items(iter([d.document for d in batch]), insert_mode=method)
    except Exception as exc:
        if len(batch) == 1:
            doc = batch[0]
            report.refused.append(
                Refusal(doc.where, str(doc.document.get("id")), _database_reason(exc))
            )
            return
        # One bad Item fails its whole batch: load them one by one to name it.
        for doc in batch:
            _load_items(loader, method, [doc], report)
        return
    report.items += len(batch)
    report.null_geometry_items += sum(1 for d in batch if d.document.get("geometry") is None)


@click.command("load", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("dsn")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--mode",
    type=click.Choice(["upsert", "insert", "ignore"]),
    default="upsert",
    show_default=True,
    help="What to do with ids already in the database: replace, fail, or keep them.",
)
@click.option("--no-validate", is_flag=True, help="Load without validating first.")
@click.option(
    "--refuse-null-geometry",
    is_flag=True,
    help="Refuse Items without geometry instead of allowing NULL geometries in pgstac.",
)
@click.option(
    "--refuse-incomplete",
    is_flag=True,
    help="Refuse documents that could not be fully checked (a schema they need could not be "
    "had) instead of loading them with a warning.",
)
@resolver_options
def load_command(
    dsn: str,
    inputs: tuple[str, ...],
    mode: str,
    no_validate: bool,
    refuse_null_geometry: bool,
    refuse_incomplete: bool,
    **resolver: Any,
) -> None:
    """Validate STAC Collections and Items, then load them into the pgstac database DSN.

    INPUTS are files or folders (JSON, NDJSON). Every document not loaded is reported with
    the reason; a document loaded without being fully checked is named with the schemas
    not checked.
    """
    options = ValidationOptions(resolver=resolver_settings(**resolver))
    try:
        from rs_stac_ext.server.pgstac_db import PgstacError
    except ImportError as exc:
        click.echo(
            f"error: loading needs pypgstac and stac-fastapi-pgstac ({exc}); "
            "install them with: pip install 'rs-stac-ext[pgstac]'",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    missing = [i for i in inputs if i != "-" and "://" not in i and not Path(i).exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        report = load_documents(
            dsn,
            inputs,
            mode=mode,
            validate=not no_validate,
            refuse_null_geometry=refuse_null_geometry,
            options=options,
            refuse_incomplete=refuse_incomplete,
        )
    except PgstacError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    for refusal in report.refused:
        click.echo(str(refusal), err=True)
    for loaded in report.incomplete:
        named = f" {loaded.id!r}" if loaded.id else ""
        click.echo(f"warning: {loaded.where}:{named} loaded, {loaded.reason}", err=True)
    for skipped in report.skipped:
        click.echo(f"{skipped}: skipped: pgstac stores Collections and Items only", err=True)
    if report.relaxed_geometry:
        click.echo(
            "note: pgstac.items.geometry now accepts NULL (Items without a footprint)", err=True
        )
    click.echo(
        f"loaded {len(report.collections)} collections and {report.items} items "
        f"({report.null_geometry_items} without geometry); {len(report.refused)} refused"
        + (f", {len(report.incomplete)} not fully checked" if report.incomplete else "")
    )
    sys.exit(EXIT_REFUSED if report.refused else 0)
