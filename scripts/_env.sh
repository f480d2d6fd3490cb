# Shared by scripts/main and scripts/test: create .venv once and install the project into it.
# Sourced, not executed. Set RS_STAC_PYTHON to choose the interpreter (default: python3).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${RS_STAC_VENV:-$ROOT/.venv}"
PYTHON="${RS_STAC_PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    echo "creating virtual environment in $VENV" >&2
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
echo "installing rs-stac-ext[$1] into $VENV" >&2
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[$1]"
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
