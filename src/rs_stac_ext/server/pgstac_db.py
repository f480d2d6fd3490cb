"""The pgstac database: a clear error when it cannot be used (no stac-fastapi needed)."""

from __future__ import annotations

import psycopg

from rs_stac_ext.errors import RsStacExtError

__all__ = ["PgstacError", "check_database"]


class PgstacError(RsStacExtError):
    """The database cannot be used (wrong DSN, not reachable, no pgstac schema)."""


def check_database(dsn: str) -> str:
    """Connect once and read the pgstac version, to fail early with a clear message.

    Args:
        dsn: The database.

    Returns:
        The pgstac version.

    Raises:
        PgstacError: The database cannot be reached, or has no pgstac schema.
    """
    try:
        with psycopg.connect(dsn, connect_timeout=10) as conn:
            row = conn.execute("SELECT pgstac.get_version()").fetchone()
    except psycopg.errors.UndefinedFunction:
        raise PgstacError(
            "the database has no pgstac schema; install it with: pypgstac migrate --dsn DSN"
        ) from None
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PgstacError(f"cannot use the pgstac database: {first}") from None
    return str(row[0]) if row else "unknown"
