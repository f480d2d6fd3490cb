"""The architecture page names modules that exist, and the top of the package stays small."""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "src" / "rs_stac_ext"
NAMES = sorted(set(re.findall(r"`(rs_stac_ext(?:\.\w+)*)`", PAGE.read_text(encoding="utf-8"))))


def test_the_page_names_modules() -> None:
    assert len(NAMES) > 20


@pytest.mark.parametrize("name", NAMES)
def test_every_module_the_page_names_exists(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__name__ == name


def test_every_package_is_on_the_page() -> None:
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages == {n.split(".")[1] for n in NAMES if n.count(".") == 1} & packages
    assert {f"rs_stac_ext.{p}" for p in packages} <= set(NAMES)


def test_at_most_twelve_modules_at_the_top() -> None:
    assert len(list(PACKAGE.glob("*.py"))) <= 12
