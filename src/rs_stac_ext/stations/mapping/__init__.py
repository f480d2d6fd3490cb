"""OData records of ground stations to STAC Items.

:func:`map_record` maps one record (a CADIP session with its files, or an AUXIP, PRIP or LTA
product) and raises :class:`MappingError` when it cannot; :func:`map_page` maps a whole OData
answer and yields, record by record, either a :class:`MappedItem` or the :class:`MappingError`
of a bad record, so one bad record never stops the page. The field tables and every deliberate
difference from the previous reference server are in ``docs/stations.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rs_stac_ext.stations.mapping._common import (
    STAC_VERSION,
    MappingError,
    Versions,
    ensure_object,
    record_label,
)

if TYPE_CHECKING:
    from rs_stac_ext.stations.registry import Station

__all__ = [
    "MAPPED_SERVICES",
    "STAC_VERSION",
    "MappedItem",
    "MappingContext",
    "MappingError",
    "ODataPage",
    "Versions",
    "map_page",
    "map_record",
    "read_odata",
]

MAPPED_SERVICES = ("cadip", "auxip", "prip", "lta")
"""Services whose records become STAC Items (EDRS serves files over FTPES, not OData)."""

_LABEL_FIELDS = ("SessionId", "Name", "Id")


@dataclass(frozen=True)
class MappingContext:
    """Where the records come from and what the Items should look like.

    Attributes:
        station: The station the records come from; its ``root_url`` makes asset hrefs and its
            ``station_code`` fills ``cadip:station_id``.
        collection: The STAC collection the Items belong to.
        base_url: Base URL of the STAC API serving the Items (``http://host:8000``); links and
            ``collection`` are written only when it is set.
        versions: ``newest`` (cadip and auxip v2.0.0) or ``previous`` (cadip v1.4.0, auxip
            v1.1.0, as the previous reference server emitted).
        root_url: OData root for asset hrefs, overriding the station's.
    """

    station: Station | None = None
    collection: str | None = None
    base_url: str = ""
    versions: Versions = "newest"
    root_url: str | None = None

    @property
    def odata_root(self) -> str | None:
        """The OData root that asset hrefs start with, if known."""
        if self.root_url:
            return self.root_url.rstrip("/")
        if self.station is not None:
            return self.station.root_url
        return None


@dataclass(frozen=True)
class MappedItem:
    """One STAC Item made from one record.

    Attributes:
        item: The Item, ready for ``json.dumps``.
        problems: Parts of the record that were left out because they were bad (CADIP files);
            empty when everything was mapped.
    """

    item: dict[str, Any]
    problems: tuple[MappingError, ...] = field(default=())


@dataclass(frozen=True)
class ODataPage:
    """The records of one OData answer.

    Attributes:
        records: The records, as given.
        root_url: The OData root named by ``@odata.context``, if the answer has an absolute one.
    """

    records: list[Any]
    root_url: str | None = None


def read_odata(document: Any) -> ODataPage:
    """Return the records of an OData answer.

    Accepts ``{"value": [...]}`` (OData), the ``{"responses": [...]}`` and ``{"Data": [...]}``
    wrappers of older mock stations, a bare list of records, or one record.

    Raises:
        ValueError: The document holds no list of records.
    """
    root: str | None = None
    if isinstance(document, Mapping):
        context = document.get("@odata.context")
        if isinstance(context, str) and "/$metadata" in context and "://" in context:
            root = context.split("/$metadata", 1)[0].rstrip("/")
        for key in ("value", "responses", "Data"):
            if key in document:
                records = document[key]
                if not isinstance(records, list):
                    raise ValueError(f"the {key!r} member is not a list of records")
                return ODataPage(records, root)
        if any(name in document for name in ("Id", "SessionId", "Name")):
            return ODataPage([document], root)
        raise ValueError("expected an OData answer: an object with a 'value' list of records")
    if isinstance(document, list):
        return ODataPage(document, root)
    raise ValueError("expected an OData answer: an object with a 'value' list of records")


def _service(service: str) -> str:
    name = service.strip().lower()
    name = {"adgs": "auxip"}.get(name, name)
    if name not in MAPPED_SERVICES:
        raise ValueError(
            f"cannot map records of service {service!r}: expected one of "
            f"{', '.join(MAPPED_SERVICES)}"
        )
    return name


def map_record(
    service: str,
    record: Any,
    *,
    context: MappingContext | None = None,
    files: Sequence[Any] | None = None,
    index: int = 0,
) -> MappedItem:
    """Map one OData record to a STAC Item.

    Args:
        service: ``cadip``, ``auxip`` (or ``adgs``), ``prip`` or ``lta``.
        record: The record: a CADIP session (its ``Files`` member, from ``$expand=Files``, is
            used when ``files`` is not given), or a product with its ``Attributes``.
        context: Station, collection, API base URL and extension versions.
        files: CADIP only: the session's file records, fetched separately.
        index: The record's place in its page, used to name it in errors when it has no id.

    Returns:
        The Item, with the problems of any part left out.

    Raises:
        MappingError: The record cannot make a valid Item; the error names the record and the
            field.
        ValueError: The service has no mapper.
    """
    name = _service(service)
    chosen = context or MappingContext()
    label = record_label(record, index, _LABEL_FIELDS)
    data = ensure_object(record, label)
    if name == "cadip":
        from rs_stac_ext.stations.mapping.cadip import map_session

        return map_session(data, label, chosen, files)
    if name == "auxip":
        from rs_stac_ext.stations.mapping.auxip import map_product as map_auxip

        return map_auxip(data, label, chosen)
    if name == "prip":
        from rs_stac_ext.stations.mapping.prip import map_product as map_prip

        return map_prip(data, label, chosen)
    from rs_stac_ext.stations.mapping.lta import map_product as map_lta

    return map_lta(data, label, chosen)


def files_by_session(files: Iterable[Any]) -> dict[str, list[Any]]:
    """Group CADIP file records by their ``SessionId`` (or the older ``SessionID``).

    Records without a session id are left out: they cannot be attached to any session.
    """
    grouped: dict[str, list[Any]] = {}
    for record in files:
        if not isinstance(record, Mapping):
            continue
        session = record.get("SessionId", record.get("SessionID"))
        if isinstance(session, str):
            grouped.setdefault(session, []).append(record)
    return grouped


def map_page(
    service: str,
    records: Iterable[Any],
    *,
    context: MappingContext | None = None,
    files: Iterable[Any] | None = None,
) -> Iterator[MappedItem | MappingError]:
    """Map every record of a page, yielding an Item or the error of each record, in order.

    Args:
        service: ``cadip``, ``auxip``, ``prip`` or ``lta``.
        records: The records (see :func:`read_odata`).
        context: Station, collection, API base URL and extension versions.
        files: CADIP only: file records fetched separately (``Files?$filter=SessionId in …``),
            attached to their sessions by ``SessionId``; a session with an expanded ``Files``
            member keeps those when it has no separate files.

    Raises:
        ValueError: The service has no mapper.
    """
    name = _service(service)
    grouped = files_by_session(files) if files is not None else None
    for index, record in enumerate(records):
        session_files: Sequence[Any] | None = None
        if name == "cadip" and grouped is not None and isinstance(record, Mapping):
            session_id = record.get("SessionId")
            if isinstance(session_id, str) and session_id in grouped:
                session_files = grouped[session_id]
        try:
            yield map_record(name, record, context=context, files=session_files, index=index)
        except MappingError as error:
            yield error
        except RecursionError:
            label = record_label(record, index, _LABEL_FIELDS)
            yield MappingError(label, "(record)", "nested too deeply to be mapped")
