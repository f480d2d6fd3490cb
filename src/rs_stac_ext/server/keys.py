"""API keys: generation, hashing for the configuration file, verification.

A configuration file never holds a key, only its scrypt hash, written as one string::

    scrypt$<N>$<r>$<p>$<salt>$<hash>

``N`` (CPU/memory cost, a power of two), ``r`` (block size) and ``p`` (parallelism) are the
scrypt parameters; ``salt`` (16 random bytes) and ``hash`` (32 bytes) are base64url without
padding. :func:`hash_key` uses N=16384, r=8, p=1 (16 MiB, tens of milliseconds), the
interactive-login setting of the scrypt paper. ``rs-stac serve hash-key`` prints such a line.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass

__all__ = ["KeyHash", "KeyHashError", "generate_key", "hash_key", "verify_key"]

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32


class KeyHashError(ValueError):
    """A stored key hash that does not follow the documented format."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise KeyHashError(f"{text!r} is not base64url") from None


def _scrypt(key: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        key.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * 1024**2
    )


@dataclass(frozen=True)
class KeyHash:
    """A parsed ``scrypt$N$r$p$salt$hash`` string.

    Attributes:
        n: CPU/memory cost (a power of two, 2**10 to 2**20).
        r: Block size (1 to 32).
        p: Parallelism (1 to 16).
        salt: The salt.
        digest: The derived key.
    """

    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes

    @classmethod
    def parse(cls, text: str) -> KeyHash:
        """Read a stored hash.

        Args:
            text: The string from the configuration file.

        Returns:
            The parsed hash.

        Raises:
            KeyHashError: The string does not follow ``scrypt$N$r$p$salt$hash`` or its
                parameters are out of range.
        """
        parts = text.split("$")
        if len(parts) != 6 or parts[0] != SCHEME:
            raise KeyHashError(
                "expected 'scrypt$<N>$<r>$<p>$<salt>$<hash>' (make one with "
                "'rs-stac serve hash-key'), not a plain key"
            )
        try:
            n, r, p = (int(x) for x in parts[1:4])
        except ValueError:
            raise KeyHashError("N, r and p must be integers") from None
        if n < 2**10 or n > 2**20 or n & (n - 1):
            raise KeyHashError(f"N={n} must be a power of two from 1024 to 1048576")
        if not 1 <= r <= 32 or not 1 <= p <= 16:
            raise KeyHashError(f"r={r} must be 1 to 32 and p={p} 1 to 16")
        salt, digest = _unb64(parts[4]), _unb64(parts[5])
        if len(salt) < 8 or len(digest) < 16:
            raise KeyHashError("the salt needs at least 8 bytes and the hash at least 16")
        return cls(n, r, p, salt, digest)

    def matches(self, key: str) -> bool:
        """Tell whether a presented key has this hash (constant-time comparison)."""
        derived = _scrypt(key, self.salt, self.n, self.r, self.p, len(self.digest))
        return hmac.compare_digest(derived, self.digest)

    def __str__(self) -> str:
        return f"{SCHEME}${self.n}${self.r}${self.p}${_b64(self.salt)}${_b64(self.digest)}"


def generate_key() -> str:
    """Return a new random API key (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def hash_key(key: str, *, salt: bytes | None = None) -> str:
    """Hash an API key for the configuration file.

    Args:
        key: The key a client will send in ``x-api-key``.
        salt: Salt to use (random when ``None``; give one only for reproducible tests).

    Returns:
        The ``scrypt$N$r$p$salt$hash`` string.

    Raises:
        ValueError: The key is empty.
    """
    if not key:
        raise ValueError("an API key must not be empty")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    return str(KeyHash(N, R, P, salt, _scrypt(key, salt, N, R, P, HASH_BYTES)))


def verify_key(key: str, stored: str) -> bool:
    """Tell whether a key matches a stored hash.

    Args:
        key: The presented key.
        stored: The ``scrypt$...`` string.

    Returns:
        True when they match.

    Raises:
        KeyHashError: ``stored`` is malformed.
    """
    return KeyHash.parse(stored).matches(key)
