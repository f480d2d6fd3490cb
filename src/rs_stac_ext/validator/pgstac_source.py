"""A pgstac database as a validation input: Items read where they live, as pgstac serves them.

``rs-stac validate postgresql://host:port/db`` reads every Item of the database (or of the
Collections named by ``--collection``, in the time interval of ``--datetime``) through a
server-side cursor, so memory stays bounded however many Items there are. pgstac stores
Items without what they share with their Collection (dehydrated); each Item is rebuilt by
pgstac's own ``content_hydrate`` function, the one its ``search`` runs, so the validator
checks the Item exactly as the database hands it to the STAC API.

Items come in a fixed order: Collection, then ``datetime``, then id (byte order, ``COLLATE
"C"``). Each report's source names the database without credentials, the Collection and
the Item (``postgresql://host:5432/db#collection/item-id``).

Credentials come only from the environment or the usual files (``PGPASSWORD``,
``PGSERVICE``, ``~/.pgpass``: libpq reads them itself); a password written in the URL is
refused. On a Dask cluster, :func:`plan_database` cuts each Collection into ranges of
``(datetime, id)`` holding about ``items_per_part`` Items each (counted in the database), and
each worker opens its own connection with its own environment's credentials.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlsplit

from rs_stac_ext.errors import RsStacExtError
from rs_stac_ext.validator.readers import InputDocument, ReadError, ReaderSettings, parse_deferred

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "DatabasePart",
    "DatabaseSourceError",
    "TimeInterval",
    "database_name",
    "is_database_url",
    "parse_interval",
    "password_refusal",
    "plan_database",
    "read_database",
    "read_database_part",
]

SCHEMES = ("postgresql", "postgres")
ITEMS_PER_PART = 2000
INSTALL_HINT = "pip install 'rs-stac-ext[postgresql]'"
_FETCH = 500  # rows a server-side cursor hands over at a time
_CREDENTIAL_HINT = (
    "put it in the environment (PGPASSWORD), a password file (~/.pgpass or PGPASSFILE) or a "
    "service file (PGSERVICE) instead"
)


class DatabaseSourceError(RsStacExtError):
    """The database cannot be read: bad URL, unreachable, refused, or not a pgstac database."""


def is_database_url(target: str) -> bool:
    """Tell whether an input names a PostgreSQL database (``postgresql://``, ``postgres://``)."""
    scheme, separator, _ = target.partition("://")
    return bool(separator) and scheme.lower() in SCHEMES


def password_refusal(url: str) -> str | None:
    """Return why a database URL is refused (it holds a password), or ``None``.

    A password on the command line shows in the process list and the shell's history.
    """
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError as exc:
        return f"invalid database URL: {exc}"
    in_query = any(key == "password" for key, _ in parse_qsl(parts.query))
    if password is None and not in_query:
        return None
    return (
        "a password in the database URL is refused (it would show in the process list and "
        f"the shell's history); {_CREDENTIAL_HINT}"
    )


# ------------------------------------------------------------------------------------- time


@dataclass(frozen=True)
class TimeInterval:
    """A closed time interval, each end possibly open (``None``), like STAC API ``datetime``.

    An Item matches when its time (``datetime``, or ``start_datetime`` to ``end_datetime``)
    meets the interval.

    Attributes:
        start: The first instant, or ``None`` (open).
        end: The last instant, or ``None`` (open).
    """

    start: datetime | None
    end: datetime | None


def parse_interval(text: str) -> TimeInterval:
    """Parse an RFC 3339 instant or interval (``A/B``; ``..`` or nothing for an open end).

    Raises:
        ValueError: It is not one, or its start is after its end, with what was expected.
    """
    value = text.strip()
    if "/" not in value:
        instant = _instant(value, text)
        return TimeInterval(instant, instant)
    first, _, last = value.partition("/")
    start = None if first in ("", "..") else _instant(first, text)
    end = None if last in ("", "..") else _instant(last, text)
    if start is None and end is None:
        raise ValueError(f"datetime {text!r}: an interval needs at least one closed end")
    if start is not None and end is not None and start > end:
        raise ValueError(f"datetime {text!r}: the start is after the end")
    return TimeInterval(start, end)


def _instant(value: str, whole: str) -> datetime:
    from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]

    if not validate_rfc3339(value):
        raise ValueError(
            f"datetime {whole!r}: expected an RFC 3339 date-time such as 2024-01-01T00:00:00Z, "
            "or an interval A/B with '..' for an open end"
        )
    return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))


