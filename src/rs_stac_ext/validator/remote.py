"""Read NDJSON that lives elsewhere, by byte ranges: HTTP(S) ``Range`` requests and S3 objects.

Cluster workers read their own share of a remote NDJSON file: each one opens the object at an
offset and reads forward, so a file is never copied whole to one place. HTTP(S) is read only
from hosts the user allowed (``--allow-host``), without following redirects; S3 goes through
fsspec/s3fs, with credentials and endpoint from the environment or the usual files
(``AWS_ACCESS_KEY_ID``, ``~/.aws/credentials``, ``AWS_ENDPOINT_URL``,
``FSSPEC_S3_ENDPOINT_URL``...), never from the command line.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import cache
from typing import IO, Any
from urllib.parse import urlsplit

from rs_stac_ext import __version__
from rs_stac_ext.errors import RsStacExtError
from rs_stac_ext.validator.readers import NDJSON_SUFFIXES, ReaderSettings

__all__ = [
    "RemoteReadError",
    "is_remote",
    "is_remote_ndjson",
    "open_remote",
    "refusal",
    "remote_size",
]

_HTTP = ("http", "https")
_BLOCK = 2**20


class RemoteReadError(RsStacExtError):
    """A remote NDJSON object could not be read (raised, so that a cluster task is retried).

    Attributes:
        url: The object.
        reason: What went wrong, in a few words.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.url, self.reason))


def is_remote(target: str) -> bool:
    """Whether an input names an object over HTTP(S) or in S3."""
    return urlsplit(target).scheme in (*_HTTP, "s3")


def is_remote_ndjson(target: str) -> bool:
    """Whether an input names a remote NDJSON object (by its suffix), read by byte ranges."""
    parts = urlsplit(target)
    return parts.scheme in (*_HTTP, "s3") and parts.path.lower().endswith(NDJSON_SUFFIXES)


def refusal(url: str, settings: ReaderSettings) -> str | None:
    """Say why a remote object may not be read, or return ``None`` when it may.

    Args:
        url: The object.
        settings: The reader's permissions (``allow_hosts`` for HTTP(S)).
    """
    if urlsplit(url).scheme not in _HTTP:
        return None
    from rs_stac_ext.schemas._http import AllowList

    return AllowList(settings.allow_hosts).refusal(url)


def remote_size(url: str, settings: ReaderSettings) -> int:
    """Return the size of a remote object in bytes.

    Raises:
        RemoteReadError: Not allowed, not found, or the server does not say.
    """
    if urlsplit(url).scheme == "s3":
        return _s3_size(url)
    return _http_size(url, settings)


def open_remote(url: str, start: int, settings: ReaderSettings) -> IO[bytes]:
    """Open a remote object for reading from a byte offset to its end.

    Args:
        url: The object.
        start: The first byte to read.
        settings: Permissions and the time limit of one request.

    Returns:
        A binary stream; close it when done.

    Raises:
        RemoteReadError: Not allowed, not found, or the server ignored the range.
    """
    if urlsplit(url).scheme == "s3":
        return _s3_open(url, start)
    return _http_open(url, start, settings)


# ------------------------------------------------------------------------------------- HTTP(S)


def _http_client(url: str, settings: ReaderSettings) -> Any:
    reason = refusal(url, settings)
    if reason is not None:
        raise RemoteReadError(url, reason)
    from rs_stac_ext.schemas._http import _is_loopback

    return _shared_client(not _is_loopback(urlsplit(url).hostname or ""), settings.timeout)


@cache
def _shared_client(trust_env: bool, timeout: float) -> Any:
    """One connection pool per process (building the TLS context costs milliseconds)."""
    import httpx

    return httpx.Client(
        timeout=timeout,
        follow_redirects=False,  # a redirect could leave the allowed host
        trust_env=trust_env,
        headers={"User-Agent": f"rs-stac-ext/{__version__}"},
    )


def _http_size(url: str, settings: ReaderSettings) -> int:
    import httpx

    client = _http_client(url, settings)
    try:
        response = client.get(url, headers={"Range": "bytes=0-0"})
    except httpx.HTTPError as exc:
        raise RemoteReadError(url, f"connection failed: {exc}") from None
    if response.status_code == 206:
        total = response.headers.get("Content-Range", "").rpartition("/")[2]
        if total.isdigit():
            return int(total)
    if response.status_code in (200, 206):
        raise RemoteReadError(
            url, "the server does not answer byte-range requests (no Content-Range size)"
        )
    raise RemoteReadError(url, f"HTTP {response.status_code} {response.reason_phrase}")


class _HttpRange(io.RawIOBase):
    """The body of one ranged GET, read as a binary stream."""

    def __init__(self, response: Any, url: str) -> None:
        self._response = response
        self._url = url
        self._chunks: Iterator[bytes] = response.iter_raw(_BLOCK)
        self._held = b""

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)

    def read(self, size: int | None = -1) -> bytes:
        import httpx

        if not self._held:
            try:
                self._held = next(self._chunks, b"")
            except httpx.HTTPError as exc:
                raise RemoteReadError(self._url, f"download failed: {exc}") from None
        if size is None or size < 0 or size >= len(self._held):
            data, self._held = self._held, b""
        else:
            data, self._held = self._held[:size], self._held[size:]
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._response.close()
        super().close()


def _http_open(url: str, start: int, settings: ReaderSettings) -> IO[bytes]:
    import httpx

    client = _http_client(url, settings)
    try:
        request = client.build_request("GET", url, headers={"Range": f"bytes={start}-"})
        response = client.send(request, stream=True)
    except httpx.HTTPError as exc:
        raise RemoteReadError(url, f"connection failed: {exc}") from None
    if response.status_code == 416:  # starting at the end of the object: nothing to read
        response.close()
        return io.BytesIO(b"")
    if response.status_code != 206 and not (response.status_code == 200 and start == 0):
        response.close()
        if response.status_code == 200:
            raise RemoteReadError(url, "the server ignored the byte range (HTTP 200)")
        raise RemoteReadError(url, f"HTTP {response.status_code} {response.reason_phrase}")
    return _HttpRange(response, url)  # type: ignore[return-value]


# ------------------------------------------------------------------------------------------ S3


def _s3() -> Any:
    try:
        import fsspec
    except ImportError:
        raise RemoteReadError(
            "s3://", "reading s3:// needs fsspec and s3fs: pip install 'rs-stac-ext[dask]'"
        ) from None
    try:
        return fsspec.filesystem("s3")
    except ImportError:
        raise RemoteReadError(
            "s3://", "reading s3:// needs s3fs: pip install 'rs-stac-ext[dask]'"
        ) from None


def _s3_size(url: str) -> int:
    try:
        info = _s3().info(url)
    except FileNotFoundError:
        raise RemoteReadError(url, "no such object") from None
    except (OSError, ValueError) as exc:
        raise RemoteReadError(url, f"cannot be read: {exc}") from None
    size = info.get("size")
    if not isinstance(size, int):
        raise RemoteReadError(url, "the object store does not give its size")
    return size


def _s3_open(url: str, start: int) -> IO[bytes]:
    try:
        stream: IO[bytes] = _s3().open(url, "rb", block_size=4 * _BLOCK)
        stream.seek(start)
    except FileNotFoundError:
        raise RemoteReadError(url, "no such object") from None
    except (OSError, ValueError) as exc:
        raise RemoteReadError(url, f"cannot be read: {exc}") from None
    return stream
