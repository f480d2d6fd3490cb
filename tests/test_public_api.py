"""The documented public API is exactly what the package exports."""

from __future__ import annotations

import rs_stac_ext

DOCUMENTED = {
    "AuxipExtension",
    "CadipExtension",
    "Change",
    "DocumentKind",
    "DownloadConformance",
    "ExtensionName",
    "ExtensionVersion",
    "FormatMode",
    "MigrationWarning",
    "OwnershipExtension",
    "Problem",
    "RsStacExtError",
    "UnknownIdentifierError",
    "Upgrade",
    "__version__",
    "check",
    "upgrade",
}


def test_all_is_the_documented_api() -> None:
    assert set(rs_stac_ext.__all__) == DOCUMENTED


def test_public_objects_present_themselves_as_top_level() -> None:
    for name in DOCUMENTED - {"__version__"}:
        assert getattr(rs_stac_ext, name).__module__ == "rs_stac_ext", name


def test_package_is_typed() -> None:
    from importlib.resources import files

    assert files("rs_stac_ext").joinpath("py.typed").is_file()
