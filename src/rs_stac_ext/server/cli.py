"""``rs-stac serve``: run the download server over a static catalog folder.

::

    rs-stac serve CATALOG [--host H] [--port P] [--config FILE]   # or --catalog CATALOG
    rs-stac serve hash-key [--generate]          # hash an API key for the configuration
    rs-stac serve issue-token --user U [--role R]...   # sign a bearer token

Exit codes: 2 for usage errors and for a catalog or configuration that cannot be used.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from rs_stac_ext.server._catalog_argument import CatalogArgumentGroup

__all__ = ["serve_command"]

EXIT_USAGE = 2


@click.group(
    "serve",
    cls=CatalogArgumentGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--catalog",
    type=click.Path(exists=True, path_type=Path),
    help="Folder holding catalog.json (or the catalog.json file); the same as CATALOG.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="YAML configuration (users, bearer tokens, S3, redirects). Without it: local mode, "
    "everyone may read and download.",
)
@click.option("--root-path", default="", help="Path prefix when served behind a proxy.")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
)
@click.pass_context
def serve_command(
    ctx: click.Context,
    catalog: Path | None,
    host: str,
    port: int,
    config_path: Path | None,
    root_path: str,
    log_level: str,
) -> None:
    """Serve a static CATALOG folder as a STAC API with the download endpoint."""
    if ctx.invoked_subcommand is not None:
        return
    if catalog is None:
        raise click.UsageError(
            "name the CATALOG to serve (a folder holding catalog.json), or give it with --catalog"
        )
    try:
        import uvicorn

        from rs_stac_ext.server.app import create_app
    except ImportError as exc:
        click.echo(
            f"error: serving needs Starlette and uvicorn ({exc}), dependencies of "
            "rs-stac-ext: reinstall it with: pip install --force-reinstall rs-stac-ext",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    from rs_stac_ext.errors import RsStacExtError
    from rs_stac_ext.server.config import load_config

    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    # The local-mode warning is a security notice: shown whatever the chosen level.
    server_log = logging.getLogger("rs_stac_ext.server")
    server_log.setLevel(min(server_log.getEffectiveLevel(), logging.WARNING))
    try:
        config = load_config(config_path) if config_path is not None else None
        app = create_app(catalog, config)
    except RsStacExtError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    uvicorn.run(app, host=host, port=port, root_path=root_path, log_level=log_level)


@serve_command.command("hash-key")
@click.option("--generate", is_flag=True, help="Make a new random key and print it on stderr.")
def hash_key_command(generate: bool) -> None:
    """Print the hash of an API key, for `api_keys` in the configuration.

    The key is read from standard input (or a hidden prompt), or made with --generate.
    """
    from rs_stac_ext.server.keys import generate_key, hash_key

    if generate:
        key = generate_key()
        click.echo(f"API key (give it to its user; it is stored nowhere): {key}", err=True)
    elif sys.stdin.isatty():
        key = click.prompt("API key", hide_input=True, confirmation_prompt=True)
    else:
        key = sys.stdin.readline().rstrip("\r\n")
    if not key:
        raise click.UsageError("the API key is empty")
    click.echo(hash_key(key))


@serve_command.command("issue-token")
@click.option("--user", "subject", required=True, help="User name (the `sub` claim).")
@click.option("--role", "roles", multiple=True, help="A role to grant. Repeatable.")
@click.option("--ttl", type=click.IntRange(min=1), default=3600, show_default=True)
@click.option("--secret-env", default="RS_STAC_JWT_SECRET", show_default=True)
@click.option("--issuer", default=None, help="The `iss` claim.")
@click.option("--audience", default=None, help="The `aud` claim.")
def issue_token_command(
    subject: str,
    roles: tuple[str, ...],
    ttl: int,
    secret_env: str,
    issuer: str | None,
    audience: str | None,
) -> None:
    """Print an HS256 bearer token signed with the secret in SECRET_ENV."""
    from rs_stac_ext.server.config import BearerConfig, ConfigError
    from rs_stac_ext.server.tokens import issue_token

    try:
        secret = BearerConfig(secret_env=secret_env).secret()
    except (ConfigError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(
        issue_token(secret, subject, roles=roles, ttl_seconds=ttl, issuer=issuer, audience=audience)
    )


if __name__ == "__main__":
    serve_command()
