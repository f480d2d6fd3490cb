"""The download endpoint: from a request to the asset's data, a redirect, or an error.

Steps, each with its own answer:

1. a path segment that is not valid percent-encoded UTF-8: 400;
2. outside local mode, no credentials: 401 (with ``WWW-Authenticate``); invalid ones: 401;
   too many invalid API keys from the client lately: 429; an OIDC token while the identity
   provider cannot be reached (no key cached), or an API key while every key-check slot is
   busy: 503;
3. unknown Collection or Item: 404;
4. :func:`~rs_stac_ext.server.access.can_download` says no: 403;
5. no such asset, or an href no backend serves: 404;
6. the backend's answer (200/206/304 for local files, 307/302 for S3, 404, 416, 503...).

HEAD gets the same status and headers as GET, without a body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response

from rs_stac_ext.server.access import (
    AuthenticationError,
    Authenticator,
    KeyCheckBusyError,
    ProviderUnavailableError,
    TooManyFailuresError,
    User,
    can_download,
)
from rs_stac_ext.server.backends import AssetTarget, Backends
from rs_stac_ext.server.errors import ApiError, from_error
from rs_stac_ext.server.routing import BAD_SEGMENT_KEY

__all__ = ["AssetSource", "DownloadEndpoint", "ItemRecord"]

_LOG = logging.getLogger(__name__)
_RETRY_AFTER_SECONDS = 10
_AUTH_THREADS = 8
"""Worker threads that may check credentials at once (scrypt, the identity provider)."""


@dataclass(frozen=True)
class ItemRecord:
    """An Item as a source returns it.

    Attributes:
        document: The Item.
        base: Folder its relative asset hrefs start from (``None``: relative hrefs are not
            served).
    """

    document: Mapping[str, Any]
    base: Path | None = None


class AssetSource(Protocol):
    """Where the endpoint finds Collections and Items (a static catalog, a stac-fastapi client)."""

    async def get_collection(
        self, collection_id: str, request: Request
    ) -> Mapping[str, Any] | None:
        """Return the Collection, or ``None`` when it does not exist."""
        ...

    async def get_item(
        self, collection_id: str, item_id: str, request: Request
    ) -> ItemRecord | None:
        """Return the Item of that Collection, or ``None`` when it does not exist."""
        ...


class DownloadEndpoint:
    """The endpoint, as an async callable taking the request.

    Args:
        source: Where Collections and Items come from.
        authenticator: Credentials and local mode.
        backends: The storage backends.
    """

    def __init__(self, source: AssetSource, authenticator: Authenticator, backends: Backends):
        self.source = source
        self.authenticator = authenticator
        self.backends = backends
        self._auth_threads: anyio.CapacityLimiter | None = None

    def close(self) -> None:
        """Release what the backends and the authenticator hold open."""
        self.backends.close()
        self.authenticator.close()

    async def __call__(self, request: Request) -> Response:
        """Answer one download request (GET or HEAD)."""
        head = request.method == "HEAD"
        try:
            return await self._handle(request)
        except ApiError as error:
            if error.status in (401, 403):
                _LOG.info("download refused (%s): %s", error.status, error.description)
            return from_error(error, head=head)
        except Exception:
            # Whatever failed (a database, a bug), the client gets the JSON error body.
            _LOG.exception("download failed on %s", request.url.path)
            return from_error(ApiError(500, "the server failed"), head=head)

    async def _user(self, request: Request) -> User:
        auth = self.authenticator
        if not auth.local_mode and not auth.has_credentials(request.headers):
            raise self._unauthorized("credentials are required to download")
        if self._auth_threads is None:
            self._auth_threads = anyio.CapacityLimiter(_AUTH_THREADS)
        client = request.client.host if request.client is not None else None
        try:
            # Keys known valid, and keys no stored hash can match, are judged here at once.
            # Checks that may block (scrypt, the identity provider) get their own few threads,
            # so a flood of them never holds the threads that send downloads.
            user = auth.known_user(request.headers, client) or await anyio.to_thread.run_sync(
                auth.authenticate, request.headers, client, limiter=self._auth_threads
            )
        except AuthenticationError as exc:
            raise self._unauthorized(str(exc)) from None
        except TooManyFailuresError as exc:
            raise ApiError(429, str(exc), headers={"retry-after": str(exc.retry_after)}) from None
        except KeyCheckBusyError as exc:
            raise ApiError(503, str(exc), headers={"retry-after": "1"}) from None
        except ProviderUnavailableError as exc:
            _LOG.warning("cannot check a token: %s", exc)
            raise ApiError(
                503,
                "the identity provider is unreachable, so the token cannot be checked; "
                "try again later",
                headers={"retry-after": str(_RETRY_AFTER_SECONDS)},
            ) from None
        if user is None:
            raise self._unauthorized("credentials are required to download")
        return user

    def _unauthorized(self, description: str) -> ApiError:
        challenges = self.authenticator.challenges or ['ApiKey header="x-api-key"']
        return ApiError(401, description, headers={"www-authenticate": ", ".join(challenges)})

    async def _handle(self, request: Request) -> Response:
        bad = request.scope.get(BAD_SEGMENT_KEY)
        if bad:
            raise ApiError(400, f"the {bad} path segment is not valid percent-encoded UTF-8")
        params = request.path_params
        cid, iid, aid = params["collectionId"], params["itemId"], params["assetId"]
        user = await self._user(request)
        collection = await self.source.get_collection(cid, request)
        if collection is None:
            raise ApiError(404, f"collection {cid!r} not found")
        record = await self.source.get_item(cid, iid, request)
        if record is None:
            raise ApiError(404, f"item {iid!r} not found in collection {cid!r}")
        decision = can_download(user, collection, record.document)
        if not decision.allowed:
            raise ApiError(403, decision.reason)
        target = _target(cid, iid, aid, record)
        backend = self.backends.for_href(target.href)
        if backend is None:
            raise ApiError(
                404,
                f"the data of asset {aid!r} of item {iid!r} is stored where this server "
                "does not serve it",
            )
        return await backend.respond(target, request)


def _target(cid: str, iid: str, aid: str, record: ItemRecord) -> AssetTarget:
    assets = record.document.get("assets")
    asset = assets.get(aid) if isinstance(assets, Mapping) else None
    href = asset.get("href") if isinstance(asset, Mapping) else None
    if not isinstance(asset, Mapping) or not isinstance(href, str) or not href:
        raise ApiError(404, f"item {iid!r} has no asset {aid!r}")
    media_type = asset.get("type")
    return AssetTarget(
        collection_id=cid,
        item_id=iid,
        asset_key=aid,
        href=href,
        media_type=media_type if isinstance(media_type, str) else None,
        base=record.base,
    )
