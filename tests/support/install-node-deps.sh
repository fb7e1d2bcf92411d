#!/usr/bin/env bash
# Installs the pinned browser-side test tools (axe-core) into tests/support/node_modules.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ -f "$here/node_modules/axe-core/axe.min.js" ]]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "npm is required to install axe-core (apt-get install -y npm)" >&2
    exit 1
fi
npm ci --prefix "$here" --ignore-scripts --no-audit --no-fund
