"""Bearer tokens: HS256 JSON Web Tokens signed with a shared secret.

The server checks tokens offline (no identity provider is contacted): the signature
(HMAC-SHA-256 with the secret from the environment variable the configuration names), ``alg``
(only ``HS256``), ``exp`` (required), ``nbf`` and ``iat`` (when present, with a leeway), and
``iss`` / ``aud`` when the configuration names them. ``sub`` is the user name; the claim
``roles`` (configurable) is a list of role strings. :func:`issue_token` makes such a token
(``rs-stac serve issue-token``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["MIN_SECRET_BYTES", "TokenClaims", "TokenError", "issue_token", "verify_token"]

MIN_SECRET_BYTES = 32
"""Shortest accepted secret: HS256 wants a key of at least 256 bits (RFC 7518 §3.2)."""


class TokenError(ValueError):
    """A token that is malformed, badly signed, expired or not meant for this server."""


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says.

    Attributes:
        subject: The user name (``sub``).
        roles: The roles it grants.
        expires: Expiry time (``exp``), seconds since the epoch.
    """

    subject: str
    roles: frozenset[str]
    expires: float


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(part: str) -> bytes:
    try:
        return base64.b64decode(part + "=" * (-len(part) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise TokenError("a token part is not base64url") from None


def _json_part(part: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_unb64(part))
    except (ValueError, UnicodeDecodeError):
        raise TokenError(f"the token {what} is not JSON") from None
    if not isinstance(value, dict):
        raise TokenError(f"the token {what} is not a JSON object")
    return value


def _check_secret(secret: bytes) -> None:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the HS256 secret must have at least {MIN_SECRET_BYTES} bytes")


def _sign(secret: bytes, signing_input: str) -> bytes:
    return hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()


def issue_token(
    secret: bytes,
    subject: str,
    *,
    roles: Sequence[str] = (),
    ttl_seconds: float = 3600,
    issuer: str | None = None,
    audience: str | None = None,
    roles_claim: str = "roles",
    now: float | None = None,
) -> str:
    """Make a signed HS256 token.

    Args:
        secret: The shared secret (at least 32 bytes).
        subject: The user name (``sub``).
        roles: The roles to grant.
        ttl_seconds: Lifetime; ``exp`` is ``now + ttl_seconds``.
        issuer: ``iss``, when the server checks it.
        audience: ``aud``, when the server checks it.
        roles_claim: Name of the roles claim.
        now: The current time (seconds since the epoch); ``time.time()`` when ``None``.

    Returns:
        The compact token ``header.payload.signature``.

    Raises:
        ValueError: The secret is too short or the subject empty.
    """
    _check_secret(secret)
    if not subject:
        raise ValueError("a token needs a subject")
    issued = time.time() if now is None else now
    payload: dict[str, Any] = {
        "sub": subject,
        "iat": int(issued),
        "exp": int(issued + ttl_seconds),
        roles_claim: list(roles),
    }
    if issuer is not None:
        payload["iss"] = issuer
    if audience is not None:
        payload["aud"] = audience
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    signing_input = f"{header}.{body}"
    return f"{signing_input}.{_b64(_sign(secret, signing_input))}"


def _number(payload: dict[str, Any], claim: str) -> float | None:
    value = payload.get(claim)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenError(f"the {claim!r} claim must be a number")
    return float(value)


def verify_token(
    token: str,
    secret: bytes,
    *,
    issuer: str | None = None,
    audience: str | None = None,
    roles_claim: str = "roles",
    leeway_seconds: float = 30,
    now: float | None = None,
) -> TokenClaims:
    """Check a token and return what it says.

    Args:
        token: The compact token from ``Authorization: Bearer <token>``.
        secret: The shared secret.
        issuer: Required ``iss`` value, or ``None`` to accept any.
        audience: Required ``aud`` value (or member of a list), or ``None`` to accept any.
        roles_claim: Name of the roles claim.
        leeway_seconds: Clock skew tolerated on ``exp``, ``nbf`` and ``iat``.
        now: The current time; ``time.time()`` when ``None``.

    Returns:
        The subject and roles.

    Raises:
        TokenError: The token is malformed, not HS256, badly signed, expired, not yet valid,
            or has the wrong issuer or audience.
    """
    _check_secret(secret)
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise TokenError("a token has three non-empty dot-separated parts")
    header = _json_part(parts[0], "header")
    if header.get("alg") != "HS256":
        raise TokenError(f"token algorithm {header.get('alg')!r} is not accepted; use HS256")
    if "crit" in header:
        raise TokenError("token header extensions ('crit') are not supported")
    expected = _sign(secret, f"{parts[0]}.{parts[1]}")
    if not hmac.compare_digest(expected, _unb64(parts[2])):
        raise TokenError("the token signature does not match")
    payload = _json_part(parts[1], "payload")
    current = time.time() if now is None else now
    expires = _number(payload, "exp")
    if expires is None:
        raise TokenError("the token has no 'exp' claim")
    if current > expires + leeway_seconds:
        raise TokenError("the token has expired")
    for claim in ("nbf", "iat"):
        start = _number(payload, claim)
        if start is not None and current + leeway_seconds < start:
            raise TokenError(f"the token is not valid yet ({claim!r} is in the future)")
    if issuer is not None and payload.get("iss") != issuer:
        raise TokenError("the token was issued by another issuer")
    if audience is not None:
        aud = payload.get("aud")
        if aud != audience and not (isinstance(aud, list) and audience in aud):
            raise TokenError("the token is meant for another audience")
    subject = payload.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        raise TokenError("the token has no 'sub' claim naming the user")
    roles = payload.get(roles_claim, [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise TokenError(f"the {roles_claim!r} claim must be a list of strings")
    return TokenClaims(subject, frozenset(roles), expires)
