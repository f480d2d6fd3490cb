"""Schema packs: one file holding schemas and a manifest, for validating without a network.

A pack is a zip archive (format version 1) holding:

* ``manifest.json`` — ``{"format": "rs-stac-schema-pack", "format_version": 1, "created",
  "generator", "schemas": [...]}``, one entry per schema: ``identifier`` (the URI documents and
  ``$ref`` name), ``path`` (its member in the archive), ``sha256`` and ``size`` of the member's
  bytes, ``source`` (the URL the bytes were downloaded from, or where the schema is published),
  ``fetched`` (when they were downloaded, RFC 3339 UTC, or ``null`` when unknown: a schema
  shipped with a package or copied into a mirror) and ``origin`` (the resolver source it was
  packed from);
* each schema, byte for byte as published, at ``schemas/<host>/<path>`` (``schemas/_other/
  <hash>.json`` for an identifier without such a path).

Any zip tool can list and unpack a pack, but the resolver reads it in place. Opening a pack
checks it completely: the manifest against its format, every member's size and SHA-256
against the manifest, and that the archive holds nothing the manifest does not list. Any
mismatch refuses the whole pack (:class:`SchemaPackError`, naming the file and the identifier),
and so does a schema larger than the resolver's download limit, more than 256 MiB of schemas
in all, or a format version newer than :data:`FORMAT_VERSION`. The checksums reveal a damaged or
edited member; they do not make a pack rewritten whole with a matching manifest trustworthy.
Whether a packed schema is a usable JSON Schema is not the pack's business: one that is not
valid JSON is reported by the resolver as unavailable, like any other unusable schema.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from rs_stac_ext import __version__
from rs_stac_ext.errors import RsStacExtError

if TYPE_CHECKING:
    import zipfile  # imported when a pack is read or written: validation starts faster

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MANIFEST_NAME",
    "MANIFEST_SCHEMA",
    "SCHEMA_PACK_ENV",
    "PackEntry",
    "PackedSchema",
    "SchemaPack",
    "SchemaPackError",
    "default_schema_packs",
    "open_pack",
    "write_pack",
]

FORMAT_NAME = "rs-stac-schema-pack"
"""The ``format`` member of every manifest."""

FORMAT_VERSION = 1
"""The pack format this version writes, and the newest it reads."""

MANIFEST_NAME = "manifest.json"
"""The manifest's member name."""

SCHEMA_PACK_ENV = "RS_STAC_SCHEMA_PACK"
"""Environment variable: schema packs to use, separated by ``os.pathsep``."""

_SCHEMAS_FOLDER = "schemas"
_MAX_MANIFEST_BYTES = 16 * 2**20
_MAX_SCHEMAS = 100_000
_MAX_TOTAL_BYTES = 256 * 2**20  # a pack is held in memory once verified

MANIFEST_SCHEMA: Mapping[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["format", "format_version", "created", "schemas"],
    "properties": {
        "format": {"const": FORMAT_NAME},
        "format_version": {"type": "integer", "minimum": 1},
        "created": {"type": "string"},
        "generator": {"type": "string"},
        "schemas": {
            "type": "array",
            "maxItems": _MAX_SCHEMAS,
            "items": {
                "type": "object",
                "required": ["identifier", "path", "sha256", "size", "source", "fetched"],
                "properties": {
                    "identifier": {"type": "string", "pattern": "^https?://[^/?#]+/"},
                    "path": {"type": "string", "minLength": 1},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "size": {"type": "integer", "minimum": 0},
                    "source": {"type": "string"},
                    "fetched": {"type": ["string", "null"]},
                    "origin": {"type": "string"},
                },
            },
        },
    },
}
"""The JSON Schema (draft-07) every manifest must satisfy."""


