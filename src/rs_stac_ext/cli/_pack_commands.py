"""The work behind ``rs-stac schemas fetch`` and ``rs-stac schemas pack``.

Plain functions, like :mod:`rs_stac_ext.cli._schema_commands`: each takes a ready resolver and
an ``echo`` callable for its human-readable output (stderr for fetch, stdout for pack), and
returns the command's exit code: 0 success, 1 a schema could not be had, 2 an input could not
be read or the pack could not be written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rs_stac_ext.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from rs_stac_ext.cli._schema_commands import say_passed_over
from rs_stac_ext.schemas.closure import ClosureEntry, packed_schema, schema_closure
from rs_stac_ext.schemas.pack import write_pack
from rs_stac_ext.schemas.resolver import ResolvedSchema, SchemaResolver

__all__ = [
    "DocumentNeeds",
    "documents_needs",
    "fetch_closure",
    "fetch_for_documents",
    "pack_schemas",
]

Echo = Callable[[str], None]

_OFFLINE_ORIGINS = ("pack", "mirror", "cache")


def _escaping(echo: Echo) -> Echo:
    """Wrap ``echo`` so that text from documents (ids, URIs, keys) cannot drive the terminal."""
    from rs_stac_ext.validator._printable import printable

    return lambda line: echo(printable(line))


@dataclass
class DocumentNeeds:
    """The schemas a set of documents needs.

    Attributes:
        schemas: Each schema URI, in the order first named, with how many documents need it.
        documents: Documents read.
        unreadable: One message per input that could not be read.
        undecided: One message per document whose schemas could not all be told.
    """

    schemas: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    unreadable: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)


def documents_needs(
    inputs: Iterable[str], resolver: SchemaResolver, stdin: IO[bytes] | None = None
) -> DocumentNeeds:
    """Read documents and collect the schemas validation would check them against.

    The schemas are chosen exactly as ``rs-stac validate`` chooses them (the core schema of
    the document's type and ``stac_version``, every ``stac_extensions`` entry); folders,
    catalogs, FeatureCollections and NDJSON are read as ``rs-stac validate`` reads them.

    Args:
        inputs: Paths, folders, ``-`` (stdin) or http(s) URLs on allowed hosts.
        resolver: Whose settings (allowed hosts, time limit, CA bundle) apply to URL inputs.
        stdin: The stream read for ``-``.

    Returns:
        What the documents need.
    """
    from rs_stac_ext.validator.readers import ReaderSettings, read_inputs
    from rs_stac_ext.validator.validation import ValidationOptions, Validator

    settings = resolver.settings
    reader = ReaderSettings(
        allow_hosts=settings.allow_hosts, timeout=settings.timeout, ca_bundle=settings.ca_bundle
    )
    planner = Validator(
        ValidationOptions(rules=False, lint=False, resolver=settings, reader=reader), resolver
    )
    needs = DocumentNeeds()
    for record in read_inputs(inputs, reader, stdin=stdin):
        if record.error is not None and record.error.kind == "not-followed":
            needs.undecided.append(record.error.message)  # what it needs is not known
            continue
        if record.error is not None:
            needs.unreadable.append(record.error.message)
            continue
        needs.documents += 1
        uris, problems = planner.schemas_for(record.document)
        for problem in problems:
            needs.undecided.append(f"{record.location}: {problem.message}")
        for uri in uris:
            if not uri.startswith(("https://", "http://")):
                needs.undecided.append(
                    f"{record.location}: {uri!r} is not a schema URL; it cannot be fetched"
                )
                continue
            needs.schemas[uri] = needs.schemas.get(uri, 0) + 1
    return needs


def _report_closure(entries: list[ClosureEntry], resolver: SchemaResolver, echo: Echo) -> int:
    """Print each schema of a closure and what is missing; return how many are missing."""
    hosts: dict[str, None] = {}
    missing = 0
    for entry in entries:
        if isinstance(entry.result, ResolvedSchema):
            echo(f"{entry.result.origin:<8} {entry.uri}")
            continue
        missing += 1
        referenced = (
            f" (referenced by {', '.join(entry.referenced_by)})" if entry.referenced_by else ""
        )
        echo(f"missing  {entry.uri}{referenced}")
        if entry.host_to_allow is not None:
            hosts.setdefault(entry.host_to_allow, None)
            echo(f"         host not allowed: add --allow-host {entry.host_to_allow}")
        # Every source's reason: a broken mirror or pack file matters as much as the host.
        echo(f"         {'; '.join(entry.result.reasons)}")
    downloaded = sum(
        1 for e in entries if isinstance(e.result, ResolvedSchema) and e.result.origin == "network"
    )
    available = len(entries) - missing
    cache = resolver.settings.cache_dir if resolver.settings.use_cache else None
    cached = f", cached in {cache}" if cache is not None else ""
    where = f" ({downloaded} downloaded{cached})" if downloaded else ""
    echo(f"{available} schemas available offline, {missing} unavailable{where}")
    if hosts:
        flags = " ".join(f"--allow-host {host}" for host in hosts)
        echo(f"to fetch what is missing from hosts not allowed, add: {flags}")
    return missing


def fetch_closure(resolver: SchemaResolver, uris: Iterable[str], echo: Echo) -> int:
    """Make schemas and everything they reference, on any allowed host, available offline.

    Args:
        resolver: A resolver whose allow-list names the hosts that may be contacted.
        uris: The schemas to fetch.
        echo: Prints one line.

    Returns:
        0 when every schema (and every reference) is available, 1 otherwise or when no URI
        was given.
    """
    echo = _escaping(echo)
    wanted = list(uris)
    if not wanted:
        echo("nothing to fetch: give one or more schema URIs")
        return EXIT_INVALID
    missing = _report_closure(schema_closure(resolver, wanted), resolver, echo)
    return EXIT_OK if missing == 0 else EXIT_INVALID


def _report_needs(needs: DocumentNeeds, echo: Echo) -> None:
    for message in needs.unreadable:
        echo(f"unreadable: {message}")
    for message in needs.undecided:
        echo(f"undecided: {message}")
    echo(
        f"{needs.documents} document(s) name {len(needs.schemas)} schema(s); "
        "those and every schema they reference:"
    )


def fetch_for_documents(
    resolver: SchemaResolver, inputs: Iterable[str], echo: Echo, stdin: IO[bytes] | None = None
) -> int:
    """Fetch exactly the schemas some documents need, with everything those reference.

    Args:
        resolver: A resolver whose allow-list names the hosts that may be contacted.
        inputs: The documents (paths, folders, ``-``, URLs).
        echo: Prints one line.
        stdin: The stream read for ``-``.

    Returns:
        2 when an input could not be read, else 1 when a schema is unavailable, else 0.
    """
    echo = _escaping(echo)
    needs = documents_needs(inputs, resolver, stdin)
    _report_needs(needs, echo)
    missing = _report_closure(schema_closure(resolver, needs.schemas), resolver, echo)
    if needs.unreadable:
        return EXIT_USAGE
    return EXIT_OK if missing == 0 else EXIT_INVALID


def pack_schemas(
    resolver: SchemaResolver,
    target: Path,
    echo: Echo,
    *,
    uris: Iterable[str] | None = None,
    inputs: Iterable[str] | None = None,
    allow_missing: bool = False,
    stdin: IO[bytes] | None = None,
) -> int:
    """Write a schema pack: schemas with everything they reference, and a manifest.

    Args:
        resolver: Where schemas come from (the network only for allowed hosts).
        target: The pack file to write.
        echo: Prints one line.
        uris: Pack these schemas.
        inputs: Pack what these documents need (paths, folders, ``-``, URLs).
        allow_missing: Write the pack even when a schema cannot be had.
        stdin: The stream read for ``-``.

    Returns:
        0 when the pack was written (with every schema, or with what could be had when
        ``allow_missing``); 1 when a schema is unavailable (nothing is written) or there is
        nothing to pack; 2 when an input could not be read or the file could not be written.

    With neither ``uris`` nor ``inputs``, every schema of the packs, mirrors and cache is
    packed (with what it references).
    """
    echo = _escaping(echo)
    needs: DocumentNeeds | None = None
    if inputs is not None:
        needs = documents_needs(inputs, resolver, stdin)
        _report_needs(needs, echo)
        roots = list(needs.schemas)
    elif uris is not None:
        roots = list(uris)
    else:
        roots = [uri for uri, origin, _ in resolver.known() if origin in _OFFLINE_ORIGINS]
    entries = schema_closure(resolver, roots)
    say_passed_over(resolver, echo)
    missing = _report_closure(entries, resolver, echo)
    found = [e.result for e in entries if isinstance(e.result, ResolvedSchema)]
    if not found:
        echo("nothing packed: no schema to pack")
        return EXIT_INVALID
    if missing and not allow_missing:
        echo(f"nothing packed: {missing} schemas are unavailable (--allow-missing packs the rest)")
        return EXIT_INVALID
    try:
        written = write_pack(target, [packed_schema(resolver, schema) for schema in found])
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
    except OSError as exc:
        echo(f"cannot write {target}: {exc}")
        return EXIT_USAGE
    echo(f"packed {len(written)} schemas into {target} (sha256 {digest})")
    echo(f"use it offline with: rs-stac validate --schema-pack {target} ...")
    if needs is not None and needs.unreadable:
        return EXIT_USAGE
    return EXIT_OK
