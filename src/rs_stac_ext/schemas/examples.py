"""The example documents shipped with each extension, and their expected verdicts.

Each ``extensions/<name>/examples/`` folder holds valid documents; its ``invalid/`` sub-folder
holds documents that break exactly one rule, and ``invalid/expectations.json`` names, for each,
the schema it is checked against, the JSON pointer where the problem must be reported and why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rs_stac_ext.schemas import declared_versions
from rs_stac_ext.schemas._catalog import DocumentKind, ExtensionName
from rs_stac_ext.schemas._resources import extensions_root
from rs_stac_ext.validator.problems import Problem, check

__all__ = ["ExampleVerdict", "check_examples", "example_files"]

EXPECTATIONS_FILE = "expectations.json"


@dataclass(frozen=True)
class ExampleVerdict:
    """The verdict on one shipped example against one schema.

    Attributes:
        extension: The extension the example belongs to.
        path: The example file.
        schema: Identifier of the schema it was checked against.
        expected_valid: Whether the example is meant to be valid.
        problems: What the schema reported.
        expected_path: For an invalid example, where the problem must be reported.
        reason: For an invalid example, the rule it breaks.
        error: A problem with the example itself (unreadable file, missing expectation).
    """

    extension: ExtensionName
    path: Path
    schema: str
    expected_valid: bool
    problems: tuple[Problem, ...] = ()
    expected_path: str | None = None
    reason: str = ""
    error: str | None = None

    @property
    def valid(self) -> bool:
        """Whether the schema accepted the example."""
        return not self.problems and self.error is None

    @property
    def as_expected(self) -> bool:
        """Whether the verdict is the expected one (and, if invalid, for the expected reason)."""
        if self.error is not None:
            return False
        if self.expected_valid:
            return self.valid
        return any(problem.path == self.expected_path for problem in self.problems)

    def to_dict(self) -> dict[str, Any]:
        """Return the verdict as a JSON-ready dict."""
        return {
            "extension": self.extension.value,
            "source": str(self.path),
            "schema": self.schema,
            "expected": "valid" if self.expected_valid else "invalid",
            "verdict": "valid" if self.valid else "invalid",
            "as_expected": self.as_expected,
            "expected_path": self.expected_path,
            "reason": self.reason,
            "error": self.error,
            "problems": [problem.to_dict() for problem in self.problems],
        }


def example_files(root: Path | None = None) -> Iterator[tuple[ExtensionName, Path, bool]]:
    """List the shipped examples as ``(extension, file, meant_to_be_valid)``.

    Args:
        root: The ``extensions`` folder (default: the packaged one).

    Yields:
        One tuple per example file, sorted by extension and name.
    """
    base = root if root is not None else extensions_root()
    for extension in ExtensionName:
        folder = base / extension.value / "examples"
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            yield extension, path, True
        for path in sorted((folder / "invalid").glob("*.json")):
            if path.name != EXPECTATIONS_FILE:
                yield extension, path, False


def _load(path: Path) -> tuple[Any, str | None]:
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot read {path}: {exc}"
    except json.JSONDecodeError as exc:
        return None, f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"


def _expectations(folder: Path) -> tuple[dict[str, Any], str | None]:
    path = folder / EXPECTATIONS_FILE
    if not path.is_file():
        return {}, None
    loaded, error = _load(path)
    if error is not None:
        return {}, error
    if not isinstance(loaded, dict):
        return {}, f"{path}: expected an object mapping file names to expectations"
    return loaded, None


def _check_valid(extension: ExtensionName, path: Path) -> Iterator[ExampleVerdict]:
    document, error = _load(path)
    if error is not None:
        yield ExampleVerdict(extension, path, "", True, error=error)
        return
    listed = document.get("stac_extensions", []) if isinstance(document, dict) else []
    ours = [
        v
        for v in declared_versions(listed if isinstance(listed, list) else [])
        if v.kind is DocumentKind.JSON_SCHEMA
    ]
    if not ours:
        yield ExampleVerdict(
            extension, path, "", True, error="declares none of the packaged extensions"
        )
        return
    for version in ours:
        problems = tuple(check(document, version.identifier))
        yield ExampleVerdict(extension, path, version.identifier, True, problems)


def _check_invalid(
    extension: ExtensionName, path: Path, expectations: dict[str, Any]
) -> ExampleVerdict:
    expectation = expectations.get(path.name)
    if not isinstance(expectation, dict) or not isinstance(expectation.get("schema"), str):
        return ExampleVerdict(
            extension,
            path,
            "",
            False,
            error=f"no expectation for {path.name} in {EXPECTATIONS_FILE}",
        )
    document, error = _load(path)
    schema = expectation["schema"]
    expected_path = str(expectation.get("path", ""))
    reason = str(expectation.get("reason", ""))
    if error is not None:
        return ExampleVerdict(extension, path, schema, False, error=error)
    problems = tuple(check(document, schema))
    return ExampleVerdict(extension, path, schema, False, problems, expected_path, reason)


def check_examples(root: Path | None = None) -> list[ExampleVerdict]:
    """Check every shipped example against the schemas it is meant for.

    Args:
        root: The ``extensions`` folder (default: the packaged one).

    Returns:
        One verdict per example and schema, in file order.
    """
    verdicts: list[ExampleVerdict] = []
    cached: dict[Path, tuple[dict[str, Any], str | None]] = {}
    for extension, path, meant_valid in example_files(root):
        if meant_valid:
            verdicts.extend(_check_valid(extension, path))
            continue
        if path.parent not in cached:
            cached[path.parent] = _expectations(path.parent)
        expectations, error = cached[path.parent]
        if error is not None:
            verdicts.append(ExampleVerdict(extension, path, "", False, error=error))
            continue
        verdicts.append(_check_invalid(extension, path, expectations))
    return verdicts
