#!/usr/bin/env bash
# Install the package the way users do, each time into a fresh virtual environment made by
# Python's own venv (so with the pip that Python release ships: pip 23.2.1 for Python 3.11),
# then run `pip check`. Each argument is one environment: extras installed in order, joined
# by '+' ('' is the base install, '[dask]+[server]' installs [dask], then [server]).
# Without arguments: the base install, every extra, and the orders that once broke.
#
#   scripts/install_matrix.sh                          # the whole matrix (about 20 minutes)
#   scripts/install_matrix.sh '[dev]'                  # one environment
#   PYTHON=python3.13 UPGRADE_PIP=1 scripts/install_matrix.sh '[dev]'   # with the newest pip
#
# Exits 1 when an install fails or `pip check` finds a conflict; the log of each environment
# is kept in $WORK (default: a temporary folder).
set -uo pipefail
SOURCE="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
WORK="${WORK:-$(mktemp -d)}"
if [ $# -eq 0 ]; then
    set -- "" "[server]" "[stac-fastapi]" "[postgresql]" "[pgstac]" "[dask]" "[docs]" \
        "[bench]" "[test]" "[dev]" "[dask]+[server]" "[server]+[dask]" "[pgstac]+[dask]" \
        "[dask]+[pgstac]"
fi
failed=0
for environment in "$@"; do
    name="env-$(printf '%s' "${environment:-base}" | tr -c 'a-z0-9' '_')"
    "$PYTHON" -m venv "$WORK/$name"
    pip=("$WORK/$name/bin/python" -m pip)
    if [ -n "${UPGRADE_PIP:-}" ]; then
        "${pip[@]}" install --quiet --upgrade pip >> "$WORK/$name.log" 2>&1
    fi
    started=$SECONDS
    IFS=+ read -r -a steps <<< "$environment"
    [ ${#steps[@]} -eq 0 ] && steps=("")
    status="ok"
    for extras in "${steps[@]}"; do
        if ! "${pip[@]}" install "$SOURCE$extras" >> "$WORK/$name.log" 2>&1; then
            status="install of '$SOURCE$extras' failed (see $WORK/$name.log)"
            break
        fi
    done
    if [ "$status" = "ok" ] && ! "${pip[@]}" check >> "$WORK/$name.log" 2>&1; then
        status="pip check found conflicts (see $WORK/$name.log)"
    fi
    echo "${environment:-base} ($("${pip[@]}" --version | cut -d' ' -f1-2), $((SECONDS - started)) s): $status"
    [ "$status" = "ok" ] || failed=1
done
exit $failed
