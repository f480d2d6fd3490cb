# Shared by scripts/main and scripts/test: create .venv once and install the project into it.
# Sourced, not executed, with the extra to install as $1 ("" for the package alone, "dev").
# Set RS_STAC_PYTHON to choose the interpreter (default: python3).
#
# `pip install -e` runs only when needed: .venv/.rs-stac-installed holds one line per extra
# installed ("<sha256 of pyproject.toml> <extra>"), so a later run with the same pyproject.toml
# starts at once. Every extra includes the package, so any line for this pyproject.toml
# serves the package alone. Set RS_STAC_REINSTALL=1 to install again anyway.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${RS_STAC_VENV:-$ROOT/.venv}"
PYTHON="${RS_STAC_PYTHON:-python3}"
EXTRA="${1:-}"
STAMP="$VENV/.rs-stac-installed"
if [ ! -x "$VENV/bin/python" ]; then
    echo "creating virtual environment in $VENV" >&2
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    rm -f "$STAMP"
fi
PYPROJECT_HASH="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
if [ -z "$EXTRA" ]; then
    WANTED="^$PYPROJECT_HASH "
else
    WANTED="^$PYPROJECT_HASH $EXTRA\$"
fi
if [ "${RS_STAC_REINSTALL:-0}" != 1 ] && [ -x "$VENV/bin/rs-stac" ] && [ -f "$STAMP" ] \
    && grep -q "$WANTED" "$STAMP"; then
    : # installed from this pyproject.toml already
else
    SPEC="$ROOT${EXTRA:+[$EXTRA]}"
    echo "installing rs-stac-ext${EXTRA:+[$EXTRA]} into $VENV" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$SPEC"
    # Lines of an older pyproject.toml no longer say anything: keep only this one's.
    { grep "^$PYPROJECT_HASH " "$STAMP" 2>/dev/null || true; echo "$PYPROJECT_HASH $EXTRA"; } \
        > "$STAMP.new"
    mv "$STAMP.new" "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
