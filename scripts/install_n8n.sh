#!/usr/bin/env bash
# Installs the pinned n8n (scripts/n8n-runtime/package-lock.json) into the tools cache and prints
# the path of its `n8n` binary on stdout (progress goes to stderr).
#
# - Node 24 comes first on PATH (n8n 2.x needs >= 24; scripts/ensure_node24.sh provides it).
# - `npm ci --ignore-scripts`: a Kafka native module's install script cannot build offline; the
#   only native module n8n needs here is sqlite3, rebuilt explicitly afterwards.
# - The install folder is keyed by the lockfile's hash, so a warm run does nothing and a changed
#   pin installs side by side. A cold install takes about 6 minutes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
runtime_dir="$here/n8n-runtime"
tools_dir="${BELEGFLUSS_TOOLS_DIR:-$HOME/.cache/belegfluss-tools}"

node_bin="$("$here/ensure_node24.sh")"
export PATH="$node_bin:$PATH"

lock_hash="$(cat "$runtime_dir/package.json" "$runtime_dir/package-lock.json" | sha256sum | cut -c1-16)"
install_dir="$tools_dir/n8n-$lock_hash"
n8n_bin="$install_dir/node_modules/.bin/n8n"
ready_marker="$install_dir/.installed"

if [ ! -f "$ready_marker" ]; then
  echo "Installing n8n into $install_dir (cold install, about 6 minutes)..." >&2
  # Build in a scratch folder and rename at the end, so an interrupted install never looks ready.
  mkdir -p "$tools_dir"
  scratch="$(mktemp -d "$tools_dir/n8n-install.XXXXXX")"
  trap 'rm -rf "$scratch"' EXIT
  cp "$runtime_dir/package.json" "$runtime_dir/package-lock.json" "$scratch/"
  (
    cd "$scratch"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
    npm rebuild sqlite3 --loglevel=error >&2
  )
  rm -rf "$install_dir"
  mv "$scratch" "$install_dir"
  trap - EXIT
  touch "$ready_marker"
fi

# n8n's bin is a node script: make sure the Node 24 we chose runs it, then report where it is.
"$node_bin/node" "$n8n_bin" --version >/dev/null
echo "$n8n_bin"
