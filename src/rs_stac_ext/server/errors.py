"""Error responses: the ``{code, description}`` JSON body of every failure.

Handlers raise :class:`ApiError`; the routes turn it into a response with
:func:`error_response`. A HEAD request gets the same status and headers without a body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.responses import Response

from rs_stac_ext.download import error_body

CODES: Mapping[int, str] = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    416: "RangeNotSatisfiable",
    500: "ServerError",
    503: "ServiceUnavailable",
}
"""The ``code`` sent with each status."""


class ApiError(Exception):
    """A request that ends in an error response.

    Attributes:
        status: The HTTP status.
        code: The machine-readable code (``NotFound``, ``Forbidden``...).
        description: The explanation for a person.
        headers: Extra response headers (``WWW-Authenticate``, ``Content-Range``...).
    """

    def __init__(
        self, status: int, description: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.code = CODES.get(status, "ServerError")
        self.description = description
        self.headers = dict(headers or {})


def error_response(
    status: int,
    description: str,
    *,
    headers: Mapping[str, str] | None = None,
    head: bool = False,
) -> Response:
    """Build an error response with the exception object as body.

    Args:
        status: The HTTP status.
        description: The explanation for a person.
        headers: Extra headers.
        head: True for a HEAD request: same headers, no body.

    Returns:
        The response (``application/json``).
    """
    body = json.dumps(error_body(CODES.get(status, "ServerError"), description)).encode()
    response = Response(
        b"" if head else body,
        status_code=status,
        media_type="application/json",
        headers=dict(headers or {}),
    )
    if head:
        # A HEAD answer announces the length its GET would have.
        response.headers["content-length"] = str(len(body))
    return response


def from_error(error: ApiError, *, head: bool = False) -> Response:
    """Turn an :class:`ApiError` into its response.

    Args:
        error: The error.
        head: True for a HEAD request.

    Returns:
        The response.
    """
    return error_response(error.status, error.description, headers=error.headers, head=head)
