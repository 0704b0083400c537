#!/usr/bin/env bash
# The tests need the machine's PostgreSQL (127.0.0.1:5432, trust auth, database `test`).
# It is started before sessions on these machines; start it if it stopped.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done
echo "PostgreSQL is not reachable at 127.0.0.1:5432; the storage tests need it" >&2
exit 1
