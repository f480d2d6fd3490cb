"""One schema store that resolves any schema identifier, offline first.

A :class:`SchemaResolver` answers an identifier (an absolute ``http``/``https`` URI; one trailing
``#`` is ignored) from the first of these sources that has it:

1. **packaged** — our own extensions' schemas (auxip, cadip, ownership), every published version,
   under its canonical identifier and its aliases (an alias yields the canonical schema).
2. **community** — the third-party schemas the package carries, written by us from the published
   texts (:mod:`rs_stac_ext.schemas._community`): every published STAC core version from
   v1.0.0-beta.2 to v1.1.0, GeoJSON, PROJJSON v0.1-v0.7, every published version of 40
   stac-extensions and CS-SI's eopf v1.2.0. An identifier whose published text is not valid
   JSON (eopf v1.1.0) is said to be so.
3. **pystac** — the schemas pystac ships as package data, read from pystac itself. This covers the
   STAC **1.1.0** core only: ``item.json``, ``catalog.json`` and ``collection.json`` with the files
   they reference relatively (``basics``, ``common``, ``datetime``, ``instrument``, ``licensing``,
   ``provider``, ``bands``, ``data-values``), plus GeoJSON ``Feature`` and ``Geometry`` (which
   STAC 1.0.0 refers to as well). Other versions and extensions need a pack, a mirror, the cache
   or an allowed host. If pystac's layout changes and its bundle cannot be read, this source is
   simply empty.
4. **pack** — schema packs the user names (``--schema-pack``, ``$RS_STAC_SCHEMA_PACK``): zip
   files written by ``rs-stac schemas pack``, read in place (see :mod:`rs_stac_ext.schemas.pack`).
   A pack whose manifest does not match its contents is refused when the resolver is created.
5. **mirror** — folders the user names (``--schema-dir``, several allowed). A folder may mirror
   URLs as ``<dir>/<host>/<path>`` (``mirror/stac-extensions.github.io/file/v2.1.0/schema.json``)
   and/or hold a ``schema-map.json`` mapping URIs to paths relative to the folder (the format
   :meth:`SchemaResolver.export` writes). A map entry wins over the folder layout.
6. **cache** — a folder with the same ``<host>/<path>`` layout, filled by network fetches
   (default ``$RS_STAC_CACHE`` or ``~/.cache/rs-stac-ext/schemas``); files are written atomically.
7. **network** — only for hosts the user allowed (``--allow-host``): an exact host match over
   ``https``; plain ``http`` only when the allow-list entry says ``http://host[:port]``. Downloads
   are size- and time-limited, never follow a redirect to another host, must be a JSON object,
   and are then written to the cache.

8. **readme** — last of all, schemas we wrote from a specification's README because no
   published text exists (external-ids v1.0.0): any published text the user supplies through
   the sources above takes precedence, and reports name the origin.

Anything else raises :class:`SchemaUnavailableError`, whose message says why each source failed.
Nothing is ever fetched from a host that is not allowed.

Safety: only absolute ``http``/``https`` identifiers are resolved; ``file:`` URIs and relative
references are refused, so no document or schema can make the resolver read a local file. Mirror
and cache paths are checked after resolving symlinks: a map entry or URL path that would leave
its folder (``..``, an absolute path, a symlink pointing outside) is refused.

A port other than the scheme's default is kept in the folder name as ``<host>_<port>``
(``127.0.0.1_8000/x.json``); URIs with a query string, user information or a path ending in
``/`` have no file in the ``<host>/<path>`` layout (a schema map can still name them).

Schemas are registered under the URI they were resolved from, never under their ``$id``: the
official STAC 1.1.0 ``common.json`` carries a mistyped ``$id``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shlex
import tempfile
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

from rs_stac_ext.errors import RsStacExtError
from rs_stac_ext.schemas import find_version, get_schema, is_known, versions
from rs_stac_ext.schemas._catalog import DocumentKind
from rs_stac_ext.schemas._community import (
    COMMUNITY,
    README_WRITTEN,
    community_file,
    find_community,
    find_readme_written,
    read_community,
    unusable_reason,
)
from rs_stac_ext.schemas._http import DEFAULT_PORTS, AllowList, HttpRefusedError, download
from rs_stac_ext.schemas._resources import extensions_root
from rs_stac_ext.schemas.pack import SchemaPack, default_schema_packs, open_pack
from rs_stac_ext.validator.readers import is_link_loop

if TYPE_CHECKING:
    import referencing

__all__ = [
    "SCHEMA_MAP_NAME",
    "STAC_VALIDATOR_ARGS_NAME",
    "Origin",
    "ResolvedSchema",
    "ResolverSettings",
    "SchemaResolver",
    "SchemaUnavailableError",
    "default_cache_dir",
    "schema_references",
]

Origin = Literal["packaged", "community", "pystac", "pack", "mirror", "cache", "network", "readme"]
"""Which source answered an identifier."""

SCHEMA_MAP_NAME = "schema-map.json"
"""Name of the URI → relative path map inside a mirror folder."""

STAC_VALIDATOR_ARGS_NAME = "stac-validator-args.txt"
"""Name of the stac-validator argument file :meth:`SchemaResolver.export` writes."""

_OTHER_DIR = "_other"
_FORBIDDEN_IN_SEGMENT = ("/", "\\", ":", "\x00")


class SchemaUnavailableError(RsStacExtError, LookupError):
    """No source could supply a schema.

    Attributes:
        uri: The identifier asked for (without trailing ``#``).
        reasons: One sentence per source saying why it could not answer.
    """

    def __init__(self, uri: str, reasons: list[str]) -> None:
        self.uri = uri
        self.reasons = list(reasons)
        super().__init__(f"schema {uri} is unavailable: " + "; ".join(self.reasons))

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[type[SchemaUnavailableError], tuple[str, list[str]]]:
        return (type(self), (self.uri, self.reasons))


@dataclass(frozen=True)
class ResolvedSchema:
    """A schema and where it came from.

    Attributes:
        uri: The identifier it was resolved for (without trailing ``#``); an alias stays an alias.
        contents: The parsed schema. Shared: treat it as read-only.
        origin: The source that answered.
        location: The file it was read from (``PACK!MEMBER`` for a schema pack), or the URL it
            was downloaded from.
        data: The exact bytes, when they were downloaded or read from a schema pack (else
            ``None``: read them from ``location``).
    """

    uri: str
    contents: Mapping[str, Any]
    origin: Origin
    location: str
    data: bytes | None = field(default=None, repr=False, compare=False)


def default_cache_dir() -> Path:
    """Return the default cache folder: ``$RS_STAC_CACHE`` or ``~/.cache/rs-stac-ext/schemas``."""
    configured = os.environ.get("RS_STAC_CACHE", "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "rs-stac-ext" / "schemas"


@dataclass(frozen=True)
class ResolverSettings:
    """Where a :class:`SchemaResolver` may look.

    Attributes:
        schema_dirs: Mirror folders, searched in order.
        schema_packs: Schema packs (zip files written by ``rs-stac schemas pack``), searched in
            order before the mirrors; default: the ``os.pathsep``-separated paths of
            ``$RS_STAC_SCHEMA_PACK``.
        cache_dir: The cache folder (``None``: no cache).
        use_cache: Read and write the cache at all.
        allow_hosts: Hosts the resolver may download from. ``"host"`` or ``"host:port"`` allows
            ``https`` only; ``"http://host[:port]"`` explicitly allows plain ``http``.
        max_bytes: Largest download accepted, in bytes.
        timeout: Time limit of one download, in seconds.
        ca_bundle: A PEM file of the only certificate authorities trusted for downloads
            (default: ``$RS_STAC_CA_BUNDLE``, else the system's trust store).

    Raises:
        ValueError: An allow-list entry is malformed, or a limit is not positive.
    """

    schema_dirs: tuple[Path, ...] = ()
    schema_packs: tuple[Path, ...] = field(default_factory=default_schema_packs)
    cache_dir: Path | None = field(default_factory=default_cache_dir)
    use_cache: bool = True
    allow_hosts: tuple[str, ...] = ()
    max_bytes: int = 5 * 2**20
    timeout: float = 10.0
    ca_bundle: Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "schema_dirs", tuple(Path(d) for d in self.schema_dirs))
        object.__setattr__(self, "schema_packs", tuple(Path(p) for p in self.schema_packs))
        object.__setattr__(self, "allow_hosts", tuple(self.allow_hosts))
        AllowList(self.allow_hosts)  # raises ValueError on a malformed entry
        if self.max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")


# --- URIs and files ---------------------------------------------------------------------------


def _normalise(uri: str) -> str:
    return uri.strip().removesuffix("#")


def _is_web_uri(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme in DEFAULT_PORTS and bool(parts.hostname)


def _layout_path(uri: str) -> PurePosixPath | None:
    """Map a URI to ``<host>/<path>``, or ``None`` when it has no safe file name."""
    parts = urlsplit(uri)
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if (
        parts.scheme not in DEFAULT_PORTS
        or not host
        or parts.query
        or parts.username is not None
        or host in (".", "..")
        or any(c in host for c in _FORBIDDEN_IN_SEGMENT)
    ):
        return None
    folder = host if port in (None, DEFAULT_PORTS[parts.scheme]) else f"{host}_{port}"
    segments = [unquote(s) for s in parts.path.split("/")[1:]]
    if not segments:
        return None
    for segment in segments:
        if segment in ("", ".", "..") or any(c in segment for c in _FORBIDDEN_IN_SEGMENT):
            return None
    return PurePosixPath(folder, *segments)


def _uri_from_layout(relative: PurePosixPath) -> str:
    folder, *segments = relative.parts
    host, sep, port = folder.rpartition("_")
    netloc = f"{host}:{port}" if sep and port.isdigit() and host else folder
    return "https://" + netloc + "/" + "/".join(quote(s) for s in segments)


def _inside(root: Path, relative: str) -> Path | None:
    """Return the real path of ``root/relative`` if it stays inside ``root``, else ``None``."""
    if (
        not relative
        or "\\" in relative
        or "\x00" in relative
        or PurePosixPath(relative).is_absolute()
        or PureWindowsPath(relative).drive
        or ".." in PurePosixPath(relative).parts
    ):
        return None
    # os.path.realpath, unlike Path.resolve on Python 3.11, does not raise on a loop of
    # symbolic links: a loop stays a path that is not a file, and is said as such.
    real_root = Path(os.path.realpath(root))
    candidate = Path(os.path.realpath(real_root / relative))
    if candidate == real_root or not candidate.is_relative_to(real_root):
        return None
    return candidate


_LOOP = "a loop of symbolic links"


def _parse_object(data: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(data)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


def schema_references(contents: Mapping[str, Any], base: str) -> list[str]:
    """Every non-local ``$ref`` of a schema, made absolute against ``base``, without fragment."""
    found: dict[str, None] = {}
    stack: list[Any] = [contents]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            if isinstance(ref, str):
                target = _normalise(urldefrag(urljoin(base, ref)).url)
                if target and target != base:
                    found.setdefault(target, None)
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return list(found)


def _is_metaschema(uri: str) -> bool:
    # jsonschema bundles the dialect metaschemas and consults them before any registry.
    from referencing.jsonschema import UnknownDialect, specification_with

    try:
        specification_with(uri)
    except UnknownDialect:
        return False
    return True


# --- the pystac bundle ------------------------------------------------------------------------


# The schemas pystac ships as package data (those its ``get_local_schema_cache`` reads), by the
# URI they answer to. They are read from pystac's folder without importing pystac, which is slow
# to import and not otherwise needed to validate.
_PYSTAC_STAC_VERSION = "1.1.0"
_PYSTAC_OBJECTS = ("item", "catalog", "collection")
_PYSTAC_ITEM_PARTS = (
    "bands",
    "basics",
    "common",
    "data-values",
    "datetime",
    "instrument",
    "licensing",
    "provider",
)
_PYSTAC_GEOJSON = ("Feature", "Geometry")


def _pystac_schema_folder() -> Path:
    """Locate pystac's ``validation/jsonschemas`` folder without executing pystac."""
    import importlib.util

    spec = importlib.util.find_spec("pystac")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pystac is not installed")
    for location in spec.submodule_search_locations:
        folder = Path(location, "validation", "jsonschemas")
        if folder.is_dir():
            return folder
    raise FileNotFoundError("pystac has no validation/jsonschemas folder")


def _pystac_files() -> Iterator[tuple[str, PurePosixPath]]:
    """Each bundled schema's URI and its path relative to pystac's schema folder."""
    base = f"https://schemas.stacspec.org/v{_PYSTAC_STAC_VERSION}/"
    spec = PurePosixPath("stac-spec", f"v{_PYSTAC_STAC_VERSION}")
    for name in _PYSTAC_OBJECTS:
        yield f"{base}{name}-spec/json-schema/{name}.json", spec / f"{name}.json"
    for name in _PYSTAC_ITEM_PARTS:
        yield f"{base}item-spec/json-schema/{name}.json", spec / f"{name}.json"
    for name in _PYSTAC_GEOJSON:
        yield f"https://geojson.org/schema/{name}.json", PurePosixPath("geojson", f"{name}.json")


def _load_pystac_bundle() -> tuple[dict[str, tuple[dict[str, Any], str]], str | None]:
    """Read pystac's bundled schemas as {uri: (schema, location)}, or say why not."""
    try:
        folder = _pystac_schema_folder()
        bundle: dict[str, tuple[dict[str, Any], str]] = {}
        for uri, relative in _pystac_files():
            path = folder / relative
            schema = json.loads(path.read_bytes())
            if isinstance(schema, dict):
                bundle[_normalise(uri)] = (schema, str(path))
    except Exception as exc:  # any change in pystac's layout only empties this source
        return {}, f"{type(exc).__name__}: {exc}"
    return bundle, None


# --- the resolver -----------------------------------------------------------------------------

_Outcome = ResolvedSchema | tuple[str, ...]


class SchemaResolver:
    """Resolve schema identifiers from packaged, community, pystac, mirror, cache and network.

    Results (successes and failures) are memoised per instance; every method is thread-safe.
    Mirror ``schema-map.json`` files are read, and schema packs opened and verified, when the
    resolver is created.

    Args:
        settings: Where to look; the defaults use the packaged and pystac schemas, the default
            cache folder, and no network.

    Raises:
        SchemaPackError: A schema pack cannot be read, or its manifest does not match its
            contents.
    """

    def __init__(self, settings: ResolverSettings | None = None) -> None:
        self.settings = settings if settings is not None else ResolverSettings()
        self._allowed = AllowList(self.settings.allow_hosts)
        self._lock = threading.Lock()
        self._memo: dict[str, _Outcome] = {}
        self._pending: dict[str, threading.Lock] = {}
        self._resources: dict[str, referencing.Resource[Any]] = {}
        self._registry: referencing.Registry[Any] | None = None
        self._preloaded = False
        self._bundle: tuple[dict[str, tuple[dict[str, Any], str]], str | None] | None = None
        self._maps = [self._read_map(d) for d in self.settings.schema_dirs]
        self.packs: tuple[SchemaPack, ...] = tuple(
            open_pack(path, max_bytes=self.settings.max_bytes)
            for path in self.settings.schema_packs
        )
        """The schema packs of the settings, opened and verified."""
        self.passed_over: dict[str, str] = {}
        """Files of the mirrors and the cache that listing passed over, with why."""

    # -- public API --

    def resolve(self, uri: str) -> ResolvedSchema:
        """Return the schema an identifier names, from the first source that has it.

        Args:
            uri: An absolute ``http``/``https`` URI, with or without trailing ``#``.

        Returns:
            The schema, its origin and location.

        Raises:
            SchemaUnavailableError: No source has it; the message gives each source's reason.
        """
        key = _normalise(uri)
        with self._lock:
            outcome = self._memo.get(key)
            if outcome is None:
                pending = self._pending.setdefault(key, threading.Lock())
        if outcome is None:
            with pending:
                with self._lock:
                    outcome = self._memo.get(key)
                if outcome is None:
                    outcome = self._lookup(key)
                    with self._lock:
                        self._memo[key] = outcome
                        self._pending.pop(key, None)
        if isinstance(outcome, ResolvedSchema):
            return outcome
        raise SchemaUnavailableError(key, list(outcome))

    def registry(self) -> referencing.Registry[Any]:
        """Return a registry that retrieves every reference through :meth:`resolve`.

        The registry already holds every packaged and pystac schema and every schema this
        resolver has resolved so far (looking those up is much faster than retrieving them);
        anything else, the community schemas included, is retrieved on demand (reading every
        community file up front would double the cost of the first call). Resources use the
        dialect their ``$schema`` names, draft-07 by default, and are registered under the URI
        they were resolved for (not their ``$id``). An identifier no source has raises
        ``referencing.exceptions.NoSuchResource``.

        Returns:
            An immutable ``referencing.Registry``. Build validators once and reuse them: call
            this again after resolving or fetching more schemas to include them up front.
        """
        import referencing

        with self._lock:
            if self._registry is None:
                self._registry = referencing.Registry(retrieve=self._retrieve)  # type: ignore[call-arg]
            base = self._registry
            preload = not self._preloaded
            self._preloaded = True
        if preload:
            for uri, origin, _ in self._builtin():
                if origin == "community":
                    continue
                with contextlib.suppress(SchemaUnavailableError):
                    self.resolve(uri)
        with self._lock:
            resolved = [o for o in self._memo.values() if isinstance(o, ResolvedSchema)]
        return base.with_resources((found.uri, self._resource(found)) for found in resolved)

    def known(self) -> list[tuple[str, Origin, str]]:
        """List every identifier available without the network.

        Each identifier appears once, with the source :meth:`resolve` would use.

        Returns:
            ``(uri, origin, location)`` tuples in source order, then by URI.
        """
        listed: dict[str, tuple[str, Origin, str]] = {}
        for uri, origin, location in self._builtin():
            listed.setdefault(uri, (uri, origin, location))
        for pack in self.packs:
            for uri in pack.identifiers():
                listed.setdefault(uri, (uri, "pack", pack.location(uri)))
        for folder, (mapping, _) in zip(self.settings.schema_dirs, self._maps, strict=True):
            for uri, location in sorted(self._mirror_files(folder, mapping)):
                listed.setdefault(uri, (uri, "mirror", location))
        cache = self._cache_root()
        if cache is not None:
            for uri, location in sorted(self._layout_files(cache, set())):
                listed.setdefault(uri, (uri, "cache", location))
        for entry in README_WRITTEN:
            listed.setdefault(
                entry.identifier, (entry.identifier, "readme", str(community_file(entry)))
            )
        return list(listed.values())

    def fetch(
        self, uris: Iterable[str], progress: Callable[[str], None] | None = None
    ) -> list[ResolvedSchema | SchemaUnavailableError]:
        """Resolve schemas and everything they reference, filling the cache for offline use.

        Every ``$ref`` of a resolved schema is followed (relative ones against the URI the
        schema was resolved from), breadth first; the JSON Schema metaschemas, which
        python-jsonschema bundles, are skipped. The network is used only for allowed hosts, and
        what it returns is written to the cache.

        Args:
            uris: The identifiers to start from.
            progress: Called with each identifier before it is resolved.

        Returns:
            One result per identifier visited, in visiting order.
        """
        return [outcome for _, outcome in self._closure(uris, progress)]

    def export(self, folder: Path, uris: Iterable[str] | None = None) -> Path:
        """Write schemas as a mirror folder usable by this resolver and other validators.

        Writes each schema to ``folder/<host>/<path>`` (URIs without such a path go to
        ``folder/_other/<hash>.json``), a ``schema-map.json`` mapping each URI to its file
        (relative to ``folder``), and ``stac-validator-args.txt``: one
        ``--schema-map URI PATH`` line per schema for stac-validator, with a note on
        stac-node-validator's ``--schemaMap URI=PATH``. Files are copied byte for byte when
        the schema was read from a file.

        Args:
            folder: The folder to write into (created if needed).
            uris: The schemas to export, with everything they reference; by default every
                schema :meth:`known` lists.

        Returns:
            The path of the written ``schema-map.json``.

        Raises:
            SchemaUnavailableError: A requested schema (or one it references) cannot be resolved;
                nothing is written then.
            OSError: The folder cannot be written.
        """
        if uris is None:
            selected = [self.resolve(uri) for uri, _, _ in self.known()]
        else:
            selected = []
            for _, outcome in self._closure(uris, None):
                if isinstance(outcome, SchemaUnavailableError):
                    raise outcome
                selected.append(outcome)
        return self._write_export(folder, selected)

    # -- sources --

    def _builtin(self) -> Iterator[tuple[str, Origin, str]]:
        """The packaged, community and pystac identifiers, with their locations."""
        root = extensions_root()
        for entry in versions(kind=DocumentKind.JSON_SCHEMA):
            path = str(root / entry.resource_path)
            for uri in (entry.identifier, *entry.aliases):
                yield uri, "packaged", path
        for community in COMMUNITY:
            yield community.identifier, "community", str(community_file(community))
        bundle, _ = self._pystac_bundle()
        for uri in sorted(bundle):
            yield uri, "pystac", bundle[uri][1]

    def _lookup(self, uri: str) -> _Outcome:
        if not _is_web_uri(uri):
            return (
                "only absolute http(s) URIs are resolved: file: URIs and relative references "
                "are refused",
            )
        reasons: list[str] = []
        sources = (
            self._packaged,
            self._community,
            self._pystac,
            self._packed,
            self._mirrors,
            self._cached,
            self._network,
            self._readme_written,
        )
        for source in sources:
            found = source(uri, reasons)
            if found is not None:
                return found
        return tuple(reasons)

    def _packaged(self, uri: str, reasons: list[str]) -> ResolvedSchema | None:
        if not is_known(uri):
            reasons.append("not packaged")
            return None
        entry = find_version(uri)
        if entry.kind is not DocumentKind.JSON_SCHEMA:
            reasons.append("packaged only as an OpenAPI document, not a JSON Schema")
            return None
        location = str(extensions_root() / entry.resource_path)
        return ResolvedSchema(uri, get_schema(entry.identifier), "packaged", location)

    @staticmethod
    def _community(uri: str, reasons: list[str]) -> ResolvedSchema | None:
        entry = find_community(uri)
        if entry is None:
            reasons.append(unusable_reason(uri) or "not built in")
            return None
        return ResolvedSchema(uri, read_community(entry), "community", str(community_file(entry)))

    @staticmethod
    def _readme_written(uri: str, reasons: list[str]) -> ResolvedSchema | None:
        entry = find_readme_written(uri)
        if entry is None:
            return None
        return ResolvedSchema(uri, read_community(entry), "readme", str(community_file(entry)))

    def _pystac_bundle(self) -> tuple[dict[str, tuple[dict[str, Any], str]], str | None]:
        with self._lock:
            if self._bundle is None:
                self._bundle = _load_pystac_bundle()
            return self._bundle

    def _pystac(self, uri: str, reasons: list[str]) -> ResolvedSchema | None:
        bundle, problem = self._pystac_bundle()
        if uri in bundle:
            schema, location = bundle[uri]
            return ResolvedSchema(uri, schema, "pystac", location)
        if problem is not None:
            reasons.append(f"pystac's bundle is unavailable ({problem})")
        else:
            reasons.append("not in pystac's bundle")
        return None

    def _packed(self, uri: str, reasons: list[str]) -> ResolvedSchema | None:
        for pack in self.packs:
            data = pack.data(uri)
            if data is None:
                reasons.append(f"not in schema pack {pack.path}")
                continue
            parsed = _parse_object(data)
            if parsed is None:
                reasons.append(f"schema pack {pack.path} holds it but not as a JSON object")
                continue
            return ResolvedSchema(uri, parsed, "pack", pack.location(uri), data)
        return None

    @staticmethod
    def _read_map(folder: Path) -> tuple[dict[str, str], str | None]:
        path = folder / SCHEMA_MAP_NAME
        if not path.exists():
            return {}, None
        if _inside(folder, SCHEMA_MAP_NAME) is None:
            return {}, f"{SCHEMA_MAP_NAME} points outside the folder (refused)"
        try:
            parsed = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            return {}, f"{SCHEMA_MAP_NAME} is unreadable ({exc})"
        if not isinstance(parsed, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()
        ):
            return {}, f"{SCHEMA_MAP_NAME} is not an object of URI → path strings"
        return {_normalise(k): v for k, v in parsed.items()}, None

    def _mirrors(self, uri: str, reasons: list[str]) -> ResolvedSchema | None:
        if not self.settings.schema_dirs:
            reasons.append("no mirror folder given (--schema-dir)")
            return None
        for folder, (mapping, problem) in zip(self.settings.schema_dirs, self._maps, strict=True):
            notes: list[str] = [problem] if problem else []
            candidates: list[str] = []
            if uri in mapping:
                candidates.append(mapping[uri])
            layout = _layout_path(uri)
            if layout is not None:
                candidates.append(str(layout))
            for relative in candidates:
                found = self._read_file(uri, folder, relative, "mirror", notes)
                if found is not None:
                    return found
            detail = f" ({'; '.join(notes)})" if notes else ""
            reasons.append(f"not in mirror {folder}{detail}")
        return None

    def _cache_root(self) -> Path | None:
        if not self.settings.use_cache or self.settings.cache_dir is None:
            return None
        return self.settings.cache_dir

    def _cached(self, uri: str, reasons: list[str]) -> ResolvedSchema | None:
        root = self._cache_root()
        if root is None:
            reasons.append("cache disabled")
            return None
        layout = _layout_path(uri)
        notes: list[str] = []
        if layout is None:
            notes.append("the URI has no file name in the cache layout")
        else:
            found = self._read_file(uri, root, str(layout), "cache", notes)
            if found is not None:
                return found
        detail = f" ({'; '.join(notes)})" if notes else ""
        reasons.append(f"not cached in {root}{detail}")
        return None

    @staticmethod
    def _read_file(
        uri: str, root: Path, relative: str, origin: Origin, notes: list[str]
    ) -> ResolvedSchema | None:
        path = _inside(root, relative)
        if path is None:
            notes.append(f"{relative} points outside the folder (refused)")
            return None
        if is_link_loop(path):
            notes.append(f"{path} is {_LOOP}")
            return None
        if not path.is_file():
            return None
        try:
            data = path.read_bytes()
        except OSError as exc:
            notes.append(f"{path} is unreadable ({exc})")
            return None
        parsed = _parse_object(data)
        if parsed is None:
            notes.append(f"{path} is not a JSON object")
            return None
        return ResolvedSchema(uri, parsed, origin, str(path))

    def _network(self, uri: str, reasons: list[str]) -> ResolvedSchema | None:
        refusal = self._allowed.refusal(uri)
        if refusal is not None:
            reasons.append(refusal)
            return None
        settings = self.settings
        try:
            data, final_url = download(
                uri,
                self._allowed,
                max_bytes=settings.max_bytes,
                timeout=settings.timeout,
                accept="application/schema+json, application/json;q=0.9, */*;q=0.1",
                ca_bundle=settings.ca_bundle,
            )
        except HttpRefusedError as exc:
            reasons.append(f"download of {uri} failed: {exc.reason}")
            return None
        parsed = _parse_object(data)
        if parsed is None:
            reasons.append(f"download of {uri} failed: the response is not a JSON object")
            return None
        self._store(uri, data)
        return ResolvedSchema(uri, parsed, "network", final_url, data)

    def _store(self, uri: str, data: bytes) -> None:
        root = self._cache_root()
        layout = _layout_path(uri)
        if root is None or layout is None:
            return
        try:
            root.mkdir(parents=True, exist_ok=True)
            target = _inside(root, str(layout))
            if target is None:
                raise OSError(f"{layout} would leave the cache folder")
            write_atomically(target, data)
        except OSError as exc:
            warnings.warn(
                f"could not write {uri} to the schema cache {root}: {exc}",
                RuntimeWarning,
                stacklevel=2,
            )

    # -- listing --

    def _mirror_files(self, folder: Path, mapping: Mapping[str, str]) -> Iterator[tuple[str, str]]:
        mapped: set[Path] = set()
        for uri, relative in mapping.items():
            path = _inside(folder, relative)
            if path is not None and is_link_loop(path):
                self.passed_over[str(path)] = _LOOP
            elif path is not None and path.is_file() and _is_web_uri(uri):
                mapped.add(path)
                yield uri, str(path)
        yield from self._layout_files(folder, mapped)

    def _layout_files(self, root: Path, skip: set[Path]) -> Iterator[tuple[str, str]]:
        if not root.is_dir():
            return
        for directory, subdirectories, files in os.walk(root):
            relative_dir = PurePosixPath(Path(directory).relative_to(root).as_posix())
            if relative_dir == PurePosixPath("."):
                subdirectories[:] = [d for d in subdirectories if not d.startswith((".", "_"))]
                continue
            for name in files:
                if not name.endswith(".json") or name.startswith("."):
                    continue
                relative = relative_dir / name
                path = _inside(root, str(relative))
                if path is None or path in skip:
                    continue
                if is_link_loop(path):
                    self.passed_over[str(path)] = _LOOP
                    continue
                uri = _uri_from_layout(relative)
                if _layout_path(uri) == relative:
                    yield uri, str(path)

    # -- references --

    def _retrieve(self, uri: str) -> referencing.Resource[Any]:
        import referencing.exceptions

        try:
            found = self.resolve(uri)
        except SchemaUnavailableError as exc:
            raise referencing.exceptions.NoSuchResource(ref=uri) from exc  # type: ignore[call-arg]
        return self._resource(found)

    def _resource(self, found: ResolvedSchema) -> referencing.Resource[Any]:
        with self._lock:
            resource = self._resources.get(found.uri)
        if resource is None:
            from referencing.jsonschema import DRAFT7, specification_with

            dialect = found.contents.get("$schema")
            specification = specification_with(
                dialect if isinstance(dialect, str) else "", default=DRAFT7
            )
            resource = specification.create_resource(found.contents)
            with self._lock:
                resource = self._resources.setdefault(found.uri, resource)
        return resource

    def _closure(
        self, uris: Iterable[str], progress: Callable[[str], None] | None
    ) -> Iterator[tuple[str, ResolvedSchema | SchemaUnavailableError]]:
        queue = deque(_normalise(u) for u in uris)
        seen: set[str] = set()
        while queue:
            uri = queue.popleft()
            if uri in seen:
                continue
            seen.add(uri)
            if progress is not None:
                progress(uri)
            try:
                found = self.resolve(uri)
            except SchemaUnavailableError as exc:
                yield uri, exc
                continue
            yield uri, found
            for reference in schema_references(found.contents, found.uri):
                if reference not in seen and not _is_metaschema(reference):
                    queue.append(reference)

    # -- export --

    def source_bytes(self, found: ResolvedSchema) -> bytes:
        """Return a schema's bytes as published where they are known, else its JSON text.

        Args:
            found: A schema this resolver resolved.

        Returns:
            The downloaded or packed bytes, the bytes of the file it was read from (when that
            file still holds the same schema), or the schema written as indented JSON.
        """
        if found.data is not None:
            return found.data
        if found.origin != "network":
            path = Path(found.location)
            with contextlib.suppress(OSError):
                if path.is_file():
                    data = path.read_bytes()
                    if _parse_object(data) == found.contents:
                        return data
        return (json.dumps(found.contents, indent=2, ensure_ascii=False) + "\n").encode()

    def _write_export(self, folder: Path, selected: list[ResolvedSchema]) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        written: dict[PurePosixPath, bytes] = {}
        schema_map: dict[str, str] = {}
        for found in selected:
            data = self.source_bytes(found)
            relative = _layout_path(found.uri)
            if relative is None or written.get(relative, data) != data:
                digest = hashlib.sha256(found.uri.encode()).hexdigest()[:32]
                relative = PurePosixPath(_OTHER_DIR, f"{digest}.json")
            if relative not in written:
                target = _inside(folder, str(relative))
                if target is None:
                    raise OSError(f"{relative} would leave the export folder {folder}")
                write_atomically(target, data)
                written[relative] = data
            schema_map[found.uri] = str(relative)
        map_path = folder / SCHEMA_MAP_NAME
        write_atomically(
            map_path, (json.dumps(schema_map, indent=2, sort_keys=True) + "\n").encode()
        )
        base = folder.resolve()
        lines = [
            "# stac-validator (4.x): pass these lines as arguments, e.g.",
            f"#   grep -v '^#' {STAC_VALIDATOR_ARGS_NAME} | xargs stac-validator ITEM.json",
            "# stac-node-validator takes the same pairs written as --schemaMap URI=PATH.",
        ]
        for uri, relative_path in sorted(schema_map.items()):
            lines.append(
                f"--schema-map {shlex.quote(uri)} {shlex.quote(str(base / relative_path))}"
            )
        write_atomically(folder / STAC_VALIDATOR_ARGS_NAME, ("\n".join(lines) + "\n").encode())
        return map_path