class SchemaPackError(RsStacExtError, ValueError):
    """A schema pack that cannot be used: unreadable, or not matching its manifest.

    Attributes:
        path: The pack file.
        reason: What is wrong, in one sentence.
        identifier: The schema concerned, when one is.
    """

    def __init__(self, path: Path | str, reason: str, identifier: str | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.identifier = identifier
        about = f" ({identifier})" if identifier else ""
        super().__init__(f"schema pack {self.path}: {reason}{about}")

    def __reduce__(self) -> tuple[type[SchemaPackError], tuple[str, str, str | None]]:
        return (type(self), (self.path, self.reason, self.identifier))


@dataclass(frozen=True)
class PackEntry:
    """One schema of a pack, as its manifest describes it.

    Attributes:
        identifier: The URI the schema answers to.
        path: Its member name in the archive.
        sha256: The SHA-256 of its bytes, in lower-case hexadecimal.
        size: Its size in bytes.
        source: The URL its bytes were downloaded from, or where it is published.
        fetched: When it was downloaded (RFC 3339, UTC), or ``None`` when unknown.
        origin: The resolver source it was packed from.
    """

    identifier: str
    path: str
    sha256: str
    size: int
    source: str
    fetched: str | None
    origin: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the manifest form of the entry."""
        return {
            "identifier": self.identifier,
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "source": self.source,
            "fetched": self.fetched,
            "origin": self.origin,
        }


@dataclass(frozen=True)
class PackedSchema:
    """A schema to write into a pack.

    Attributes:
        identifier: The URI the schema answers to.
        data: Its bytes, as published.
        source: The URL the bytes were downloaded from, or where it is published.
        fetched: When it was downloaded (RFC 3339, UTC), or ``None`` when unknown.
        origin: The resolver source it comes from.
    """

    identifier: str
    data: bytes
    source: str
    fetched: str | None
    origin: str


class SchemaPack:
    """A verified schema pack, held in memory (packs are small: schemas are kilobytes).

    Use :func:`open_pack` rather than the constructor: it verifies the file.

    Args:
        path: The pack file.
        created: When the pack was written.
        entries: Its schemas by identifier.
        contents: Each schema's verified bytes by identifier.
    """

    def __init__(
        self,
        path: Path,
        created: str,
        entries: Mapping[str, PackEntry],
        contents: Mapping[str, bytes],
    ) -> None:
        self.path = path
        self.created = created
        self.entries = dict(entries)
        self._contents = dict(contents)

    def identifiers(self) -> list[str]:
        """Return every identifier the pack holds, sorted."""
        return sorted(self.entries)

    def data(self, identifier: str) -> bytes | None:
        """Return the bytes of a schema, or ``None`` when the pack does not hold it.

        Args:
            identifier: The URI, with or without a trailing ``#``.
        """
        return self._contents.get(identifier.strip().removesuffix("#"))

    def location(self, identifier: str) -> str:
        """Return where a schema is read from: ``PACK!MEMBER``."""
        return f"{self.path}!{self.entries[identifier].path}"


def default_schema_packs() -> tuple[Path, ...]:
    """Return the packs ``$RS_STAC_SCHEMA_PACK`` names (``os.pathsep``-separated), or none."""
    configured = os.environ.get(SCHEMA_PACK_ENV, "")
    return tuple(Path(p).expanduser() for p in configured.split(os.pathsep) if p.strip())


def open_pack(path: Path | str, *, max_bytes: int = 5 * 2**20) -> SchemaPack:
    """Open a schema pack and verify it completely.

    Args:
        path: The pack file.
        max_bytes: Largest schema accepted, in bytes.

    Returns:
        The verified pack.

    Raises:
        SchemaPackError: The file cannot be read, is not a pack of a known format version, or
            its manifest does not match its contents.
    """
    return _read_pack(Path(path), max_bytes)


def _read_pack(path: Path, max_bytes: int) -> SchemaPack:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return _verify(path, archive, max_bytes)
    except SchemaPackError:
        raise
    except zipfile.BadZipFile as exc:
        raise SchemaPackError(path, f"is not a zip archive ({exc})") from None
    except (OSError, EOFError, RuntimeError, ValueError, NotImplementedError) as exc:
        # zipfile raises these for encrypted, truncated or otherwise damaged members.
        raise SchemaPackError(path, f"cannot be read ({type(exc).__name__}: {exc})") from None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """Read a member, or return ``None`` when it is larger than ``limit`` bytes."""
    if info.file_size > limit:
        return None
    with archive.open(info) as stream:
        data = stream.read(limit + 1)  # the header's size may lie
    return None if len(data) > limit else data


def _manifest_problem(manifest: Any) -> str | None:
    """Say where and how a manifest breaks :data:`MANIFEST_SCHEMA`, or return ``None``."""
    try:  # jsonschema-rs loads in a fraction of python-jsonschema's import time
        import jsonschema_rs
    except ImportError:  # pragma: no cover - only where jsonschema-rs has no wheel
        from rs_stac_ext.schemas._python_jsonschema import load_python_jsonschema

        load_python_jsonschema()
        import jsonschema

        error = jsonschema.exceptions.best_match(
            jsonschema.Draft7Validator(MANIFEST_SCHEMA).iter_errors(manifest)
        )
        if error is None:
            return None
        where, message = list(error.absolute_path), error.message
    else:
        validator = jsonschema_rs.Draft7Validator(dict(MANIFEST_SCHEMA))
        found = next(iter(validator.iter_errors(manifest)), None)
        if found is None:
            return None
        where, message = list(found.instance_path), found.message
    pointer = "".join(f"/{part}" for part in where)
    return f"{MANIFEST_NAME} at {pointer or '/'} is malformed: {message}"


def _verify(path: Path, archive: zipfile.ZipFile, max_bytes: int) -> SchemaPack:
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.is_dir():
            continue
        if info.filename in members:
            raise SchemaPackError(path, f"the archive holds {info.filename!r} twice")
        members[info.filename] = info
    manifest_info = members.pop(MANIFEST_NAME, None)
    if manifest_info is None:
        raise SchemaPackError(path, f"has no {MANIFEST_NAME}: not a schema pack")
    raw = _read_member(archive, manifest_info, _MAX_MANIFEST_BYTES)
    if raw is None:
        raise SchemaPackError(path, f"{MANIFEST_NAME} exceeds {_MAX_MANIFEST_BYTES} bytes")
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        raise SchemaPackError(path, f"{MANIFEST_NAME} is not JSON ({exc})") from None
    if (
        isinstance(manifest, dict)
        and isinstance(manifest.get("format_version"), int)
        and manifest["format_version"] > FORMAT_VERSION
    ):
        raise SchemaPackError(
            path,
            f"format version {manifest['format_version']} is newer than this rs-stac-ext reads "
            f"({FORMAT_VERSION}): upgrade rs-stac-ext",
        )
    problem = _manifest_problem(manifest)
    if problem is not None:
        raise SchemaPackError(path, problem)
    entries: dict[str, PackEntry] = {}
    contents: dict[str, bytes] = {}
    listed: set[str] = set()
    total = 0
    for item in manifest["schemas"]:
        entry = PackEntry(
            identifier=item["identifier"].removesuffix("#"),
            path=item["path"],
            sha256=item["sha256"],
            size=item["size"],
            source=item["source"],
            fetched=item["fetched"],
            origin=item.get("origin", ""),
        )
        if entry.identifier in entries:
            raise SchemaPackError(path, "the manifest lists it twice", entry.identifier)
        member = members.get(entry.path)
        if member is None:
            raise SchemaPackError(
                path, f"member {entry.path!r} named by the manifest is missing", entry.identifier
            )
        data = _read_member(archive, member, max_bytes)
        if data is None:
            raise SchemaPackError(
                path, f"member {entry.path!r} exceeds the {max_bytes}-byte limit", entry.identifier
            )
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise SchemaPackError(
                path,
                f"member {entry.path!r} does not match the manifest's SHA-256 and size",
                entry.identifier,
            )
        total += len(data)
        if total > _MAX_TOTAL_BYTES:
            raise SchemaPackError(path, f"holds more than {_MAX_TOTAL_BYTES} bytes of schemas")
        entries[entry.identifier] = entry
        contents[entry.identifier] = data
        listed.add(entry.path)
    unlisted = sorted(set(members) - listed)
    if unlisted:
        shown = ", ".join(repr(name) for name in unlisted[:5])
        more = f" and {len(unlisted) - 5} more" if len(unlisted) > 5 else ""
        raise SchemaPackError(path, f"the manifest does not list member(s) {shown}{more}")
    return SchemaPack(path, manifest["created"], entries, contents)


# --- writing ----------------------------------------------------------------------------------


def utc_timestamp(moment: datetime | None = None) -> str:
    """Return a moment (default: now) as RFC 3339 UTC with second precision."""
    when = (moment or datetime.now(UTC)).astimezone(UTC)
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _member_name(identifier: str, taken: set[str]) -> str:
    from rs_stac_ext.schemas.resolver import _layout_path

    layout = _layout_path(identifier)
    name = str(PurePosixPath(_SCHEMAS_FOLDER, layout)) if layout is not None else ""
    if not name or name in taken or name == MANIFEST_NAME:
        digest = hashlib.sha256(identifier.encode()).hexdigest()[:32]
        name = f"{_SCHEMAS_FOLDER}/_other/{digest}.json"
    return name


def write_pack(target: Path, schemas: Iterable[PackedSchema]) -> list[PackEntry]:
    """Write a schema pack, atomically (a reader never sees half a file).

    Args:
        target: The file to write; its folder must exist.
        schemas: The schemas; a repeated identifier is packed once (its first occurrence).

    Returns:
        The manifest entries, in identifier order.

    Raises:
        OSError: The file cannot be written.
    """
    chosen: dict[str, PackedSchema] = {}
    for schema in schemas:
        chosen.setdefault(schema.identifier.removesuffix("#"), schema)
    taken: set[str] = set()
    entries: list[PackEntry] = []
    for identifier in sorted(chosen):
        schema = chosen[identifier]
        name = _member_name(identifier, taken)
        taken.add(name)
        entries.append(
            PackEntry(
                identifier=identifier,
                path=name,
                sha256=hashlib.sha256(schema.data).hexdigest(),
                size=len(schema.data),
                source=schema.source,
                fetched=schema.fetched,
                origin=schema.origin,
            )
        )
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "created": utc_timestamp(),
        "generator": f"rs-stac-ext {__version__}",
        "schemas": [entry.to_dict() for entry in entries],
    }
    import zipfile

    from rs_stac_ext.schemas.resolver import write_atomically  # resolver imports this module

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        manifest_text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        archive.writestr(MANIFEST_NAME, manifest_text.encode())
        for entry in entries:
            archive.writestr(entry.path, chosen[entry.identifier].data)
    write_atomically(target, buffer.getvalue())
    return entries
