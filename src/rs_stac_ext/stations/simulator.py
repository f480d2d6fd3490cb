"""A small station simulator: CADIP, AUXIP, PRIP and LTA OData services from JSON files.

:func:`create_app` returns a Starlette application serving, for every ``<service>/<station>.json``
file of a data folder:

* ``/<service>/<station>/odata/v1/Sessions`` and ``.../Files`` (CADIP), ``.../Products``
  (others), with the ``$filter``/``$orderby``/``$top``/``$skip``/``$expand``/``$count``
  subset the station queries use (see :mod:`rs_stac_ext.stations._odata` for the leniencies),
  ``$top`` capped at 1000 for ``Files`` and 10000 otherwise (beyond: 400);
* ``.../Files(<Id>)/$value`` and ``.../Products(<Id>)/$value``: deterministic bytes
  (:func:`payload_bytes`), as many as the record's ``Size``/``ContentLength`` but at most
  ``payload_cap`` (1 MiB by default), with ``Content-Length``;
* ``/<service>/<station>/oauth2/token``: OAuth2 password and refresh-token grants issuing
  tokens that live ``token_lifetime`` seconds, so clients can be tested on expiry;
* ``/_simulator/blobs/<service>/<station>/<Id>``: the same bytes without credentials, where
  ``$value`` redirects when ``redirect_downloads`` is set (as object storage behind a
  pre-signed URL);
* ``/_simulator/faults`` (POST ``{"status": 503, "count": 2, "delay": 0, "match": "/odata/"}``,
  DELETE) and ``/_simulator/requests`` (GET, the request log): fault injection for tests.
  ``RS_STAC_SIMULATOR_FAULTS=503:2`` arms faults at start-up.

Requests may carry ``Authorization: Bearer`` (a token of the token endpoint), ``Authorization:
Basic`` (a user of ``users``) or an API key header (one of ``api_keys``); wrong credentials are
always refused (401), missing ones only when ``require_auth`` is set.

Run it with ``python -m rs_stac_ext.stations.simulator --port 8484``. The default data
(``simulator_data/``) was written by ``_make_simulator_data.py``: generated records, no copy of
any real station's answer.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import json
import os
import re
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import click
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from rs_stac_ext.stations._odata import ODataSyntaxError, compile_filter, sort_records

__all__ = [
    "DATA_DIR",
    "Fault",
    "SimulatorState",
    "create_app",
    "main",
    "payload_bytes",
    "serve",
]

DATA_DIR = Path(__file__).with_name("simulator_data")
"""The generated records served by default."""

FAULTS_ENV = "RS_STAC_SIMULATOR_FAULTS"
"""Faults armed at start-up: ``STATUS:COUNT`` or ``delay=SECONDS:COUNT``, comma-separated."""

_ENTITIES = {"cadip": ("Sessions", "Files")}
_PRODUCTS = ("Products",)
_MAX_TOP = {"Files": 1000}
_DEFAULT_MAX_TOP = 10000
_CHUNK = 1 << 16
_ITEM = re.compile(r"^(?P<entity>[A-Za-z]+)\((?P<key>[^)]*)\)(?P<value>/\$value)?$")


def payload_bytes(record_id: str, size: int) -> bytes:
    """Return the bytes served for a file: deterministic, from the record id.

    Args:
        record_id: The record's ``Id``.
        size: How many bytes.
    """
    return hashlib.shake_256(f"rs-stac-ext simulator {record_id}".encode()).digest(size)


@dataclass
class Fault:
    """Misbehaviour applied to the next matching requests.

    Attributes:
        status: HTTP status to answer instead (``None``: answer normally, after the delay).
        count: How many requests it still applies to.
        delay: Seconds to wait before answering.
        match: Applies to request paths containing this text.
    """

    status: int | None = 503
    count: int = 1
    delay: float = 0.0
    match: str = "/odata/"


@dataclass
class _Grant:
    user: str
    expires_at: float


@dataclass
class SimulatorState:
    """What the simulator holds; reachable as ``app.state.simulator``.

    Attributes:
        data: Records by ``(service, station)`` then entity set.
        users: Passwords by user name (basic auth and password grant).
        api_keys: Accepted API keys.
        api_key_header: Header carrying an API key.
        require_auth: Refuse requests without credentials.
        token_lifetime: Seconds an access token lives.
        refresh_lifetime: Seconds a refresh token lives.
        payload_cap: Most bytes served by a ``$value``.
        next_links: Answer pages with ``@odata.nextLink`` while records remain.
        redirect_downloads: Answer ``$value`` with a 307 to ``/_simulator/blobs/...``.
        faults: Armed faults, applied first to last.
        requests: Log of ``(method, path, query)`` of every request.
        grants: Log of the ``grant_type`` of every token issued.
    """

    data: dict[tuple[str, str], dict[str, list[dict[str, Any]]]]
    users: dict[str, str] = field(default_factory=dict)
    api_keys: set[str] = field(default_factory=set)
    api_key_header: str = "x-api-key"
    require_auth: bool = False
    token_lifetime: float = 600.0
    refresh_lifetime: float = 3600.0
    payload_cap: int = 1 << 20
    next_links: bool = False
    redirect_downloads: bool = False
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)
    _tokens: dict[str, _Grant] = field(default_factory=dict)
    _refresh: dict[str, _Grant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def inject(
        self,
        status: int | None = 503,
        *,
        count: int = 1,
        delay: float = 0.0,
        match: str = "/odata/",
    ) -> None:
        """Arm a fault for the next ``count`` requests whose path contains ``match``."""
        with self._lock:
            self.faults.append(Fault(status, count, delay, match))

    def take_fault(self, path: str) -> Fault | None:
        """Consume one use of the first fault matching a path."""
        with self._lock:
            for fault in self.faults:
                if fault.match in path and fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def revoke_tokens(self) -> None:
        """Forget every access and refresh token (clients must authenticate again)."""
        with self._lock:
            self._tokens.clear()
            self._refresh.clear()

    def issue(self, user: str, grant: str) -> dict[str, Any]:
        """Issue an access and a refresh token for a user."""
        now = time.monotonic()
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[access] = _Grant(user, now + self.token_lifetime)
            self._refresh[refresh] = _Grant(user, now + self.refresh_lifetime)
            self.grants.append(grant)
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "refresh_token": refresh,
            "refresh_expires_in": self.refresh_lifetime,
        }

    def redeem(self, refresh: str) -> str | None:
        """Use up a refresh token; return its user, or ``None`` if unknown or expired."""
        with self._lock:
            grant = self._refresh.pop(refresh, None)
        if grant is None or grant.expires_at <= time.monotonic():
            return None
        return grant.user

    def token_valid(self, token: str) -> bool:
        """Tell whether an access token is known and alive."""
        with self._lock:
            grant = self._tokens.get(token)
        return grant is not None and grant.expires_at > time.monotonic()


def load_data(data_dir: Path) -> dict[tuple[str, str], dict[str, list[dict[str, Any]]]]:
    """Read every ``<service>/<station>.json`` file of a data folder.

    Raises:
        ValueError: A file is not a JSON object of record lists.
    """
    data: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
    for path in sorted(data_dir.glob("*/*.json")):
        service, station = path.parent.name, path.stem
        content = json.loads(path.read_text(encoding="utf-8"))
        entities = _ENTITIES.get(service, _PRODUCTS)
        if not isinstance(content, dict) or not all(
            isinstance(content.get(e, []), list) for e in entities
        ):
            raise ValueError(f"{path}: expected an object with lists {', '.join(entities)}")
        data[(service, station)] = {e: list(content.get(e, [])) for e in entities}
    return data


def create_app(
    data_dir: Path | None = None,
    *,
    users: Mapping[str, str] | None = None,
    api_keys: set[str] | None = None,
    api_key_header: str = "x-api-key",
    require_auth: bool = False,
    token_lifetime: float = 600.0,
    refresh_lifetime: float = 3600.0,
    payload_cap: int = 1 << 20,
    next_links: bool = False,
    redirect_downloads: bool = False,
) -> Starlette:
    """Build the simulator.

    Args:
        data_dir: Folder of ``<service>/<station>.json`` files (default: :data:`DATA_DIR`).
        users: Passwords by user name, for basic auth and the password grant.
        api_keys: Accepted API keys.
        api_key_header: Header carrying an API key.
        require_auth: Refuse requests that carry no credentials.
        token_lifetime: Seconds an access token lives.
        refresh_lifetime: Seconds a refresh token lives.
        payload_cap: Most bytes a ``$value`` download serves.
        next_links: Answer pages with ``@odata.nextLink`` while records remain, as some
            stations do instead of relying on ``$skip``.
        redirect_downloads: Answer ``$value`` with a 307 redirect to
            ``/_simulator/blobs/<service>/<station>/<Id>``, as stations backed by object
            storage do.
    """
    state = SimulatorState(
        data=load_data(data_dir or DATA_DIR),
        users=dict(users or {}),
        api_keys=set(api_keys or ()),
        api_key_header=api_key_header.lower(),
        require_auth=require_auth,
        token_lifetime=token_lifetime,
        refresh_lifetime=refresh_lifetime,
        payload_cap=payload_cap,
        next_links=next_links,
        redirect_downloads=redirect_downloads,
    )
    for spec in filter(None, os.environ.get(FAULTS_ENV, "").split(",")):
        state.faults.append(_parse_fault(spec))

    routes = [
        Route("/", _index, methods=["GET"]),
        Route("/_simulator/faults", _faults, methods=["POST", "DELETE"]),
        Route("/_simulator/requests", _request_log, methods=["GET"]),
        Route("/_simulator/blobs/{service}/{station}/{key}", _blob, methods=["GET"]),
        Route("/{service}/{station}/oauth2/token", _token, methods=["POST"]),
        Route("/{service}/{station}/odata/v1/{resource:path}", _odata, methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.state.simulator = state
    return app


def _parse_fault(spec: str) -> Fault:
    head, _, count = spec.strip().partition(":")
    number = int(count) if count else 1
    if head.startswith("delay="):
        return Fault(None, number, float(head.removeprefix("delay=")))
    return Fault(int(head), number)


def _state(request: Request) -> SimulatorState:
    state: SimulatorState = request.app.state.simulator
    state.requests.append((request.method, request.url.path, request.url.query))
    return state


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def _index(request: Request) -> Response:
    state = _state(request)
    stations = [
        {"service": s, "station": st, "root": f"/{s}/{st}/odata/v1", "entities": sorted(e)}
        for (s, st), e in sorted(state.data.items())
    ]
    return JSONResponse({"stations": stations})


async def _faults(request: Request) -> Response:
    state = _state(request)
    if request.method == "DELETE":
        state.faults.clear()
        return JSONResponse({"faults": []})
    try:
        spec = await request.json()
        state.inject(
            spec.get("status", 503),
            count=int(spec.get("count", 1)),
            delay=float(spec.get("delay", 0.0)),
            match=str(spec.get("match", "/odata/")),
        )
    except (ValueError, TypeError, AttributeError) as exc:
        return _error(400, "BadRequest", f"expected a fault object: {exc}")
    return JSONResponse({"faults": [vars(f) for f in state.faults]})


async def _request_log(request: Request) -> Response:
    state = _state(request)
    return JSONResponse({"requests": [list(entry) for entry in state.requests]})


async def _token(request: Request) -> Response:
    state = _state(request)
    if (request.path_params["service"], request.path_params["station"]) not in state.data:
        return _error(404, "NotFound", "no such station")
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
    grant = form.get("grant_type")
    if grant == "password":
        user = form.get("username", "")
        if user not in state.users or state.users[user] != form.get("password"):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse(state.issue(user, grant))
    if grant == "refresh_token":
        owner = state.redeem(form.get("refresh_token", ""))
        if owner is None:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse(state.issue(owner, grant))
    return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)


def _authorised(state: SimulatorState, request: Request) -> Response | None:
    header = request.headers.get("authorization", "")
    key = request.headers.get(state.api_key_header)
    scheme, _, credentials = header.partition(" ")
    refused = _error(401, "Unauthorized", "missing or wrong credentials")
    refused.headers["WWW-Authenticate"] = 'Bearer realm="station"'
    if scheme.lower() == "bearer":
        return None if state.token_valid(credentials.strip()) else refused
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(credentials).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return refused
        return None if state.users.get(user) == password and user else refused
    if key is not None:
        return None if key in state.api_keys else refused
    return refused if state.require_auth else None


async def _odata(request: Request) -> Response:
    state = _state(request)
    station = (request.path_params["service"], request.path_params["station"])
    fault = state.take_fault(request.url.path)
    if fault is not None:
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.status is not None:
            return _error(fault.status, "Injected", f"injected fault {fault.status}")
    if station not in state.data:
        return _error(404, "NotFound", f"no station {'/'.join(station)}")
    refused = _authorised(state, request)
    if refused is not None:
        return refused
    entities = state.data[station]
    resource = request.path_params["resource"]
    if resource in entities:
        return _collection(request, entities, resource)
    shape = _ITEM.match(resource)
    if shape is None or shape.group("entity") not in entities:
        return _error(404, "NotFound", f"no resource {resource}")
    key = shape.group("key").strip("'")
    record = next((r for r in entities[shape.group("entity")] if str(r.get("Id")) == key), None)
    if record is None:
        return _error(404, "NotFound", f"no {shape.group('entity')} with Id {key}")
    if shape.group("value"):
        if state.redirect_downloads:
            target = f"/_simulator/blobs/{station[0]}/{station[1]}/{key}"
            return Response(status_code=307, headers={"Location": target})
        return _download(state, record)
    return JSONResponse(_shape(record, shape.group("entity"), set(), entities))


def _collection(
    request: Request, entities: dict[str, list[dict[str, Any]]], entity: str
) -> Response:
    options = request.query_params
    try:
        records = entities[entity]
        if "$filter" in options:
            predicate = compile_filter(options["$filter"])
            records = [r for r in records if predicate(r)]
        if "$orderby" in options:
            records = sort_records(records, options["$orderby"])
        skip = _count(options.get("$skip", "0"), "$skip")
        maximum = _MAX_TOP.get(entity, _DEFAULT_MAX_TOP)
        top = _count(options.get("$top", str(maximum)), "$top")
        if top > maximum:
            raise ODataSyntaxError(f"$top must not exceed {maximum} for {entity}")
        expand = {e.strip() for e in options.get("$expand", "").split(",") if e.strip()}
        allowed = {"Sessions": {"Files"}, "Products": {"Attributes"}}.get(entity, set())
        if not expand <= allowed:
            raise ODataSyntaxError(f"cannot expand {', '.join(sorted(expand - allowed))}")
    except ODataSyntaxError as exc:
        return _error(400, "BadRequest", str(exc))
    page = records[skip : skip + top]
    body: dict[str, Any] = {"@odata.context": f"$metadata#{entity}"}
    if options.get("$count", "").lower() == "true":
        body["@odata.count"] = len(records)
    body["value"] = [_shape(r, entity, expand, entities) for r in page]
    state: SimulatorState = request.app.state.simulator
    if state.next_links and skip + top < len(records):
        following = {**options, "$skip": str(skip + top), "$top": str(top)}
        body["@odata.nextLink"] = f"{entity}?{urlencode(following, quote_via=quote)}"
    return JSONResponse(body)


def _count(value: str, name: str) -> int:
    if not value.isdigit():
        raise ODataSyntaxError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def _shape(
    record: dict[str, Any],
    entity: str,
    expand: set[str],
    entities: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    shaped = dict(record)
    if entity == "Products" and "Attributes" not in expand:
        # Attributes are a navigation property: served only when expanded, as CSC stations do.
        shaped.pop("Attributes", None)
    if entity == "Sessions" and "Files" in expand:
        shaped["Files"] = [
            f for f in entities.get("Files", []) if f.get("SessionId") == record.get("SessionId")
        ]
    return shaped


async def _blob(request: Request) -> Response:
    state = _state(request)
    params = request.path_params
    files = state.data.get((params["service"], params["station"]), {})
    for records in files.values():
        for record in records:
            if str(record.get("Id")) == params["key"] and (
                "Size" in record or "ContentLength" in record
            ):
                return _download(state, record)
    return _error(404, "NotFound", "no such blob")


def _download(state: SimulatorState, record: dict[str, Any]) -> Response:
    declared = record.get("Size", record.get("ContentLength", 0))
    try:
        size = min(int(declared), state.payload_cap)
    except (TypeError, ValueError):
        size = 0
    body = payload_bytes(str(record["Id"]), size)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), _CHUNK):
            yield body[start : start + _CHUNK]

    name = str(record.get("Name", record["Id"])).replace('"', "")
    return StreamingResponse(
        chunks(),
        media_type=str(record.get("ContentType") or "application/octet-stream"),
        headers={
            "Content-Length": str(size),
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


@contextlib.contextmanager
def serve(app: Starlette, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run an app with uvicorn in a background thread; yield its base URL.

    Args:
        app: The application (usually :func:`create_app`'s).
        host: Interface to listen on.
        port: Port; ``0`` picks a free one.
    """
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="station-simulator", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the station simulator did not start")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8484,
    show_default=True,
    help="Port to listen on; 0 picks a free one. A port in use is refused, never shared.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of <service>/<station>.json files (default: the generated records).",
)
@click.option("--user", "users", multiple=True, help="USER:PASSWORD accepted (repeatable).")
@click.option("--api-key", "api_keys", multiple=True, help="API key accepted (repeatable).")
@click.option("--require-auth", is_flag=True, help="Refuse requests without credentials.")
@click.option("--token-lifetime", default=600.0, show_default=True, help="Access token seconds.")
def main(
    host: str,
    port: int,
    data_dir: Path | None,
    users: tuple[str, ...],
    api_keys: tuple[str, ...],
    require_auth: bool,
    token_lifetime: float,
) -> None:
    """Serve simulated CADIP, AUXIP, PRIP and LTA stations over HTTP."""
    accounts = dict(u.partition(":")[::2] for u in users)
    app = create_app(
        data_dir,
        users=accounts,
        api_keys=set(api_keys),
        require_auth=require_auth,
        token_lifetime=token_lifetime,
    )
    listening = _listen(host, port)
    base = f"http://{host}:{listening.getsockname()[1]}"
    for service, station in sorted(app.state.simulator.data):
        click.echo(f"{base}/{service}/{station}/odata/v1", err=True)
    click.echo(f"station simulator listening on {base}", err=True)
    uvicorn.Server(uvicorn.Config(app, log_level="info")).run(sockets=[listening])


def _listen(host: str, port: int) -> socket.socket:
    """Bind the simulator's socket, or stop with a clear error when the port is taken.

    Binding before uvicorn starts means a simulator (or anything else) already on the port is
    reported, never silently used in its place, and ``--port 0`` can say which port it got.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
        listening.listen(128)
    except OSError as exc:
        listening.close()
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} (is another simulator "
            "running there? choose another --port, or --port 0 for a free one)"
        ) from None
    return listening


if __name__ == "__main__":  # pragma: no cover
    main()
