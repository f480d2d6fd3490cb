"""Errors of the station search layer, each with the HTTP status and body a STAC API answers.

The hierarchy::

    StationApiError                (status, code, description, body())
    ├── InvalidQuery               the search cannot be sent (400, 404, 422)
    │   └── UnsupportedQuery       valid STAC, but stations cannot answer it (422)
    └── StationUnavailable         (client) the station did not answer (503)
"""

from __future__ import annotations

from rs_stac_ext.errors import RsStacExtError

__all__ = ["InvalidQuery", "StationApiError", "UnsupportedQuery", "bad_request", "unprocessable"]


class StationApiError(RsStacExtError):
    """An error a STAC API in front of stations answers with ``{code, description}``.

    Attributes:
        status: HTTP status.
        code: Error code of the body (``BadRequest``, ``NotFound``, ...).
        description: Human explanation.
    """

    def __init__(self, status: int, code: str, description: str) -> None:
        self.status = status
        self.code = code
        self.description = description
        super().__init__(description)

    def body(self) -> dict[str, str]:
        """Return the JSON body a STAC API answers."""
        return {"code": self.code, "description": self.description}

    def __str__(self) -> str:
        return self.description


class InvalidQuery(StationApiError):  # noqa: N818 - the name the station contract gives
    """A search that cannot be sent to a station (bad value, unknown field, ...)."""


class UnsupportedQuery(InvalidQuery):
    """A valid STAC search that stations cannot answer; ``part`` names what was refused.

    Attributes:
        part: The refused part (``OR``, ``bbox``, ``sortby``, a property name, ...).
    """

    def __init__(self, part: str, message: str) -> None:
        self.part = part
        super().__init__(422, "UnprocessableEntity", f"unsupported {part}: {message}")


def bad_request(message: str) -> InvalidQuery:
    """A 400 ``BadRequest``: a value that cannot be read."""
    return InvalidQuery(400, "BadRequest", message)


def unprocessable(message: str) -> InvalidQuery:
    """A 422: a value that was read but cannot be used."""
    return InvalidQuery(422, "UnprocessableEntity", message)
