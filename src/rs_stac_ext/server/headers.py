"""HTTP header helpers for downloads: file names, byte ranges, entity tags, media types."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from email.utils import formatdate
from urllib.parse import quote

__all__ = [
    "ByteRange",
    "Unsatisfiable",
    "content_disposition",
    "etag_matches",
    "http_date",
    "parse_range",
    "safe_media_type",
]

_RANGE = re.compile(r"bytes=(?:([0-9]+)-([0-9]*)|-([0-9]+))")
_MEDIA_TYPE = re.compile(
    r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+"
    r"(?:[ \t]*;[ \t]*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|\"[ !#-\[\]-~]*\"))*"
)
"""A media type with parameters; quoted values printable ASCII (never CR, LF or NUL)."""
_MAX_DIGITS = 19
"""Longer byte positions are beyond any file (and ``int()`` refuses 4,300 digits and more)."""
_FAR = 1 << 63
_UNSAFE_ASCII = re.compile(r'[^\x20-\x7e]|["\\]')


@dataclass(frozen=True)
class ByteRange:
    """A satisfiable single byte range.

    Attributes:
        start: First byte offset.
        end: Last byte offset (inclusive).
    """

    start: int
    end: int

    @property
    def length(self) -> int:
        """Number of bytes in the range."""
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        """Return the ``Content-Range`` value for a data of ``size`` bytes."""
        return f"bytes {self.start}-{self.end}/{size}"


class Unsatisfiable:
    """Marker returned by :func:`parse_range` for a range outside the data (answer 416)."""


UNSATISFIABLE = Unsatisfiable()


def parse_range(value: str | None, size: int) -> ByteRange | Unsatisfiable | None:
    """Read a ``Range`` header holding one byte range.

    Forms: ``bytes=<first>-<last>``, ``bytes=<first>-``, ``bytes=-<suffix length>``. Anything
    else (several ranges, other units, ``last < first``) is ignored, as RFC 9110 allows: the
    whole data is sent.

    Args:
        value: The header value, or ``None``.
        size: Size of the data in bytes.

    Returns:
        The range, :data:`UNSATISFIABLE` when it lies outside the data, or ``None`` to send
        everything.
    """
    if value is None:
        return None
    match = _RANGE.fullmatch(value.strip(" \t"))
    if match is None:
        return None
    first, last, suffix = match.groups()
    if suffix is not None:
        length = _position(suffix)
        if length == 0 or size == 0:
            return UNSATISFIABLE
        return ByteRange(max(size - length, 0), size - 1)
    start = _position(first)
    end = _position(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        return UNSATISFIABLE
    return ByteRange(start, min(end, size - 1))


def _position(digits: str) -> int:
    """Read a byte position; one too long to hold a file offset stands for "beyond any file"."""
    significant = digits.lstrip("0")
    return _FAR if len(significant) > _MAX_DIGITS else int(significant or "0")


def etag_matches(header: str | None, etag: str) -> bool:
    """Tell whether an ``If-None-Match`` value names an entity tag (weak comparison).

    Args:
        header: The ``If-None-Match`` value, or ``None``.
        etag: The current entity tag, quoted.

    Returns:
        True when the header is ``*`` or lists the tag (with or without ``W/``).
    """
    if header is None:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


def http_date(timestamp: float) -> str:
    """Format a POSIX time as an HTTP-date (``Wed, 25 Nov 2026 10:00:00 GMT``)."""
    return formatdate(timestamp, usegmt=True)


def content_disposition(filename: str) -> str:
    """Build an RFC 6266 ``attachment`` header value.

    The ``filename`` parameter gets an ASCII stand-in (non-ASCII letters lose their accents,
    other characters become ``_``); ``filename*`` carries the exact name in UTF-8.

    Args:
        filename: The suggested file name.

    Returns:
        e.g. ``attachment; filename="uni.bin"; filename*=UTF-8''%C3%BCni.bin``.
    """
    name = filename.replace("/", "_").replace("\\", "_").strip() or "download"
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = _UNSAFE_ASCII.sub("_", folded) or "download"
    encoded = quote(name.encode("utf-8", "replace"), safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def safe_media_type(value: object, default: str = "application/octet-stream") -> str:
    """Return an asset's ``type`` when it is a well-formed media type, else ``default``."""
    if isinstance(value, str) and len(value) <= 255 and _MEDIA_TYPE.fullmatch(value):
        return value
    return default
