"""Short names of our published versions (``cadip``, ``cadip v1.4.0``, ``cadip@v1.4.0``)."""

from __future__ import annotations

import pytest

from rs_stac_ext import schemas
from rs_stac_ext.errors import UnknownIdentifierError
from rs_stac_ext.schemas._short_names import UnknownSchemaNameError, find_by_name

CADIP_V14 = "https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json"


@pytest.mark.parametrize("extension", ["auxip", "cadip", "ownership", "download"])
def test_a_name_alone_is_the_newest_version(extension: str) -> None:
    assert find_by_name(extension) == schemas.newest(extension)
    assert find_by_name(extension.upper()) == schemas.newest(extension)


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("cadip", "v1.4.0"),
        ("cadip", "1.4.0"),
        ("cadip@v1.4.0", None),
        ("Cadip@1.4.0", None),
        (CADIP_V14, None),
        (CADIP_V14 + "#", None),
    ],
)
def test_a_name_and_a_version_name_that_version(name: str, version: str | None) -> None:
    assert find_by_name(name, version).identifier == CADIP_V14


def test_every_published_version_has_a_short_name() -> None:
    for entry in schemas.versions():
        assert find_by_name(f"{entry.extension.value}@{entry.version}") == entry


def test_an_unknown_version_lists_the_published_ones() -> None:
    with pytest.raises(UnknownSchemaNameError) as raised:
        find_by_name("cadip", "v9.0.0")
    assert str(raised.value) == (
        "cadip has no version v9.0.0: its published versions are "
        "v1.0.0, v1.1.0, v1.2.0, v1.3.0, v1.4.0, v2.0.0"
    )


def test_an_unknown_name_lists_the_extensions_and_the_forms() -> None:
    with pytest.raises(UnknownIdentifierError) as raised:
        find_by_name("sat")
    message = str(raised.value)
    assert "no packaged schema is named 'sat'" in message
    assert "auxip, cadip, ownership, download" in message
    assert "cadip@v1.4.0" in message


def test_a_version_given_twice_is_refused() -> None:
    with pytest.raises(UnknownSchemaNameError, match="already names a version"):
        find_by_name("cadip@v1.4.0", "v1.3.0")


def test_an_unknown_identifier_is_still_told_as_an_identifier() -> None:
    with pytest.raises(UnknownIdentifierError, match="no packaged schema has the identifier"):
        find_by_name("https://example.com/x.json")
