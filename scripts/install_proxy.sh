#!/usr/bin/env bash
# Installs HAProxy from Debian's packages if it is missing and prints the path of its binary.
# The queue-mode e2e stack (scripts/queue_stack.py) puts it in front of the two sidecar replicas,
# as nginx is in docker-compose.yml; HAProxy here because it reads the replicas' free ports
# from the environment, so its config file needs no rendering.
set -euo pipefail

if ! command -v haproxy >/dev/null 2>&1; then
  echo "Installing haproxy (Debian package)..." >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get install -y haproxy >&2 || { $sudo apt-get update >&2 && $sudo apt-get install -y haproxy >&2; }
fi
command -v haproxy
