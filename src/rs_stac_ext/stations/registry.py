"""The station registry: which ground stations exist, how to reach them, what they serve.

A registry is a YAML file (format documented in ``docs/stations.md``)::

    version: 1
    defaults: {timeout: 30, page_size: 100}
    services:
      cadip:
        mti:
          root_url: https://cadip.example.eu/mti/odata/v1
          station_code: MTI_
          auth:
            kind: oauth2-password
            token_url: https://cadip.example.eu/mti/oauth2/token
            username: rs-server
            password: {env: RS_MTI_PASSWORD}
          collections:
            - id: mti_s1a
              query: {platform: [sentinel-1a], limit: 20}

Secrets (passwords, client secrets, API keys, token-call headers) are never written in the file:
the file names the environment variable that holds each one, and the value is read only when a
client asks for it. ``root_url`` and ``token_url`` may use ``${NAME}`` or ``${NAME:-default}``.

:meth:`Registry.load` with no path loads the built-in registry (``default_registry.yaml``), which
points every station at the local station simulator, ``http://127.0.0.1:8484`` unless
``RS_STAC_SIMULATOR_URL`` says otherwise. Every problem in a file is reported as
:class:`RegistryError` naming the file, the line, the YAML path and what was expected.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast, get_args

import yaml

from rs_stac_ext.errors import RsStacExtError
from rs_stac_ext.stations.missions import UnknownSatellite, satellite_by_platform

__all__ = [
    "SERVICES",
    "SERVICE_ALIASES",
    "Auth",
    "AuthKind",
    "CollectionConfig",
    "EnvSecret",
    "Registry",
    "RegistryError",
    "SecretUnavailable",
    "Service",
    "Station",
    "UnknownStation",
    "iter_secrets",
    "normalise_service",
]

Service = Literal["cadip", "auxip", "prip", "lta", "edrs"]
"""A station service."""

SERVICES: tuple[Service, ...] = get_args(Service)
SERVICE_ALIASES: Mapping[str, Service] = MappingProxyType({"adgs": "auxip"})
"""Older names accepted wherever a service is named."""

SIMULATOR_URL_ENV = "RS_STAC_SIMULATOR_URL"
"""Environment variable overriding the simulator address of the built-in registry."""

_FORMAT_VERSION = 1
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_STATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_STATION_CODE = re.compile(r"^[A-Z0-9_]{4}$")
_SCHEMES = {"http", "https"}
_EDRS_SCHEMES = {"ftps", "ftpes", "sftp"}


class RegistryError(RsStacExtError, ValueError):
    """A registry file that cannot be used.

    Attributes:
        source: The file (or ``<default registry>``).
        path: The YAML path of the offending value (``services.cadip.mti.auth.password``).
        line: 1-based line of that value in the file, when known.
        message: What was expected.
    """

    def __init__(self, source: str, path: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.path = path
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {path or '(top level)'}: {message}")

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownStation(RsStacExtError, LookupError):  # noqa: N818 - reads as a verdict
    """A service, station or collection the registry does not declare."""

    def __str__(self) -> str:
        return str(self.args[0])


class SecretUnavailable(RsStacExtError, LookupError):  # noqa: N818 - reads as a verdict
    """The environment variable that should hold a secret is not set."""

    def __str__(self) -> str:
        return str(self.args[0])


def normalise_service(service: str) -> Service:
    """Return the canonical service name (``adgs`` → ``auxip``).

    Raises:
        UnknownStation: Not a station service.
    """
    name = service.strip().lower()
    name = SERVICE_ALIASES.get(name, name)
    if name not in SERVICES:
        raise UnknownStation(f"unknown service {service!r}: expected one of {', '.join(SERVICES)}")
    return name


@dataclass(frozen=True)
class EnvSecret:
    """A value kept in an environment variable and read only when needed.

    Attributes:
        env: Name of the environment variable.
    """

    env: str

    def get(self, environ: Mapping[str, str] | None = None) -> str:
        """Return the value.

        Args:
            environ: Where to look (default: ``os.environ``).

        Raises:
            SecretUnavailable: The variable is not set.
        """
        source = os.environ if environ is None else environ
        value = source.get(self.env)
        if value is None:
            raise SecretUnavailable(f"environment variable {self.env} is not set")
        return value

    def __repr__(self) -> str:
        return f"EnvSecret(env={self.env!r})"


class AuthKind(StrEnum):
    """How a station authenticates its clients."""

    NONE = "none"
    BASIC = "basic"
    OAUTH2_PASSWORD = "oauth2-password"
    API_KEY = "api-key"


@dataclass(frozen=True)
class Auth:
    """How to authenticate to one station. Secrets stay in the environment until asked for.

    Attributes:
        kind: The scheme.
        username: User name (basic, OAuth2 password grant); literal or from the environment.
        password: Password (basic, OAuth2 password grant).
        token_url: Token endpoint (OAuth2 password grant).
        client_id: OAuth2 client id; literal or from the environment.
        client_secret: OAuth2 client secret.
        scope: OAuth2 scope.
        token_authorization: A ready ``Authorization`` header value for the token request
            (some stations want ``Basic …`` there instead of client credentials).
        header: Name of the API-key header (default ``x-api-key``).
        api_key: The API key.
    """

    kind: AuthKind = AuthKind.NONE
    username: str | EnvSecret | None = None
    password: EnvSecret | None = None
    token_url: str | None = None
    client_id: str | EnvSecret | None = None
    client_secret: EnvSecret | None = None
    scope: str | None = None
    token_authorization: EnvSecret | None = None
    header: str = "x-api-key"
    api_key: EnvSecret | None = None

    def value(self, name: str, environ: Mapping[str, str] | None = None) -> str | None:
        """Return one credential, reading the environment if it lives there.

        Args:
            name: A field name: ``username``, ``password``, ``client_id``, ``client_secret``,
                ``token_authorization`` or ``api_key``.
            environ: Where to look (default: ``os.environ``).

        Returns:
            The value, or ``None`` when the field is not configured.

        Raises:
            SecretUnavailable: The field names an environment variable that is not set.
            AttributeError: ``name`` is not a credential field.
        """
        if name not in _CREDENTIALS:
            raise AttributeError(f"{name!r} is not a credential of Auth")
        held = getattr(self, name)
        if isinstance(held, EnvSecret):
            return held.get(environ)
        return cast(str | None, held)


_CREDENTIALS = (
    "username",
    "password",
    "client_id",
    "client_secret",
    "token_authorization",
    "api_key",
)


@dataclass(frozen=True)
class CollectionConfig:
    """A STAC collection served from one station, with its fixed search criteria.

    Attributes:
        id: Collection id, unique within its service.
        station: Id of the station serving it.
        query: Fixed criteria as STAC-search keys (``ids``, ``platform``, ``constellation``,
            ``product:type``, ``datetime``, ``limit``, ``filter`` or any ``prefix:field``);
            list-valued keys always hold lists.
        title: Human title.
        description: Human description.
    """

    id: str
    station: str
    query: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Station:
    """One station of one service.

    Attributes:
        service: Which service it offers.
        id: Station id, unique within its service (``mti``).
        root_url: OData service root, without trailing slash (``…/odata/v1``).
        auth: How to authenticate.
        collections: The collections it serves.
        station_code: CADIP ``cadip:station_id`` code (``MTI_``).
        timeout: Seconds allowed per HTTP request.
        page_size: Records asked for per OData page.
        title: Human name.
    """

    service: Service
    id: str
    root_url: str
    auth: Auth = field(default_factory=Auth)
    collections: tuple[CollectionConfig, ...] = ()
    station_code: str | None = None
    timeout: float = 30.0
    page_size: int = 100
    title: str | None = None

    def collection(self, collection_id: str) -> CollectionConfig:
        """Return one of the station's collections.

        Raises:
            UnknownStation: The station serves no such collection.
        """
        for collection in self.collections:
            if collection.id == collection_id:
                return collection
        known = ", ".join(c.id for c in self.collections) or "none"
        raise UnknownStation(
            f"{self.service} station {self.id!r} has no collection {collection_id!r} "
            f"(it has: {known})"
        )


@dataclass(frozen=True)
class Registry:
    """Every declared station, by service.

    Attributes:
        source: Where the registry was read from.
        services: Stations by service, then by id.
    """

    source: str
    services: Mapping[Service, Mapping[str, Station]]

    @classmethod
    def load(cls, path: Path | None = None) -> Registry:
        """Read and check a registry file.

        Args:
            path: The YAML file; ``None`` for the built-in default registry.

        Raises:
            RegistryError: The file cannot be read or breaks the format.
        """
        if path is None:
            text = (
                resources.files("rs_stac_ext.stations")
                .joinpath("default_registry.yaml")
                .read_text(encoding="utf-8")
            )
            return cls.from_text(text, "<default registry>")
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RegistryError(str(path), "", f"cannot read the file: {exc}") from exc
        return cls.from_text(text, str(path))

    @classmethod
    def from_text(
        cls, text: str, source: str = "<string>", environ: Mapping[str, str] | None = None
    ) -> Registry:
        """Parse and check registry YAML.

        Args:
            text: The YAML document.
            source: Name used in error messages.
            environ: Environment for ``${NAME}`` in URLs (default: ``os.environ``).

        Raises:
            RegistryError: The text breaks the format.
        """
        return _Parser(source, environ if environ is not None else os.environ).parse(text)

    def station(self, service: str, station_id: str) -> Station:
        """Return one station.

        Raises:
            UnknownStation: No such service or station.
        """
        name = normalise_service(service)
        stations = self.services.get(name, {})
        found = stations.get(station_id) or stations.get(station_id.lower())
        if found is None:
            known = ", ".join(stations) or "none"
            raise UnknownStation(
                f"no {name} station {station_id!r} in {self.source} (declared: {known})"
            )
        return found

    def stations(self, service: str | None = None) -> list[Station]:
        """Return the stations of one service, or of every service."""
        if service is None:
            return [s for stations in self.services.values() for s in stations.values()]
        return list(self.services.get(normalise_service(service), {}).values())

    def collection(self, service: str, collection_id: str) -> CollectionConfig:
        """Return a collection by id.

        Raises:
            UnknownStation: No station of the service serves it.
        """
        for collection in self.collections(service):
            if collection.id == collection_id:
                return collection
        raise UnknownStation(
            f"unknown {normalise_service(service)} collection {collection_id!r} in {self.source}"
        )

    def collections(self, service: str | None = None) -> list[CollectionConfig]:
        """Return the collections of one service, or of every service."""
        return [c for station in self.stations(service) for c in station.collections]


# ------------------------------------------------------------------------------------ parsing


def _line_index(node: yaml.Node, path: str, into: dict[str, int]) -> None:
    into.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value)
            _line_index(value, f"{path}.{name}" if path else name, into)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _line_index(value, f"{path}[{index}]", into)


def _yaml_time(value: dt.date) -> str:
    # YAML reads an unquoted timestamp as a datetime (or date): give it back as RFC 3339.
    if not isinstance(value, dt.datetime):
        return f"{value.isoformat()}T00:00:00Z"
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat() + "Z"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class _Parser:
    def __init__(self, source: str, environ: Mapping[str, str]) -> None:
        self.source = source
        self.environ = environ
        self.lines: dict[str, int] = {}

    def fail(self, path: str, message: str) -> RegistryError:
        line = self.lines.get(path)
        probe = path
        while line is None and probe:
            probe = re.sub(r"(\.[^.\[]*|\[[0-9]+\])$", "", probe)
            line = self.lines.get(probe)
        return RegistryError(self.source, path, message, line)

    def parse(self, text: str) -> Registry:
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise RegistryError(self.source, "", f"not valid YAML: {exc}", line) from exc
        if node is not None:
            _line_index(node, "", self.lines)
        top = self.mapping(data, "", required=("version", "services"), optional=("defaults",))
        if top["version"] != _FORMAT_VERSION or isinstance(top["version"], bool):
            raise self.fail(
                "version", f"expected the format version 1, got {_kind(top['version'])}"
            )
        defaults = self.mapping(
            top.get("defaults") or {}, "defaults", optional=("timeout", "page_size")
        )
        timeout = self.timeout(defaults.get("timeout", 30.0), "defaults.timeout")
        page_size = self.page_size(defaults.get("page_size", 100), "defaults.page_size")
        services = self.mapping(top["services"], "services", optional=SERVICES)
        parsed: dict[Service, Mapping[str, Station]] = {}
        for service in SERVICES:
            stations = services.get(service)
            if stations is None:
                continue
            path = f"services.{service}"
            stations = self.mapping(stations, path, free=True)
            parsed[service] = MappingProxyType(
                {
                    str(sid): self.station(
                        service, str(sid), spec, f"{path}.{sid}", timeout, page_size
                    )
                    for sid, spec in stations.items()
                }
            )
            self.unique_collections(service, parsed[service], path)
        return Registry(self.source, MappingProxyType(parsed))

    def mapping(
        self,
        value: Any,
        path: str,
        *,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
        free: bool = False,
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {_kind(value)}")
        if not free:
            allowed = (*required, *optional)
            for key in value:
                if key not in allowed:
                    where = f"{path}.{key}" if path else str(key)
                    raise self.fail(
                        where, f"unknown key {key!r}; expected one of: {', '.join(allowed)}"
                    )
            for key in required:
                if key not in value:
                    raise self.fail(path, f"missing required key {key!r}")
        return value

    def text(self, value: Any, path: str, pattern: re.Pattern[str] | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"expected a non-empty string, got {_kind(value)}")
        if pattern is not None and not pattern.fullmatch(value):
            raise self.fail(path, f"expected a string matching {pattern.pattern}, got {value!r}")
        return value

    def timeout(self, value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.fail(path, f"expected a positive number of seconds, got {_kind(value)}")
        return float(value)

    def page_size(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10000:
            raise self.fail(path, f"expected an integer from 1 to 10000, got {_kind(value)}")
        return value

    def url(self, value: Any, path: str, schemes: set[str]) -> str:
        raw = self.text(value, path)

        def substitute(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            found = self.environ.get(name)
            if found is None and default is None:
                raise self.fail(path, f"environment variable {name} is not set (used in {raw!r})")
            return found if found is not None else cast(str, default)

        url = _INTERPOLATION.sub(substitute, raw).strip()
        scheme, sep, rest = url.partition("://")
        if not sep or scheme.lower() not in schemes or not rest or rest.startswith("/"):
            wanted = " or ".join(sorted(schemes))
            raise self.fail(path, f"expected an absolute {wanted} URL, got {url!r}")
        rest = re.sub(r"/{2,}", "/", rest).rstrip("/")
        return f"{scheme.lower()}://{rest}"

    def secret(self, value: Any, path: str) -> EnvSecret:
        if isinstance(value, dict) and set(value) == {"env"}:
            name = value["env"]
            if isinstance(name, str) and _ENV_NAME.fullmatch(name):
                return EnvSecret(name)
            raise self.fail(
                f"{path}.env", f"expected an environment variable name, got {_kind(name)}"
            )
        found = "a literal string" if isinstance(value, str) else _kind(value)
        raise self.fail(
            path,
            f"a secret is never written in the registry: write {{env: VARIABLE}} naming the "
            f"environment variable that holds it, got {found}",
        )

    def literal_or_env(self, value: Any, path: str) -> str | EnvSecret:
        if isinstance(value, dict):
            return self.secret(value, path)
        return self.text(value, path)

    def auth(self, value: Any, path: str) -> Auth:
        spec = self.mapping(value, path, required=("kind",), optional=_AUTH_KEYS)
        try:
            kind = AuthKind(spec["kind"])
        except ValueError:
            kinds = ", ".join(k.value for k in AuthKind)
            raise self.fail(
                f"{path}.kind", f"expected one of {kinds}, got {_kind(spec['kind'])}"
            ) from None
        required, optional = _AUTH_FIELDS[kind]
        self.mapping(spec, path, required=("kind", *required), optional=optional)
        values: dict[str, Any] = {"kind": kind}
        readers: dict[str, Callable[[Any, str], Any]] = {
            "username": self.literal_or_env,
            "client_id": self.literal_or_env,
            "password": self.secret,
            "client_secret": self.secret,
            "token_authorization": self.secret,
            "api_key": self.secret,
            "token_url": lambda v, p: self.url(v, p, _SCHEMES),
            "scope": self.text,
            "header": lambda v, p: self.text(v, p, re.compile(r"[A-Za-z0-9-]+")),
        }
        for key in (*required, *optional):
            if key in spec:
                values[key] = readers[key](spec[key], f"{path}.{key}")
        return Auth(**values)

    def station(
        self,
        service: Service,
        station_id: str,
        value: Any,
        path: str,
        timeout: float,
        page_size: int,
    ) -> Station:
        if not _STATION_ID.fullmatch(station_id):
            raise self.fail(
                path,
                f"a station id is letters, digits, '_' or '-' (used in URLs), got {station_id!r}",
            )
        optional: tuple[str, ...] = ("title", "auth", "collections", "timeout", "page_size")
        if service == "cadip":
            optional = (*optional, "station_code")
        spec = self.mapping(value, path, required=("root_url",), optional=optional)
        schemes = _SCHEMES | _EDRS_SCHEMES if service == "edrs" else _SCHEMES
        collections = spec.get("collections") or []
        if not isinstance(collections, list):
            raise self.fail(f"{path}.collections", f"expected a list, got {_kind(collections)}")
        return Station(
            service=service,
            id=station_id,
            root_url=self.url(spec["root_url"], f"{path}.root_url", schemes),
            auth=self.auth(spec["auth"], f"{path}.auth") if "auth" in spec else Auth(),
            collections=tuple(
                self.collection(station_id, item, f"{path}.collections[{index}]")
                for index, item in enumerate(collections)
            ),
            station_code=(
                self.text(spec["station_code"], f"{path}.station_code", _STATION_CODE)
                if spec.get("station_code") is not None
                else None
            ),
            timeout=self.timeout(spec.get("timeout", timeout), f"{path}.timeout"),
            page_size=self.page_size(spec.get("page_size", page_size), f"{path}.page_size"),
            title=self.text(spec["title"], f"{path}.title") if "title" in spec else None,
        )

    def collection(self, station_id: str, value: Any, path: str) -> CollectionConfig:
        spec = self.mapping(
            value, path, required=("id",), optional=("title", "description", "query")
        )
        query = self.query(spec.get("query") or {}, f"{path}.query")
        return CollectionConfig(
            id=self.text(spec["id"], f"{path}.id", _STATION_ID),
            station=station_id,
            query=MappingProxyType(query),
            title=self.text(spec["title"], f"{path}.title") if "title" in spec else None,
            description=(
                self.text(spec["description"], f"{path}.description")
                if "description" in spec
                else None
            ),
        )

    def query(self, value: Any, path: str) -> dict[str, Any]:
        spec = self.mapping(value, path, free=True)
        query: dict[str, Any] = {}
        for key, item in spec.items():
            where = f"{path}.{key}"
            if key in _LIST_KEYS:
                values = item if isinstance(item, list) else [item]
                if not values:
                    raise self.fail(where, "expected at least one value")
                query[key] = [self.text(v, f"{where}[{i}]") for i, v in enumerate(values)]
                if key == "platform":
                    for index, platform in enumerate(query[key]):
                        try:
                            satellite_by_platform(platform)
                        except UnknownSatellite as exc:
                            raise self.fail(f"{where}[{index}]", str(exc)) from None
            elif key == "limit":
                if isinstance(item, bool) or not isinstance(item, int) or item < 1:
                    raise self.fail(where, f"expected a positive integer, got {_kind(item)}")
                query[key] = item
            elif key in ("datetime", "filter"):
                if key == "datetime" and isinstance(item, dt.datetime | dt.date):
                    item = _yaml_time(item)
                query[key] = self.text(item, where)
                if key == "datetime":
                    self.interval(query[key], where)
            elif isinstance(key, str) and re.fullmatch(r"[a-z0-9_-]+:[A-Za-z0-9_]+", key):
                if isinstance(item, dict) or item is None:
                    raise self.fail(
                        where, f"expected a value or a list of values, got {_kind(item)}"
                    )
                query[key] = item
            else:
                allowed = ", ".join((*_LIST_KEYS, "limit", "datetime", "filter", "prefix:field"))
                raise self.fail(where, f"unknown query key {key!r}; expected one of: {allowed}")
        return query

    def interval(self, value: str, path: str) -> None:
        from rs_stac_ext.stations.mapping._common import parse_timestamp

        parts = value.split("/")
        if len(parts) > 2 or all(p in ("", "..") for p in parts):
            raise self.fail(path, f"expected an RFC 3339 instant or interval a/b, got {value!r}")
        for part in parts:
            if part in ("", ".."):
                continue
            if parse_timestamp(part) is None:
                raise self.fail(path, f"{part!r} is not an RFC 3339 timestamp")

    def unique_collections(
        self, service: Service, stations: Mapping[str, Station], path: str
    ) -> None:
        seen: dict[str, str] = {}
        for station in stations.values():
            for index, collection in enumerate(station.collections):
                if collection.id in seen:
                    raise self.fail(
                        f"{path}.{station.id}.collections[{index}].id",
                        f"collection id {collection.id!r} is already used by {service} station "
                        f"{seen[collection.id]!r}; collection ids are unique per service",
                    )
                seen[collection.id] = station.id


_LIST_KEYS = ("ids", "platform", "constellation", "product:type")
_AUTH_FIELDS: dict[AuthKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    AuthKind.NONE: ((), ()),
    AuthKind.BASIC: (("username", "password"), ()),
    AuthKind.OAUTH2_PASSWORD: (
        ("token_url", "username", "password"),
        ("client_id", "client_secret", "scope", "token_authorization"),
    ),
    AuthKind.API_KEY: (("api_key",), ("header",)),
}
_AUTH_KEYS = tuple(dict.fromkeys(key for req, opt in _AUTH_FIELDS.values() for key in (*req, *opt)))


def iter_secrets(registry: Registry) -> Iterator[tuple[Station, str, EnvSecret]]:
    """Yield every secret a registry refers to, with its station and field name.

    Useful to check, before a run, that every environment variable is set.
    """
    for station in registry.stations():
        for name in _CREDENTIALS:
            held = getattr(station.auth, name)
            if isinstance(held, EnvSecret):
                yield station, name, held
