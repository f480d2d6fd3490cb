"""S3 objects: a redirect (307 by default, 302 if configured) to a presigned URL.

Before presigning, ``HeadObject`` checks that the object exists (404 otherwise) and that the
store answers: connection failures, time-outs and 5xx answers become 503 with a
``Retry-After``, so a client learns that the storage, not the asset, is the problem. A HEAD
request is redirected to a URL presigned for HEAD (S3 signs the method). Presigned GET URLs
ask S3 to send the asset's file name and media type.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response

from rs_stac_ext.server.backends import AssetTarget
from rs_stac_ext.server.config import DownloadConfig, S3Config
from rs_stac_ext.server.errors import ApiError
from rs_stac_ext.server.headers import content_disposition, etag_matches, safe_media_type

__all__ = ["RETRY_AFTER_SECONDS", "S3Backend", "split_s3_href"]

RETRY_AFTER_SECONDS = 10
"""``Retry-After`` sent with a 503."""

_LOG = logging.getLogger(__name__)
_NO_BOTOCORE = (
    "serving s3:// assets needs botocore, which is not installed: pip install 'rs-stac-ext[server]'"
)
_MISSING = frozenset({"404", "NoSuchKey", "NoSuchBucket", "NotFound"})
_TRANSIENT = frozenset(
    {"SlowDown", "ServiceUnavailable", "RequestTimeout", "Throttling", "InternalError"}
)


def split_s3_href(href: str) -> tuple[str, str] | None:
    """Split ``s3://bucket/key`` into bucket and key (the key as written, not decoded).

    Args:
        href: The asset href.

    Returns:
        ``(bucket, key)``, or ``None`` when either is empty.
    """
    bucket, _, key = href.split("://", 1)[-1].split("#", 1)[0].partition("/")
    return (bucket, key) if bucket and key else None


class S3Backend:
    """Redirects to presigned URLs of S3 objects.

    Args:
        s3: Client settings.
        download: Redirect status and URL lifetime.
        client: A ready botocore S3 client (made from ``s3`` on first use when ``None``).
    """

    def __init__(self, s3: S3Config, download: DownloadConfig, *, client: Any = None) -> None:
        self.settings = s3
        self.download = download
        self._client = client
        self._lock = threading.Lock()

    def serves(self, href: str) -> bool:
        """Every ``s3://`` href is this backend's."""
        return True

    def client(self) -> Any:
        """Return the botocore S3 client, making it on first use (blocking)."""
        with self._lock:
            if self._client is None:
                try:
                    import botocore.session  # type: ignore[import-untyped]
                    from botocore.config import Config  # type: ignore[import-untyped]
                except ImportError:
                    _LOG.error(_NO_BOTOCORE)
                    raise ApiError(503, "this server cannot serve s3:// assets") from None

                config = Config(
                    connect_timeout=self.settings.connect_timeout_seconds,
                    read_timeout=self.settings.read_timeout_seconds,
                    retries={"max_attempts": self.settings.max_attempts, "mode": "standard"},
                    s3={"addressing_style": self.settings.addressing_style},
                    signature_version="s3v4",
                )
                self._client = botocore.session.get_session().create_client(
                    "s3",
                    endpoint_url=self.settings.endpoint_url,
                    region_name=self.settings.region,
                    config=config,
                )
            return self._client

    def _presign(self, bucket: str, key: str, target: AssetTarget, head: bool) -> tuple[str, str]:
        client = self.client()  # first: says which extra to install when botocore is missing
        from botocore.exceptions import (  # type: ignore[import-untyped]
            BotoCoreError,
            ClientError,
        )

        where = f"s3://{bucket}/{key}"
        try:
            meta = client.head_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            raise _client_error(exc, target, where) from None
        except BotoCoreError as exc:
            raise _botocore_error(exc, where) from None
        params: dict[str, str] = {"Bucket": bucket, "Key": key}
        if not head:
            params["ResponseContentDisposition"] = content_disposition(target.filename)
            if target.media_type is not None:
                params["ResponseContentType"] = safe_media_type(target.media_type)
        try:
            url: str = client.generate_presigned_url(
                "head_object" if head else "get_object",
                Params=params,
                ExpiresIn=self.download.presign_expiry_seconds,
            )
        except BotoCoreError as exc:
            raise _botocore_error(exc, where) from None
        return url, str(meta.get("ETag", ""))

    async def respond(self, target: AssetTarget, request: Request) -> Response:
        """Answer a GET or HEAD for an S3 asset with a redirect.

        Args:
            target: The asset (``href`` is ``s3://bucket/key``).
            request: The request (method, ``If-None-Match``).

        Returns:
            307 (or 302) with ``Location`` and ``Cache-Control: no-store``; 304 when
            ``If-None-Match`` names the object's ETag.

        Raises:
            ApiError: 404 (no such object), 503 (store unreachable), 500 (other failures).
        """
        split = split_s3_href(target.href)
        if split is None:
            raise ApiError(404, f"asset {target.asset_key!r} has an S3 href without a key")
        # botocore retries a read time-out, so a frozen store could hold the request for
        # max_attempts x read_timeout; the answer is due within one connect + read time-out.
        budget = self.settings.connect_timeout_seconds + self.settings.read_timeout_seconds
        with anyio.move_on_after(budget) as scope:
            url, etag = await anyio.to_thread.run_sync(
                functools.partial(self._presign, *split, target, request.method == "HEAD"),
                abandon_on_cancel=True,
            )
        if scope.cancelled_caught:
            _LOG.warning("S3 did not answer within %.1f s for %s", budget, target.href)
            raise _unavailable()
        if etag and etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers={"etag": etag})
        return Response(
            status_code=self.download.redirect_status,
            headers={"location": url, "cache-control": "no-store"},
        )


def _client_error(exc: Any, target: AssetTarget, where: str) -> ApiError:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    if code in _MISSING or status == 404:
        return ApiError(
            404,
            f"the data of asset {target.asset_key!r} of item {target.item_id!r} "
            "is not in the object store",
        )
    if code in _TRANSIENT or status >= 500:
        _LOG.warning("S3 answered %s %s for %s", status, code, where)
        return _unavailable()
    _LOG.error("S3 refused %s: %s %s", where, status, code)
    return ApiError(500, "the server may not read this asset from the object store")


def _botocore_error(exc: Exception, where: str) -> ApiError:
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import NoCredentialsError, ReadTimeoutError

    if isinstance(exc, BotoConnectionError | ReadTimeoutError):
        _LOG.warning("S3 unreachable for %s: %s", where, exc)
        return _unavailable()
    if isinstance(exc, NoCredentialsError):
        _LOG.error("no S3 credentials to read %s", where)
        return ApiError(500, "the server has no credentials for the object store")
    _LOG.error("S3 failed for %s: %s", where, exc)
    return ApiError(500, "the object store failed")


def _unavailable() -> ApiError:
    return ApiError(
        503,
        "the object store holding this asset is unreachable; try again later",
        headers={"retry-after": str(RETRY_AFTER_SECONDS)},
    )
