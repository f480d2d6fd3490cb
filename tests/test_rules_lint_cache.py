"""Lint keeps warning about undeclared prefixes once documents of a kind have been cleared."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from rs_stac_ext.validator.rules import RuleSet

CLEAN: dict[str, Any] = {
    "type": "Feature",
    "stac_extensions": [],
    "properties": {"datetime": "2025-01-01T00:00:00Z", "title": "x"},
    "assets": {"a": {"href": "a.tif", "roles": ["data"]}, "b": {"href": "b.tif"}},
}


@pytest.mark.parametrize(
    ("where", "path"),
    [
        (("sat:orbit_state",), "/sat:orbit_state"),
        (("properties", "sat:orbit_state"), "/properties/sat:orbit_state"),
        (("assets", "b", "eo:bands"), "/assets/b/eo:bands"),
    ],
)
def test_a_new_prefixed_name_is_reported_after_clean_documents(
    where: tuple[str, ...], path: str
) -> None:
    rules = RuleSet.for_extensions([], rules=False, lint=True)
    for _ in range(3):
        assert rules.run(copy.deepcopy(CLEAN)) == []
    document = copy.deepcopy(CLEAN)
    target = document
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = "x"
    problems = rules.run(document)
    assert [problem.path for problem in problems] == [path]
    assert rules.run(copy.deepcopy(CLEAN)) == []


def test_an_asset_that_is_not_an_object_is_read_exactly() -> None:
    rules = RuleSet.for_extensions([], rules=False, lint=True)
    assert rules.run(copy.deepcopy(CLEAN)) == []
    document = copy.deepcopy(CLEAN)
    document["assets"]["c"] = ["sat:orbit_state"]
    assert rules.run(document) == []
