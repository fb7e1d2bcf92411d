#!/usr/bin/env bash
# Installs the pinned test tools (axe-core, ical.js) into tests/support/node_modules.
# Runs `npm ci` when node_modules is missing or package-lock.json changed since the last install.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stamp="$here/node_modules/.package-lock.sha256"
wanted="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"

if [[ -f "$here/node_modules/axe-core/axe.min.js" && -f "$here/node_modules/ical.js/package.json" \
      && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "npm is required to install the test tools (apt-get install -y npm)" >&2
    exit 1
fi
npm ci --prefix "$here" --ignore-scripts --no-audit --no-fund
echo "$wanted" > "$stamp"
