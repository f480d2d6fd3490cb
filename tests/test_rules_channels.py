"""The quick CADIP channel test never passes what the full channel rules would report."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import load_json
from rs_stac_ext.schemas._resources import extensions_root
from rs_stac_ext.validator.rules import _channel_problems, _channels_in_order, _integer

_NUMBERS = st.one_of(st.integers(0, 4), st.sampled_from([1.0, 2.0, 2.5, True, False, "1", None]))
_ABSENT = object()


@st.composite
def dsdb_assets(draw: st.DrawFn) -> dict[str, Any]:
    assets: dict[str, Any] = {}
    for index in range(draw(st.integers(0, 8))):
        asset: dict[str, Any] = {"href": f"https://example.com/{index}"}
        for name, values in (
            ("cadip:channel", _NUMBERS),
            ("cadip:block_number", _NUMBERS),
            ("cadip:final_block", st.sampled_from([True, False, None, 1, "true"])),
        ):
            value = draw(st.one_of(values, st.just(_ABSENT)))
            if value is not _ABSENT:
                asset[name] = value
        assets[f"asset-{index}"] = asset
    if draw(st.booleans()):
        assets["not-an-asset"] = draw(st.sampled_from(["x", [1], None]))
    return assets


@st.composite
def well_formed_sessions(draw: st.DrawFn) -> dict[str, Any]:
    """Sessions that mostly follow the rules, so the quick test says yes often."""
    assets: dict[str, Any] = {}
    for channel in range(1, draw(st.integers(1, 3)) + 1):
        blocks = draw(st.integers(1, 4))
        for block in range(1, blocks + 1):
            assets[f"ch{channel}-{block}"] = {
                "cadip:channel": channel,
                "cadip:block_number": block,
                "cadip:final_block": block == blocks,
            }
    keys = list(assets)
    if draw(st.booleans()) and keys:  # one slip
        asset = assets[draw(st.sampled_from(keys))]
        slip = draw(st.sampled_from(["block", "final", "drop"]))
        if slip == "block":
            asset["cadip:block_number"] = draw(st.integers(0, 5))
        elif slip == "final":
            asset["cadip:final_block"] = not asset["cadip:final_block"]
        else:
            del asset["cadip:final_block"]
    return dict(draw(st.permutations(list(assets.items()))))


@settings(max_examples=600, deadline=None)
@given(st.one_of(dsdb_assets(), well_formed_sessions()), st.sampled_from([None, 1, 2, 3, 2.0]))
def test_quick_yes_means_the_full_rules_find_nothing(
    assets: dict[str, Any], num_channels: Any
) -> None:
    count = _integer(num_channels)
    if _channels_in_order(assets, count):
        assert list(_channel_problems(assets, count, "cadip")) == []


def test_the_example_session_takes_the_quick_path() -> None:
    item = load_json(extensions_root() / "cadip" / "examples" / "item.json")
    count = _integer(item["properties"]["cadip:num_channels"])
    assert _channels_in_order(item["assets"], count)
    item["assets"][next(iter(item["assets"]))]["cadip:block_number"] = 99
    assert not _channels_in_order(item["assets"], count)