# --------------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class _Filter:
    collections: tuple[str, ...]
    interval: TimeInterval | None

    def sql(self, alias: str = "i") -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.collections:
            clauses.append(f"{alias}.collection = ANY(%s)")
            params.append(list(self.collections))
        if self.interval is not None:
            if self.interval.end is not None:
                clauses.append(f"{alias}.datetime <= %s")
                params.append(self.interval.end)
            if self.interval.start is not None:
                clauses.append(f"{alias}.end_datetime >= %s")
                params.append(self.interval.start)
        return (" AND ".join(clauses) or "TRUE"), params


def _filter(settings: ReaderSettings) -> _Filter:
    interval = parse_interval(settings.datetime) if settings.datetime else None
    return _Filter(tuple(sorted(set(settings.collections))), interval)


_ORDER = 'i.collection COLLATE "C", i.datetime, i.id COLLATE "C"'
_KEY = '(i.datetime, i.id COLLATE "C")'
# pgstac drops a null geometry when it hydrates; the project's STAC API states it again
# ("geometry": null, as a GeoJSON Feature must), so the Item is checked as the API serves it.
# As the API serves an Item: pgstac drops null members, so "geometry": null and a "datetime":
# null beside start_datetime and end_datetime are put back (see server.pgstac_app).
_SELECT = (
    "SELECT i.collection, i.id, ("
    "  SELECT CASE WHEN jsonb_typeof(g->'properties') = 'object'"
    "    AND NOT (g->'properties') ? 'datetime'"
    "    AND (g->'properties') ? 'start_datetime' AND (g->'properties') ? 'end_datetime'"
    "    THEN jsonb_set(g, '{properties,datetime}', 'null'::jsonb) ELSE g END"
    "  FROM ("
    "    SELECT CASE WHEN h ? 'geometry' THEN h ELSE h || '{\"geometry\": null}' END AS g"
    "    FROM pgstac.content_hydrate(i) AS h"
    "  ) AS hydrated"
    ")::text FROM pgstac.items i"
)


def database_name(connection: psycopg.Connection[Any]) -> str:
    """Name a connected database without credentials: ``postgresql://host:port/dbname``."""
    info = connection.info
    host = info.host or "localhost"
    if host.startswith("/"):
        shown = quote(host, safe="")  # a Unix socket folder, as libpq's URLs write it
    elif ":" in host:
        shown = f"[{host}]"
    else:
        shown = host
    return f"postgresql://{shown}:{info.port}/{quote(info.dbname, safe='')}"


def _segment(text: str) -> str:
    """Percent-encode what a URL fragment's path segment cannot hold as it is."""
    return quote(text, safe="-._~!$&'()*+,;=:@")


def _item_source(name: str, collection: str, item_id: str) -> str:
    return f"{name}#{_segment(collection)}/{_segment(item_id)}"


def connect(url: str, settings: ReaderSettings) -> psycopg.Connection[Any]:
    """Open a read-only connection to a pgstac database.

    Args:
        url: The database (credentials from the environment or the usual files).
        settings: ``timeout`` bounds the connection attempt.

    Raises:
        DatabaseSourceError: psycopg is missing, the URL holds a password or is malformed,
            the server cannot be reached or refuses the login, or the database has no pgstac.
    """
    refused = password_refusal(url)
    if refused is not None:
        raise DatabaseSourceError(refused)
    try:
        import psycopg
    except ImportError:
        raise DatabaseSourceError(
            f"reading a pgstac database needs psycopg: {INSTALL_HINT}"
        ) from None
    shown = _shown_url(url)
    try:
        connection = psycopg.connect(
            url,
            connect_timeout=max(1, int(settings.timeout)),
            application_name="rs-stac validate",
        )
    except psycopg.Error as exc:
        raise DatabaseSourceError(f"cannot connect to {shown}: {_first_line(exc)}") from None
    try:
        # pgstac's functions call each other unqualified: they need its schema on the path.
        connection.execute("SET search_path TO pgstac, public")
        connection.commit()
        connection.read_only = True
        row = connection.execute("SELECT to_regnamespace('pgstac') IS NOT NULL").fetchone()
        if row and row[0]:
            row = connection.execute(
                "SELECT to_regprocedure('pgstac.content_hydrate(pgstac.items, jsonb)') IS NOT NULL"
            ).fetchone()
        connection.rollback()
    except psycopg.Error as exc:
        connection.close()
        raise DatabaseSourceError(f"cannot use {shown}: {_first_line(exc)}") from None
    if not (row and row[0]):
        connection.close()
        raise DatabaseSourceError(
            f"{shown} has no pgstac schema (pgstac.content_hydrate is missing); is it the "
            "right database? pgstac is installed with: pypgstac migrate"
        )
    return connection


