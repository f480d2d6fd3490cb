"""Where the packaged extension folders live.

A wheel carries the repository's ``extensions/`` folder as ``rs_stac_ext/_extensions``. In a
source checkout (editable install, tests) the package reads the repository folder itself, so an
edited schema is seen at once and there is only one copy of every file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


@cache
def extensions_root() -> Path:
    """Return the folder that holds ``<extension>/<version>/schema.json`` files.

    Raises:
        FileNotFoundError: Neither the packaged copy nor a source checkout is present, which
            means the installation is broken.
    """
    packaged = _PACKAGE_DIR / "_extensions"
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent.parent / "extensions"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"rs-stac-ext is installed without its extension schemas (looked in {packaged} and "
        f"{checkout}); reinstall the package."
    )
