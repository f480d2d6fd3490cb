# Sourced by scripts/test once the virtual environment is active: fail when an installed
# dependency has a known vulnerability (pip-audit), and say so plainly when that cannot be known.
#
# pip-audit asks PyPI's JSON API for each installed distribution's advisories (-s pypi), then
# OSV (-s osv). Where neither answers (a mirror that serves only the simple index, no network),
# nothing can be audited: the run says so on stderr and goes on, so an offline machine can still
# test. A vulnerability that IS reported fails the run.
#
# RS_STAC_AUDIT=0 skips the audit; RS_STAC_AUDIT=strict also fails when it cannot be done.

audit_dependencies() {
    if [ "${RS_STAC_AUDIT:-1}" = 0 ]; then
        echo "RS_STAC_AUDIT=0: dependencies not audited" >&2
        return 0
    fi
    if ! command -v pip-audit >/dev/null; then
        echo "pip-audit is not installed (a dev dependency): dependencies NOT audited" >&2
        [ "${RS_STAC_AUDIT:-1}" != strict ]
        return
    fi
    local here service status report
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    for service in pypi osv; do
        report="$(timeout 300 pip-audit -s "$service" --skip-editable --progress-spinner off \
            -f json 2>/dev/null)" || true
        status=0
        printf '%s' "$report" | python "$here/audit_summary.py" "$service" >&2 || status=$?
        case "$status" in
            0) return 0 ;;
            1) return 1 ;;
        esac
    done
    echo "WARNING: no vulnerability database could be reached: dependencies NOT audited" >&2
    [ "${RS_STAC_AUDIT:-1}" != strict ]
}

echo "== pip-audit" >&2
audit_dependencies