def _shown_url(url: str) -> str:
    """The URL as given, without user, password or query (for messages)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return url.partition("://")[0] + "://..."
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _failure(url: str, message: str) -> InputDocument:
    return InputDocument(_shown_url(url), error=ReadError("io", message))


# ---------------------------------------------------------------------------- reading locally


def _open(
    url: str, settings: ReaderSettings
) -> tuple[_Filter, psycopg.Connection[Any]] | InputDocument:
    """Read the filters and connect, or return the record of a read error saying why not."""
    try:
        selection = _filter(settings)
        connection = connect(url, settings)
    except ValueError as exc:
        return InputDocument(_shown_url(url), error=ReadError("usage", str(exc)))
    except DatabaseSourceError as exc:
        return _failure(url, str(exc))
    return selection, connection


def read_database(url: str, settings: ReaderSettings) -> Generator[InputDocument, None, None]:
    """Yield every Item the settings select, hydrated, in (Collection, datetime, id) order.

    A database that cannot be read, a malformed ``datetime`` and a Collection named in
    ``settings.collections`` that is not in the database each give a record carrying a
    :class:`~rs_stac_ext.validator.readers.ReadError` (the run goes on with the rest).

    Args:
        url: The database.
        settings: The filters (``collections``, ``datetime``), limits, and whether parsing is
            deferred.
    """
    opened = _open(url, settings)
    if isinstance(opened, InputDocument):
        yield opened
        return
    selection, connection = opened
    with connection:
        name = database_name(connection)
        yield from _missing_collections(connection, name, selection)
        where, params = selection.sql()
        query = f"{_SELECT} WHERE {where} ORDER BY {_ORDER}"
        yield from _stream(connection, url, name, query, params, settings)


def _missing_collections(
    connection: psycopg.Connection[Any], name: str, selection: _Filter
) -> Iterator[InputDocument]:
    if not selection.collections:
        return
    rows = connection.execute(
        "SELECT id FROM pgstac.collections WHERE id = ANY(%s)", [list(selection.collections)]
    ).fetchall()
    connection.rollback()
    known = {row[0] for row in rows}
    for collection in selection.collections:
        if collection not in known:
            yield InputDocument(
                f"{name}#{_segment(collection)}",
                error=ReadError("usage", f"{name}: no collection {collection!r} in the database"),
            )


def _stream(
    connection: psycopg.Connection[Any],
    url: str,
    name: str,
    query: str,
    params: list[Any],
    settings: ReaderSettings,
) -> Iterator[InputDocument]:
    import psycopg

    try:
        with connection.cursor(name="rs_stac_validate") as cursor:
            cursor.itersize = _FETCH
            cursor.execute(query, params)
            for collection, item_id, text in cursor:
                record = InputDocument(
                    _item_source(name, collection, item_id), raw=text.encode("utf-8")
                )
                if settings.defer_parsing:
                    yield record
                else:
                    yield from parse_deferred(record, settings)
    except psycopg.Error as exc:
        yield _failure(url, f"{_shown_url(url)}: reading Items failed: {_first_line(exc)}")
    finally:
        if not connection.closed:
            connection.rollback()


# ---------------------------------------------------------------------------- on a cluster


@dataclass(frozen=True)
class DatabasePart:
    """A run of one Collection's Items, between two ``(datetime, id)`` keys.

    Attributes:
        url: The database as the user gave it (no password: workers use their own
            environment's credentials).
        name: The database's name in reports.
        collection: The Collection.
        first: The key of the first Item (inclusive).
        stop: The key of the first Item of the next partition (exclusive), or ``None``.
        items: Items the partition held when planned.
        datetime: The time filter (``settings.datetime``), re-applied by the worker.
    """

    url: str
    name: str
    collection: str
    first: tuple[datetime, str]
    stop: tuple[datetime, str] | None
    items: int
    datetime: str | None = None

    @property
    def source(self) -> str:
        """The Collection, as reports name it."""
        return f"{self.name}#{_segment(self.collection)}"

    def describe(self) -> str:
        """Where the partition is, for messages."""
        start = f"{self.first[0].isoformat()} (id {self.first[1]!r})"
        end = (
            f"before {self.stop[0].isoformat()} (id {self.stop[1]!r})"
            if self.stop is not None
            else "to the end"
        )
        return f"{self.source} Items from {start} {end} ({self.items} Item(s))"


def plan_database(
    url: str, settings: ReaderSettings, items_per_part: int = ITEMS_PER_PART
) -> Iterator[DatabasePart | InputDocument]:
    """Cut the selected Items into partitions, in (Collection, datetime, id) order.

    One query numbers the selected Items of each Collection in order and keeps every
    ``items_per_part``-th key: each partition then holds exactly ``items_per_part`` Items
    (the last one of a Collection fewer), whatever the spread of their times.

    Yields:
        The partitions, and (first) a record with a read error for what cannot be read.
    """
    opened = _open(url, settings)
    if isinstance(opened, InputDocument):
        yield opened
        return
    selection, connection = opened
    import psycopg

    step = max(1, items_per_part)
    with connection:
        name = database_name(connection)
        yield from _missing_collections(connection, name, selection)
        where, params = selection.sql()
        query = (
            "SELECT collection, datetime, id, total FROM ("
            "  SELECT i.collection, i.datetime, i.id,"
            "    row_number() OVER (PARTITION BY i.collection"
            f"      ORDER BY {_KEY.strip('()')}) AS n,"
            "    count(*) OVER (PARTITION BY i.collection) AS total"
            f"  FROM pgstac.items i WHERE {where}"
            f") s WHERE (n - 1) %% {step} = 0 "
            'ORDER BY collection COLLATE "C", n'
        )
        try:
            rows = connection.execute(query, params).fetchall()
        except psycopg.Error as exc:
            yield _failure(url, f"{_shown_url(url)}: counting Items failed: {_first_line(exc)}")
            return
        finally:
            connection.rollback()
    position = 0
    for index, (collection, when, item_id, total) in enumerate(rows):
        if index > 0 and rows[index - 1][0] != collection:
            position = 0
        following = rows[index + 1] if index + 1 < len(rows) else None
        stop = (
            (following[1], following[2])
            if following is not None and following[0] == collection
            else None
        )
        count = min(step, int(total) - position * step)
        position += 1
        yield DatabasePart(
            url, name, collection, (when, item_id), stop, count, datetime=settings.datetime
        )


def read_database_part(part: DatabasePart, settings: ReaderSettings) -> Iterator[InputDocument]:
    """Yield the Items of a partition, hydrated, in order (on a worker).

    Raises:
        DatabaseSourceError: The database cannot be reached or reading failed (the task is
            tried again).
    """
    import psycopg

    # A connection per partition: a partition is seconds of work, a connection milliseconds,
    # and a long-lived cluster then holds no idle connection between runs.
    connection = connect(part.url, settings)
    interval = parse_interval(part.datetime) if part.datetime else None
    selection = _Filter((part.collection,), interval)
    where, params = selection.sql()
    where += f" AND {_KEY} >= (%s, %s)"
    params.extend(part.first)
    if part.stop is not None:
        where += f" AND {_KEY} < (%s, %s)"
        params.extend(part.stop)
    query = f"{_SELECT} WHERE {where} ORDER BY {_ORDER}"
    records: list[InputDocument] = []
    try:
        with connection, connection.cursor(name="rs_stac_validate_part") as cursor:
            cursor.itersize = _FETCH
            cursor.execute(query, params)
            for collection, item_id, text in cursor:
                records.extend(
                    parse_deferred(
                        InputDocument(
                            _item_source(part.name, collection, item_id),
                            raw=text.encode("utf-8"),
                        ),
                        settings,
                    )
                )
    except psycopg.Error as exc:
        raise DatabaseSourceError(f"reading Items failed: {_first_line(exc)}") from None
    finally:
        connection.close()
    yield from records
