#!/usr/bin/env bash
# Install Stratus into ./.venv and start the all-in-one cloud.
# Any arguments go to `stratus all-in-one`, e.g. --data-dir DIR or
# --config-file my.conf (to move ports: [DEFAULT] osapi_compute_listen_port,
# [serial_console] serialproxy_port, [vnc] novncproxy_port ...).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
exec .venv/bin/stratus all-in-one "$@"
