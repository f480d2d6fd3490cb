"""Every ``rs-stac`` option says what it does, and group help names its commands."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import click
import pytest

from rs_stac_ext.cli import main


def _commands(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(path), command
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None
            yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands(main, ("rs-stac",)))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_has_a_help_text(name: str) -> None:
    silent = [
        "/".join(param.opts)
        for param in COMMANDS[name].params
        if isinstance(param, click.Option) and not param.hidden and not param.help
    ]
    assert silent == []


def test_serve_port_and_issue_token_ttl_are_explained() -> None:
    def help_of(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "rs_stac_ext", *args, "--help"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout

    assert "TCP port to listen on" in help_of("serve")
    assert "Seconds the token stays valid" in help_of("serve", "issue-token")


def test_the_schemas_help_names_every_sub_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rs_stac_ext", "schemas", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    summary = result.stdout.split("Options:", 1)[0].lower()
    for name in ("list", "fetch", "pack", "export", "show"):
        assert name in summary
