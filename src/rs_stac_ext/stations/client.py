"""HTTP client of one station: paging, retries with back-off, authentication, downloads.

:class:`StationClient` sends the :class:`~rs_stac_ext.stations.query.ODataRequest` built by
:func:`~rs_stac_ext.stations.query.build_odata` to a
:class:`~rs_stac_ext.stations.registry.Station` and streams the records back, page after page
(``$top``/``$skip``, or ``@odata.nextLink`` when the station gives one). Time-outs, connection
failures and 5xx answers (and 429) are retried with exponential back-off, honouring
``Retry-After``. Credentials come from the station's :class:`~rs_stac_ext.stations.registry.Auth`:
HTTP basic, an API-key header, or an OAuth2 password grant whose token is fetched on first use,
refreshed (``refresh_token`` grant, else a new password grant) before it expires and once more
when the station answers 401. Credentials are only ever sent to the station's own origin.

Errors (see :mod:`rs_stac_ext.stations.query` for the rest of the tree)::

    StationApiError
    └── StationUnavailable         the station did not answer usefully (503)
        ├── StationRequestError    it refused the request (4xx other than 401/403)
        └── StationAuthError       it refused the credentials (401/403, token endpoint)
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from rs_stac_ext import __version__
from rs_stac_ext.stations._errors import StationApiError
from rs_stac_ext.stations.mapping import MappingError
from rs_stac_ext.stations.query import (
    FILES_PAGE_SIZE,
    ODataRequest,
    SearchRequest,
    bad_station,
    build_files_request,
    build_odata,
)
from rs_stac_ext.stations.registry import (
    Auth,
    AuthKind,
    CollectionConfig,
    RegistryError,
    Station,
    UnknownStation,
)

__all__ = [
    "RETRIED_STATUSES",
    "StationAuthError",
    "StationClient",
    "StationRequestError",
    "StationUnavailable",
    "error_response",
]

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Answers worth another attempt."""

_SESSIONS_PER_FILES_REQUEST = 20
_MAX_REDIRECTS = 5
_TOKEN_LEEWAY = 30.0
_USER_AGENT = f"rs-stac-ext/{__version__}"


class StationUnavailable(StationApiError):  # noqa: N818 - reads as a verdict
    """A station that could not be reached or did not answer usefully (503).

    Attributes:
        station_id: The station.
        detail: What happened.
    """

    def __init__(self, station_id: str, detail: str) -> None:
        self.station_id = station_id
        self.detail = detail
        super().__init__(
            503, "ServiceUnavailable", f"Station {station_id.upper()} connection error: {detail}"
        )


class StationRequestError(StationUnavailable):
    """A station that refused a request (a 4xx answer); not retried.

    Attributes:
        station_status: The station's HTTP status.
    """

    def __init__(self, station_id: str, station_status: int, detail: str) -> None:
        self.station_status = station_status
        super().__init__(station_id, detail)


class StationAuthError(StationRequestError):
    """A station (or its token endpoint) that refused the credentials."""


def error_response(exc: BaseException) -> tuple[int, dict[str, str]]:
    """Return the HTTP status and ``{code, description}`` body a STAC API answers for an error.

    Args:
        exc: Anything raised while serving a station search: query errors keep their own
            status; an unknown or unusable station is 400; an OData record that cannot be
            mapped (or a missing key while mapping) is 422; anything else is 503.
    """
    if isinstance(exc, StationApiError):
        return exc.status, exc.body()
    if isinstance(exc, UnknownStation | RegistryError):
        error = bad_station(str(exc))
        return error.status, error.body()
    if isinstance(exc, MappingError | KeyError):
        return 422, {"code": "UnprocessableEntity", "description": f"Invalid item: {exc}"}
    return 503, {"code": "ServiceUnavailable", "description": f"General failure: {exc}"}


@dataclass
class _Token:
    access: str
    expires_at: float | None
    refresh: str | None
    refresh_expires_at: float | None


