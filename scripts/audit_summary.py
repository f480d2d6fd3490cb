"""Summarise pip-audit's JSON report (stdin) in a few lines; used by scripts/_audit.sh.

Usage: ``pip-audit -f json ... | python scripts/audit_summary.py SERVICE``. Exit status: 0 no
known vulnerability among the audited dependencies, 1 some (each listed), 3 nothing could be
audited (no report, or the service knew none of the dependencies).
"""

import json
import sys


def main() -> int:
    """Read the report, print the summary, return the exit status."""
    service = sys.argv[1] if len(sys.argv) > 1 else "?"
    try:
        report = json.load(sys.stdin)
    except ValueError:
        print(f"pip-audit ({service}) gave no report")
        return 3
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            name, version = dependency["name"], dependency["version"]
            print(f"  {name} {version}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        print(f"{len(vulnerable)} dependencies with known vulnerabilities ({service})")
        return 1
    if not audited:
        print(f"the {service} vulnerability service knew none of {len(dependencies)} dependencies")
        return 3
    skipped = len(dependencies) - len(audited)
    print(f"no known vulnerability in {len(audited)} dependencies ({service}); {skipped} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
