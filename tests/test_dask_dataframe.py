"""The dask.dataframe entry points on a real local cluster give the local run's reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dask
import pytest

from cluster_support import cadip_item, mixed_stream
from rs_stac_ext.schemas.resolver import ResolverSettings
from rs_stac_ext.validator.readers import ReaderSettings
from rs_stac_ext.validator.validation import ValidationOptions, validate

pytestmark = pytest.mark.dask

dask_dataframe = pytest.importorskip("dask.dataframe")
pandas = pytest.importorskip("pandas")

from rs_stac_ext.validator.dask_dataframe import (  # noqa: E402
    REPORT_COLUMNS,
    report_frame,
    reports_dataframe,
    validate_dataframe,
)


def options(cache: Path) -> ValidationOptions:
    return ValidationOptions(
        resolver=ResolverSettings(cache_dir=cache, use_cache=False), reader=ReaderSettings()
    )


def test_reports_dataframe_holds_the_local_reports_row_for_row(
    dask_client: Any, tmp_path: Path
) -> None:
    stream = mixed_stream(tmp_path / "items.ndjson", 90)
    needing = tmp_path / "needing.json"
    unpublished = "https://stac-extensions.github.io/raster/v9.1.0/schema.json"
    needing_item = dict(cadip_item(), id="needing")
    needing_item["stac_extensions"] = [*needing_item["stac_extensions"], unpublished]
    needing.write_text(json.dumps(needing_item), encoding="utf-8")
    single = tmp_path / "one.json"
    single.write_text(json.dumps(dict(cadip_item(), id="single")), encoding="utf-8")
    settings = options(tmp_path / "cache")
    inputs = [stream, needing, single]
    frame = reports_dataframe(inputs, settings, workers=2, partition_bytes=6000)
    assert frame.npartitions > 4
    assert dict(frame.dtypes) == {
        name: pandas.api.types.pandas_dtype(dtype) for name, dtype in REPORT_COLUMNS.items()
    }
    computed = dask_client.compute(frame).result()
    local = report_frame(validate(inputs, settings))
    pandas.testing.assert_frame_equal(computed.reset_index(drop=True), local)
    # The local run itself: every kind of verdict and a read error are in there.
    assert set(local["verdict"]) == {"valid", "invalid", "incomplete"}
    assert local["first_error"].str.contains("invalid JSON").any()
    assert local["line"].iloc[0] == 1
    assert local["source"].iloc[-1] == str(single)
    by_id = local.set_index("id")
    assert by_id.loc["item-2", "first_error_path"] == "/properties/cadip:num_channels"
    assert by_id.loc["item-2", "errors"] == 1


def test_validate_dataframe_checks_a_column_and_keeps_the_index(
    dask_client: Any, tmp_path: Path
) -> None:
    documents: list[Any] = []
    for number in range(24):
        document = dict(cadip_item(), id=f"row-{number}")
        if number % 5 == 1:
            document["properties"] = dict(document["properties"], **{"cadip:num_channels": "x"})
        documents.append(document)
    documents[7] = {"type": "Feature"}  # not a STAC Item at all
    texts = [json.dumps(d) for d in documents]
    texts[11] = "{not json"
    table = pandas.DataFrame(
        {
            "parsed": documents,
            "text": texts,
            "where": [f"s3://bucket/items/{n}.json" for n in range(24)],
        },
        index=[f"key-{n:02d}" for n in range(24)],
    )
    # Dask turns object columns into strings by default (dicts into their repr): keep them.
    with dask.config.set({"dataframe.convert-string": False}):
        frame = dask_dataframe.from_pandas(table, npartitions=4)
    settings = options(tmp_path / "cache")

    parsed = dask_client.compute(validate_dataframe(frame, "parsed", settings)).result()
    assert list(parsed.index) == list(table.index)
    assert list(parsed["source"]) == [f"<parsed>[key-{n:02d}]" for n in range(24)]
    local = [report.verdict.value for report in validate(documents, settings)]
    assert list(parsed["verdict"]) == local
    assert parsed.loc["key-06", "first_error_path"] == "/properties/cadip:num_channels"
    assert parsed.loc["key-07", "verdict"] == "invalid"

    named = validate_dataframe(frame, "text", settings, source="where")
    assert named.npartitions == frame.npartitions
    text = dask_client.compute(named).result()
    assert list(text["source"]) == list(table["where"])
    assert list(text["verdict"][text.index != "key-11"]) == [
        v for n, v in enumerate(local) if n != 11
    ]
    assert text.loc["key-11", "verdict"] == "invalid"
    assert "invalid JSON" in text.loc["key-11", "first_error"]
    # Joined back to the input by index.
    joined = table.join(text[["verdict"]])
    assert joined.loc["key-06", "verdict"] == "invalid"


def test_validate_dataframe_names_a_missing_column(tmp_path: Path) -> None:
    frame = dask_dataframe.from_pandas(pandas.DataFrame({"doc": [{}]}), npartitions=1)
    with pytest.raises(KeyError, match="no column 'items'"):
        validate_dataframe(frame, "items", options(tmp_path))