class StationClient:
    """Talk to one station.

    Args:
        station: The station (from the registry).
        http: An :class:`httpx.Client` to use (closed by its owner); by default one is made,
            with the station's time-out, and closed by :meth:`close`.
        retries: Further attempts after a time-out, connection failure or retried status.
        backoff: Seconds before the first retry; doubled for each further one.
        max_backoff: Longest wait between attempts (also caps ``Retry-After``).
        clock: Monotonic clock (seconds), for token expiry.
        sleep: How to wait between attempts.
    """

    def __init__(
        self,
        station: Station,
        *,
        http: httpx.Client | None = None,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if retries < 0 or backoff < 0:
            raise ValueError("retries and backoff must not be negative")
        self.station = station
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._clock = clock
        self._sleep = sleep
        self._owns_http = http is None
        self.http = http or httpx.Client(
            timeout=station.timeout, headers={"User-Agent": _USER_AGENT}
        )
        self._token: _Token | None = None
        self._root = station.root_url.rstrip("/")
        self._origin = _origin(self._root)

    # ---------------------------------------------------------------- life cycle

    def close(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._owns_http:
            self.http.close()

    def __enter__(self) -> StationClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---------------------------------------------------------------- records

    def iter_records(
        self, request: ODataRequest, *, limit: int | None = None, page_size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stream the records a request matches, fetching page after page.

        Args:
            request: The request; its ``$skip`` is where to start. An
                :attr:`~rs_stac_ext.stations.query.ODataRequest.empty` request yields nothing
                and sends nothing.
            limit: Stop after this many records (default: all of them).
            page_size: Records per page (default: the station's ``page_size``).

        Raises:
            StationUnavailable: The station could not be reached, or refused the request.
        """
        for page in self._pages(request, limit=limit, page_size=page_size):
            yield from page

    def iter_search(
        self,
        search: SearchRequest,
        collection: CollectionConfig | None = None,
        *,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Stream the records of a STAC search; CADIP sessions come with their ``Files``.

        Args:
            search: The STAC search.
            collection: The collection searched, whose fixed criteria apply.
            limit: Stop after this many records (default: all of them).

        Raises:
            InvalidQuery: The search cannot be sent (see :func:`build_odata`).
            StationUnavailable: The station could not be reached, or refused the request.
        """
        request = build_odata(self.station.service, search, collection)
        for page in self._pages(request, limit=limit, page_size=None):
            if self.station.service == "cadip":
                missing = [
                    str(r["SessionId"]) for r in page if "Files" not in r and "SessionId" in r
                ]
                files = self.session_files(missing) if missing else {}
                for record in page:
                    if "Files" not in record and "SessionId" in record:
                        record["Files"] = files.get(str(record["SessionId"]), [])
            yield from page

    def session_files(self, session_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Return the files (DSDB) of CADIP sessions, grouped by session id.

        Args:
            session_ids: The sessions; every one is a key of the result, even with no file.

        Raises:
            StationUnavailable: The station could not be reached, or refused the request.
        """
        ids = list(dict.fromkeys(session_ids))
        grouped: dict[str, list[dict[str, Any]]] = {sid: [] for sid in ids}
        for start in range(0, len(ids), _SESSIONS_PER_FILES_REQUEST):
            chunk = ids[start : start + _SESSIONS_PER_FILES_REQUEST]
            request = build_files_request(chunk)
            for record in self.iter_records(request, page_size=FILES_PAGE_SIZE):
                # Mock stations spell the key SessionID; the CADIP ICD spells it SessionId.
                owner = record.get("SessionId", record.get("SessionID"))
                if owner in grouped:
                    grouped[str(owner)].append(record)
        return grouped

    def download(self, href: str, *, chunk_size: int = 1 << 16) -> Iterator[bytes]:
        """Stream the bytes of a file (``Files(<id>)/$value``, ``Products(<id>)/$value``).

        Args:
            href: A URL below the station root, or a path relative to it.
            chunk_size: Bytes per chunk.

        Raises:
            ValueError: ``href`` points outside the station (credentials would leak).
            StationUnavailable: The station could not be reached, refused, or the body was
                shorter than its ``Content-Length``.
        """
        url = href if "://" in href else f"{self._root}/{href.lstrip('/')}"
        if _origin(url) != self._origin:
            raise ValueError(f"{href} is not served by station {self.station.id} ({self._root})")
        response = self._send("GET", url, stream=True)
        try:
            for _ in range(_MAX_REDIRECTS):
                if not response.is_redirect:
                    break
                # Redirects (to object storage, say) are followed; the credentials go only to
                # the station's own origin.
                url = urljoin(url, response.headers.get("Location", ""))
                response.close()
                same = _origin(url) == self._origin
                response = self._send("GET", url, stream=True, authenticate=same)
            if response.is_redirect:
                raise StationUnavailable(self.station.id, f"{href}: too many redirects")
            expected = response.headers.get("Content-Length")
            received = 0
            for chunk in response.iter_bytes(chunk_size):
                received += len(chunk)
                yield chunk
            if expected is not None and expected.isdigit() and received != int(expected):
                raise StationUnavailable(
                    self.station.id, f"{url}: got {received} bytes of {expected}"
                )
        except httpx.TransportError as exc:
            raise StationUnavailable(self.station.id, f"{url}: {_describe(exc)}") from exc
        finally:
            response.close()

    # ---------------------------------------------------------------- paging

    def _pages(
        self, request: ODataRequest, *, limit: int | None, page_size: int | None
    ) -> Iterator[list[dict[str, Any]]]:
        if request.empty or (limit is not None and limit <= 0):
            return
        size = page_size or self.station.page_size
        skip = int(request.param("$skip") or 0)
        remaining = limit
        url: str | None = None
        seen: set[str] = set()
        while True:
            top = size if remaining is None else min(size, remaining)
            if url is None:
                url = request.with_params(top=top, skip=skip).url(self._root)
            answer = self._json(url)
            page = _records(answer, self.station.id, url)
            # Records published while paging shift the pages: skip any seen already.
            records = [r for r in page if str(r.get("Id", id(r))) not in seen]
            seen.update(str(r.get("Id", id(r))) for r in records)
            if remaining is not None:
                records = records[:remaining]
                remaining -= len(records)
            if records:
                yield records
            next_link = answer.get("@odata.nextLink")
            if remaining == 0 or not page:
                return
            if isinstance(next_link, str):
                url = urljoin(url, next_link)
                if _origin(url) != self._origin:
                    raise StationUnavailable(self.station.id, f"nextLink leaves the station: {url}")
                continue
            if len(page) < top:
                return
            skip += len(page)
            url = None

    def _json(self, url: str) -> dict[str, Any]:
        response = self._send("GET", url, headers={"Accept": "application/json"})
        try:
            answer = response.json()
        except ValueError as exc:
            raise StationUnavailable(self.station.id, f"{url}: the answer is not JSON") from exc
        except RecursionError:
            raise StationUnavailable(
                self.station.id, f"{url}: the answer nests too deeply to be read"
            ) from None
        if not isinstance(answer, dict):
            raise StationUnavailable(self.station.id, f"{url}: the answer is not a JSON object")
        return answer

    # ---------------------------------------------------------------- sending

    def _send(
        self,
        method: str,
        url: str,
        *,
        stream: bool = False,
        authenticate: bool = True,
        headers: dict[str, str] | None = None,
        data: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send with retries; return a successful (or redirect) response, else raise."""
        attempt = 0
        renewed = False
        while True:
            sent = dict(headers or {})
            if authenticate:
                sent.update(self._credentials())
            try:
                request = self.http.build_request(method, url, headers=sent, data=data)
                response = self.http.send(request, stream=stream, follow_redirects=False)
            except httpx.TransportError as exc:
                if attempt >= self.retries:
                    tries = f" after {attempt + 1} attempts" if attempt else ""
                    raise StationUnavailable(
                        self.station.id, f"{method} {url}: {_describe(exc)}{tries}"
                    ) from exc
                self._wait(attempt, None)
                attempt += 1
                continue
            status = response.status_code
            if status < 400:
                return response
            detail = _excerpt(response)
            retry_after = response.headers.get("Retry-After")
            response.close()
            if status == 401 and authenticate and self._token is not None and not renewed:
                # The token may have been revoked or expired early: renew it, once (by its
                # refresh token if the station still honours that, else by the password).
                self._token.expires_at = float("-inf")
                renewed = True
                continue
            if status in RETRIED_STATUSES and attempt < self.retries:
                self._wait(attempt, retry_after)
                attempt += 1
                continue
            message = f"{method} {url}: HTTP {status}{detail}"
            if status in RETRIED_STATUSES:
                raise StationUnavailable(self.station.id, f"{message} after {attempt + 1} attempts")
            if status in (401, 403):
                raise StationAuthError(self.station.id, status, message)
            raise StationRequestError(self.station.id, status, message)

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        delay = self.backoff * (2**attempt)
        if retry_after is not None and retry_after.strip().isdigit():
            delay = max(delay, float(retry_after))
        self._sleep(min(delay, self.max_backoff))

    # ---------------------------------------------------------------- credentials

    def _credentials(self) -> dict[str, str]:
        auth = self.station.auth
        if auth.kind == AuthKind.BASIC:
            pair = f"{auth.value('username') or ''}:{auth.value('password') or ''}"
            return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
        if auth.kind == AuthKind.API_KEY:
            return {auth.header: auth.value("api_key") or ""}
        if auth.kind == AuthKind.OAUTH2_PASSWORD:
            return {"Authorization": f"Bearer {self._access_token(auth)}"}
        return {}

    def _access_token(self, auth: Auth) -> str:
        now = self._clock()
        token = self._token
        if token is not None and (token.expires_at is None or now < token.expires_at):
            return token.access
        if (
            token is not None
            and token.refresh is not None
            and (token.refresh_expires_at is None or now < token.refresh_expires_at)
        ):
            try:
                self._token = self._fetch_token(
                    auth, {"grant_type": "refresh_token", "refresh_token": token.refresh}
                )
                return self._token.access
            except StationAuthError:
                pass  # the refresh token was refused: start again with the password
        form = {
            "grant_type": "password",
            "username": auth.value("username") or "",
            "password": auth.value("password") or "",
        }
        self._token = self._fetch_token(auth, form)
        return self._token.access

    def _fetch_token(self, auth: Auth, form: dict[str, str]) -> _Token:
        if auth.token_url is None:
            raise StationAuthError(self.station.id, 0, "no token_url configured")
        for name in ("client_id", "client_secret"):
            value = auth.value(name)
            if value is not None:
                form[name] = value
        if auth.scope:
            form["scope"] = auth.scope
        headers = {"Accept": "application/json"}
        authorization = auth.value("token_authorization")
        if authorization is not None:
            headers["Authorization"] = authorization
        started = self._clock()
        try:
            response = self._send(
                "POST", auth.token_url, authenticate=False, headers=headers, data=form
            )
        except StationRequestError as exc:
            raise StationAuthError(
                self.station.id, exc.station_status, f"token refused: {exc.detail}"
            ) from exc
        try:
            answer = response.json()
            access = answer["access_token"]
        except (ValueError, KeyError, TypeError) as exc:
            raise StationAuthError(
                self.station.id, response.status_code, f"{auth.token_url}: no access_token"
            ) from exc
        return _Token(
            access=str(access),
            expires_at=_deadline(started, answer.get("expires_in")),
            refresh=answer.get("refresh_token"),
            refresh_expires_at=_deadline(started, answer.get("refresh_expires_in")),
        )


def _deadline(start: float, lifetime: Any) -> float | None:
    """When a token should be renewed: before its end, by 30 s or a tenth of its life."""
    if isinstance(lifetime, bool) or not isinstance(lifetime, int | float):
        return None
    return start + lifetime - min(_TOKEN_LEEWAY, lifetime / 10)


def _records(answer: dict[str, Any], station_id: str, url: str) -> list[dict[str, Any]]:
    # Older mock stations wrap the records in "responses" instead of "value".
    records = answer.get("value", answer.get("responses"))
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise StationUnavailable(station_id, f"{url}: the answer has no 'value' list of records")
    return records


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def _describe(exc: Exception) -> str:
    kind = "time-out" if isinstance(exc, httpx.TimeoutException) else type(exc).__name__
    return f"{kind} ({exc})" if str(exc) else kind


def _excerpt(response: httpx.Response) -> str:
    try:
        text = response.read().decode("utf-8", "replace").strip()
    except httpx.HTTPError:
        return ""
    return f": {text[:300]}" if text else ""
