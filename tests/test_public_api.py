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
    "validate",
}


def test_all_is_the_documented_api() -> None:
    assert set(rs_stac_ext.__all__) == DOCUMENTED


def test_public_objects_present_themselves_as_top_level() -> None:
    for name in DOCUMENTED - {"__version__"}:
        assert getattr(rs_stac_ext, name).__module__ == "rs_stac_ext", name


def test_package_is_typed() -> None:
    from importlib.resources import files

    assert files("rs_stac_ext").joinpath("py.typed").is_file()


def test_top_level_validate_is_the_validation_api() -> None:
    document = {"type": "Feature", "stac_version": "1.1.0", "id": "x"}
    (report,) = rs_stac_ext.validate([document])
    assert report.id == "x"
    assert not report.valid
    assert any(p.path == "" and "geometry" in p.message for p in report.errors)
