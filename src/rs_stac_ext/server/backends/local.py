"""Local files: streamed with Content-Length, ETag, Range (206/416), If-None-Match (304), HEAD.

A file is served only when its real path (``..``, absolute paths and symbolic links resolved)
lies inside the catalog folder; anything else is answered like a missing file (404), so the
answer never tells whether something exists outside the folder. The file is opened without
following a final symbolic link and without blocking (a FIFO or a device never holds a worker
thread), only a regular file is read, and, on Linux, its real path is checked again through
``/proc/self/fd`` after opening, so swapping a link in between does not escape either.

The body is read in worker threads, one chunk at a time; when the client goes away the
transfer stops and the file is closed at once. Each transfer holds one file descriptor.
"""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from rs_stac_ext.server.backends import AssetTarget
from rs_stac_ext.server.backends._stream import send_until_disconnect
from rs_stac_ext.server.catalog import confine, find_local_file, local_candidates
from rs_stac_ext.server.errors import ApiError
from rs_stac_ext.server.headers import (
    ByteRange,
    Unsatisfiable,
    content_disposition,
    etag_matches,
    http_date,
    parse_range,
    safe_media_type,
)

__all__ = ["DEFAULT_CHUNK_SIZE", "FileStreamResponse", "LocalBackend"]

DEFAULT_CHUNK_SIZE = 1024 * 1024
_PROC_FD = Path("/proc/self/fd")
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Opened:
    fd: int
    size: int
    mtime: float
    mtime_ns: int


class FileStreamResponse(Response):
    """Streams ``length`` bytes of an open file from ``offset``, then closes it.

    The response owns the descriptor: it is closed when the body is sent, when sending fails,
    and as soon as the client disconnects.

    Args:
        fd: An open, readable file descriptor.
        offset: First byte to send.
        length: Number of bytes to send.
        status_code: 200 or 206.
        headers: Response headers (Content-Length is set here).
        chunk_size: Bytes read per step.
    """

    def __init__(
        self,
        fd: int,
        offset: int,
        length: int,
        *,
        status_code: int,
        headers: dict[str, str],
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        self.fd = fd
        self.offset = offset
        self.length = length
        self.chunk_size = chunk_size
        self.status_code = status_code
        self.background: BackgroundTask | None = None
        self.init_headers({**headers, "content-length": str(length)})

    async def _stream(self, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        position, end = self.offset, self.offset + self.length
        while position < end:
            data = await anyio.to_thread.run_sync(
                os.pread, self.fd, min(self.chunk_size, end - position), position
            )
            if not data:
                raise OSError(f"the file shrank while being sent (at byte {position})")
            position += len(data)
            await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the file; stop and close it when the client disconnects."""
        try:
            await send_until_disconnect(receive, lambda: self._stream(send))
        finally:
            os.close(self.fd)


class LocalBackend:
    """Serves files that lie inside one folder.

    Args:
        root: The folder (its real path is taken).
        chunk_size: Bytes read per step while streaming.
    """

    def __init__(self, root: Path, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        self.root = Path(os.path.realpath(root))
        self.chunk_size = chunk_size

    def serves(self, href: str) -> bool:
        """Every local href is this backend's (whether it may be read is decided later)."""
        return True

    def _open(self, target: AssetTarget) -> _Opened | None:
        if target.base is None:
            return None
        for candidate in local_candidates(target.href, target.base):
            real = confine(self.root, candidate)
            if real is None:
                continue
            try:
                # O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer; anything
                # that is not a regular file is refused right after.
                fd = os.open(real, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
            except (OSError, ValueError):
                continue
            try:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode) or not self._still_inside(fd):
                    os.close(fd)
                    continue
            except BaseException:
                os.close(fd)
                raise
            return _Opened(fd, info.st_size, info.st_mtime, info.st_mtime_ns)
        return None

    def _why_not(self, target: AssetTarget) -> str:
        if target.base is None:
            return "a relative path, and this source has no folder to read it from"
        _, reason = find_local_file(self.root, target.href, target.base)
        return reason or "not readable"

    def _still_inside(self, fd: int) -> bool:
        link = _PROC_FD / str(fd)
        if not _PROC_FD.is_dir():
            return True
        try:
            return link.readlink().is_relative_to(self.root)
        except OSError:
            return True

    async def respond(self, target: AssetTarget, request: Request) -> Response:
        """Answer a GET or HEAD for a local asset.

        Args:
            target: The asset.
            request: The request (method, ``Range``, ``If-Range``, ``If-None-Match``).

        Returns:
            200 (streamed, or headers only for HEAD), 206, or 304.

        Raises:
            ApiError: 404 when the file is missing or outside the folder, 416 for a range
                outside the data.
        """
        opened = await anyio.to_thread.run_sync(self._open, target)
        if opened is None:
            # The client is told as little as for a missing file; the log says why.
            _LOG.warning(
                "download refused (404): asset %r of item %r in collection %r: %s is %s",
                target.asset_key,
                target.item_id,
                target.collection_id,
                target.href,
                self._why_not(target),
            )
            raise ApiError(
                404,
                f"the data of asset {target.asset_key!r} of item {target.item_id!r} "
                "is not available",
            )
        try:
            response = self._answer(opened, target, request)
        except BaseException:
            os.close(opened.fd)
            raise
        if not isinstance(response, FileStreamResponse):
            os.close(opened.fd)
        return response

    def _answer(self, opened: _Opened, target: AssetTarget, request: Request) -> Response:
        etag = f'"{opened.size:x}-{opened.mtime_ns:x}"'
        headers = {
            "content-type": safe_media_type(target.media_type),
            "content-disposition": content_disposition(target.filename),
            "etag": etag,
            "last-modified": http_date(opened.mtime),
            "accept-ranges": "bytes",
        }
        if etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers={"etag": etag})
        if request.method == "HEAD":
            response = Response(status_code=200, headers=headers)
            response.headers["content-length"] = str(opened.size)
            return response
        wanted = parse_range(request.headers.get("range"), opened.size)
        if_range = request.headers.get("if-range")
        if if_range is not None and if_range.strip() != etag:
            wanted = None
        if isinstance(wanted, Unsatisfiable):
            raise ApiError(
                416,
                f"the range {request.headers.get('range')!r} lies outside the "
                f"{opened.size} bytes of the data",
                headers={"content-range": f"bytes */{opened.size}"},
            )
        if isinstance(wanted, ByteRange):
            headers["content-range"] = wanted.content_range(opened.size)
            return FileStreamResponse(
                opened.fd,
                wanted.start,
                wanted.length,
                status_code=206,
                headers=headers,
                chunk_size=self.chunk_size,
            )
        return FileStreamResponse(
            opened.fd, 0, opened.size, status_code=200, headers=headers, chunk_size=self.chunk_size
        )
