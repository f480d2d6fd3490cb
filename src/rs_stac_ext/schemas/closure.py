"""The closure of a set of schemas: each one, everything it references, and what is missing.

:func:`schema_closure` walks ``$ref`` from given schemas, across hosts, through a
:class:`~rs_stac_ext.schemas.resolver.SchemaResolver` (so offline sources answer first and the
network is used for allowed hosts only), and records for every schema which schema referenced
it and, when it could not be had because its host is not allowed, the ``--allow-host`` entry
that would let it be fetched. :func:`packed_schema` turns a resolved schema into what a
schema pack stores.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from rs_stac_ext.schemas._http import AllowList
from rs_stac_ext.schemas.pack import PackedSchema, utc_timestamp
from rs_stac_ext.schemas.resolver import (
    ResolvedSchema,
    SchemaResolver,
    SchemaUnavailableError,
    _is_metaschema,
    schema_references,
)

__all__ = ["ClosureEntry", "host_to_allow", "packed_schema", "schema_closure"]


@dataclass(frozen=True)
class ClosureEntry:
    """One schema of a closure.

    Attributes:
        uri: The identifier (without trailing ``#``).
        referenced_by: The schemas whose ``$ref`` led to it, in the order found; empty for a
            schema asked for directly.
        result: The resolved schema, or why it could not be had.
        host_to_allow: When it could not be had because its host is not allowed, the
            ``--allow-host`` entry that would allow it; else ``None``.
    """

    uri: str
    referenced_by: tuple[str, ...]
    result: ResolvedSchema | SchemaUnavailableError
    host_to_allow: str | None = None

    @property
    def available(self) -> bool:
        """The schema was resolved."""
        return isinstance(self.result, ResolvedSchema)


def host_to_allow(uri: str, allowed: AllowList) -> str | None:
    """Return the ``--allow-host`` entry a URI needs, or ``None`` when it is allowed already.

    Args:
        uri: An ``http``/``https`` URI.
        allowed: The current allow-list.

    Returns:
        ``host`` (or ``host:port``) for https, ``http://host[:port]`` for plain http, or
        ``None`` when the URI may be fetched already or is no web URI.
    """
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if allowed.refusal(uri) is None:
        return None
    netloc = parts.netloc.rpartition("@")[2]
    return netloc if parts.scheme == "https" else f"http://{netloc}"


def schema_closure(
    resolver: SchemaResolver,
    uris: Iterable[str],
    progress: Callable[[str], None] | None = None,
) -> list[ClosureEntry]:
    """Resolve schemas and, breadth first, every schema they reference, on any host.

    Relative references are made absolute against the URI the referring schema was resolved
    for; local references (``#/definitions/...``) and the JSON Schema metaschemas (which
    python-jsonschema bundles) are not followed.

    Args:
        resolver: Where schemas come from (offline sources first, then allowed hosts).
        uris: The schemas to start from.
        progress: Called with each identifier before it is resolved.

    Returns:
        One entry per schema visited, in visiting order.
    """
    allowed = AllowList(resolver.settings.allow_hosts)
    referrers: dict[str, list[str]] = {}
    queue: deque[str] = deque()
    for uri in uris:
        key = uri.strip().removesuffix("#")
        if key and key not in referrers:
            referrers[key] = []
            queue.append(key)
    entries: list[ClosureEntry] = []
    while queue:
        uri = queue.popleft()
        if progress is not None:
            progress(uri)
        try:
            found = resolver.resolve(uri)
        except SchemaUnavailableError as exc:
            entries.append(
                ClosureEntry(uri, tuple(referrers[uri]), exc, host_to_allow(uri, allowed))
            )
            continue
        entries.append(ClosureEntry(uri, tuple(referrers[uri]), found))
        for reference in schema_references(found.contents, found.uri):
            if reference in referrers:
                if uri not in referrers[reference]:
                    referrers[reference].append(uri)
            elif not _is_metaschema(reference):
                referrers[reference] = [uri]
                queue.append(reference)
    # Entries are frozen; give late-found referrers to schemas visited before them.
    return [
        ClosureEntry(e.uri, tuple(referrers[e.uri]), e.result, e.host_to_allow) for e in entries
    ]


def packed_schema(resolver: SchemaResolver, found: ResolvedSchema) -> PackedSchema:
    """Describe a resolved schema as a pack stores it: its bytes, source and fetch time.

    ``source`` is the URL the bytes were downloaded from (after redirects) for a download,
    the identifier otherwise (where the schema is published). ``fetched`` is the time of the
    download: now for a download, the file's modification time for the cache (written when
    it was downloaded), the original pack's record for a schema read from a pack, and
    ``None`` for a packaged or mirrored schema, whose download time is unknown.

    Args:
        resolver: The resolver that resolved it.
        found: The schema.

    Returns:
        What to pack.
    """
    data = resolver.source_bytes(found)
    source = found.uri
    fetched: str | None = None
    origin: str = found.origin
    if found.origin == "network":
        source, fetched = found.location, utc_timestamp()
    elif found.origin == "cache":
        try:
            modified = Path(found.location).stat().st_mtime
        except OSError:
            modified = None
        if modified is not None:
            fetched = utc_timestamp(datetime.fromtimestamp(modified, UTC))
    elif found.origin == "pack":
        for pack in resolver.packs:
            entry = pack.entries.get(found.uri)
            if entry is not None and found.location == pack.location(found.uri):
                source, fetched = entry.source, entry.fetched
                origin = entry.origin or origin
                break
    return PackedSchema(found.uri, data, source, fetched, origin)
