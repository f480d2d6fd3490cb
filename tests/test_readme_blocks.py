"""Every code block of the README and of the documentation's home page runs as written.

Python blocks run each on its own (``python -c``), shell blocks with ``bash -euo pipefail``,
both from a working folder that looks like a clone of the repository (its top-level entries
linked in), so relative paths such as ``extensions/cadip/examples/item.json`` work and what a
block writes stays out of the repository. A shell block may be left out only with a reason, in
an HTML comment right above it (``<!-- not run: starts a server -->``); a Python block never.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO_ROOT, offline_environment

PAGES = ("README.md", "docs/index.md")
_BLOCK = re.compile(
    r"(?:^<!-- not run: (?P<reason>[^\n]*?) -->\n)?^```(?P<language>[a-z]*)\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
_RUNNERS = {"python": [sys.executable, "-c"], "bash": ["bash", "-euo", "pipefail", "-c"]}
_LEFT_IN_PLACE = {".git", ".venv", "site", "out"}


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: str
    line: int
    language: str
    body: str
    not_run_because: str | None

    @property
    def name(self) -> str:
        return f"{self.page}:{self.line}"


def blocks(text: str, page: str) -> list[Block]:
    """The fenced blocks of a Markdown text, with the line their fence opens on."""
    found = []
    for match in _BLOCK.finditer(text):
        fence = match.start("language") - 3
        found.append(
            Block(
                page=page,
                line=text.count("\n", 0, fence) + 1,
                language=match["language"],
                body=match["body"],
                not_run_because=match["reason"],
            )
        )
    return found


def page_blocks() -> list[Block]:
    return [
        block
        for page in PAGES
        for block in blocks((REPO_ROOT / page).read_text(encoding="utf-8"), page)
    ]


RUNNABLE = [b for b in page_blocks() if b.language in _RUNNERS and b.not_run_because is None]


def clone_like(folder: Path) -> Path:
    """A folder holding links to the repository's top-level entries."""
    for entry in REPO_ROOT.iterdir():
        if entry.name not in _LEFT_IN_PLACE:
            (folder / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return folder


def test_blocks_are_found_with_their_language_and_reason() -> None:
    text = "intro\n```python\nx = 1\n```\n<!-- not run: a server -->\n```bash\nserve\n```\n"
    found = blocks(text, "page.md")
    assert [(b.line, b.language, b.body, b.not_run_because) for b in found] == [
        (2, "python", "x = 1\n", None),
        (6, "bash", "serve\n", "a server"),
    ]


def test_every_page_has_blocks_that_run() -> None:
    for page in PAGES:
        assert any(block.page == page for block in RUNNABLE), page
    assert {block.language for block in RUNNABLE} == {"python", "bash"}


def test_only_shell_blocks_are_left_out_and_each_says_why() -> None:
    for block in page_blocks():
        if block.not_run_because is not None:
            assert block.language == "bash", f"{block.name}: only shell blocks may be left out"
            assert len(block.not_run_because.split()) >= 3, f"{block.name}: say why it is not run"


def test_every_code_block_names_its_language() -> None:
    for block in page_blocks():
        assert block.language, f"{block.name}: a fence without a language"


@pytest.mark.parametrize("block", RUNNABLE, ids=[block.name for block in RUNNABLE])
def test_block_runs_as_written(block: Block, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    clone.mkdir()
    environment = offline_environment(tmp_path / "cache")
    # The commands of this interpreter's environment (rs-stac) come first.
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    ran = subprocess.run(
        [*_RUNNERS[block.language], block.body],
        cwd=clone_like(clone),
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, f"{block.name}:\n{ran.stdout[-3000:]}{ran.stderr[-3000:]}"
    assert ran.stdout.strip(), f"{block.name} printed nothing"
