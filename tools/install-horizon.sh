#!/bin/bash
# The OpenStack dashboard for `stratus all-in-one --dashboard` and the
# browser test (tests/browser/test_horizon.py, docs/dashboard.md):
#  - Horizon 27.0.0 and waitress (the small threaded WSGI server the
#    all-in-one runs it with) in a venv of their own, apart from Stratus's
#    (Horizon pins its own Django, oslo.*, ...), with Horizon's static
#    files collected and compressed once, here, into $VENV/static;
#  - Debian's chromium and chromium-driver (apt-get, as root) for the
#    browser test, which drives them with selenium from the test extras
#    (docs/decisions/0014-horizon-browser-test.md).
# Idempotent: when all is in place it only checks (about a second).
#
#     bash tools/install-horizon.sh            # into /opt/stratus-horizon
#     STRATUS_HORIZON_VENV=DIR bash tools/install-horizon.sh
#     bash tools/install-horizon.sh --no-browser   # Horizon only, no apt
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${STRATUS_HORIZON_VENV:-/opt/stratus-horizon}
HORIZON_VERSION=${HORIZON_VERSION:-27.0.0}
WAITRESS='waitress>=3,<4'
# novnc: the console page in the dashboard (the all-in-one's noVNC proxy
# serves its web files, as tools/install-virt.sh installs them too).
PACKAGES=(chromium chromium-driver novnc)

log() { echo "install-horizon: $*" >&2; }

# shellcheck source=tools/debian_packages.sh
source tools/debian_packages.sh  # (the working directory is the root)

horizon_ready() {
    [ -x "$VENV/bin/python" ] && [ -f "$VENV/static/.stratus-$HORIZON_VERSION" ] \
        && "$VENV/bin/python" -c "import waitress, openstack_dashboard" 2>/dev/null
}

if [ "${1:-}" != "--no-browser" ]; then
    mapfile -t missing < <(missing_packages)
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" != 0 ]; then
            log "must run as root to apt-get install ${missing[*]}"
            exit 1
        fi
        log "apt-get update"
        apt-get update -qq >/dev/null
        log "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
fi

if ! horizon_ready; then
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    log "pip install horizon==$HORIZON_VERSION (about a minute the first time)"
    # (pip's notes on this machine's extra local indexes are noise here)
    "$VENV/bin/pip" install -q "horizon==$HORIZON_VERSION" "$WAITRESS" \
        2> >(grep -v "is ignored: it is neither" >&2)
    # collectstatic and compress read the settings the all-in-one writes
    # (stratus/dashboard.py imports only the standard library: Horizon's
    # Python runs it as a plain script); throwaway ones here.
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    "$VENV/bin/python" -I stratus/dashboard.py settings "$tmp" \
        --static-root "$VENV/static" --identity-url http://127.0.0.1:5000/v3 >/dev/null
    log "collectstatic and compress into $VENV/static"
    for command in "collectstatic --noinput" "compress --force"; do
        (cd "$tmp" && PYTHONPATH="$tmp" DJANGO_SETTINGS_MODULE=openstack_dashboard.settings \
            "$VENV/bin/python" -m django $command -v 0)
    done
    touch "$VENV/static/.stratus-$HORIZON_VERSION"
fi
horizon_ready && echo "Horizon $HORIZON_VERSION in $VENV"
