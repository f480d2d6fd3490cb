"""Dependencies with known vulnerabilities: excluded by the bounds, caught by scripts/_audit.sh."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest
from packaging.requirements import Requirement

from conftest import REPO_ROOT

SUMMARY = REPO_ROOT / "scripts" / "audit_summary.py"


def _requirement(name: str) -> Requirement:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lists = [project["dependencies"], *project.get("optional-dependencies", {}).values()]
    found = [Requirement(text) for texts in lists for text in texts]
    return next(r for r in found if r.name.lower() == name.lower())


def test_pyjwt_bound_excludes_the_substring_issuer_check() -> None:
    specifier = _requirement("PyJWT").specifier
    assert "2.10.0" not in specifier  # CVE-2024-53861
    assert "2.10.1" in specifier


def _summarise(report: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SUMMARY), "pypi"],
        input=report,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("dependencies", "status", "words"),
    [
        (
            [
                {"name": "pyjwt", "version": "2.10.0", "vulns": [{"id": "GHSA-75c5-xw7c-p5pm"}]},
                {"name": "httpx", "version": "0.28.1", "vulns": []},
            ],
            1,
            "pyjwt 2.10.0: GHSA-75c5-xw7c-p5pm",
        ),
        ([{"name": "httpx", "version": "0.28.1", "vulns": []}], 0, "no known vulnerability in 1"),
        ([{"name": "httpx", "version": "0.28.1", "skip_reason": "not found"}], 3, "knew none"),
    ],
    ids=["vulnerable", "clean", "unreachable"],
)
def test_audit_summary(dependencies: list[dict[str, object]], status: int, words: str) -> None:
    result = _summarise(json.dumps({"dependencies": dependencies}))
    assert result.returncode == status, result.stdout + result.stderr
    assert words in result.stdout


def test_audit_summary_without_a_report_says_so() -> None:
    result = _summarise("")
    assert result.returncode == 3
    assert "no report" in result.stdout


def test_scripts_test_runs_the_audit_before_the_tests() -> None:
    script = (REPO_ROOT / "scripts" / "test").read_text(encoding="utf-8")
    assert script.index("_audit.sh") < script.index("pytest")
