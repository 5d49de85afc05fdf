#!/bin/bash
# A real Cinder (cinder-api, cinder-scheduler, cinder-volume) for the
# Cinder-client tests (tests/functional/volume/test_real_cinder.py,
# tools/cinder_serve.py): Cinder 29.0.0 and PyMySQL in a venv of their
# own, apart from Stratus's (Cinder pins its own oslo.*, SQLAlchemy ...).
# fixtures: Cinder's FakeLoggingVolumeDriver (cinder.tests) imports it.
#
#     bash tools/install-cinder.sh             # into /opt/stratus-cinder
#     STRATUS_CINDER_VENV=DIR bash tools/install-cinder.sh
#
# The tests start it themselves on a fresh MariaDB database; nothing is
# left running.
set -euo pipefail
VENV=${STRATUS_CINDER_VENV:-/opt/stratus-cinder}
CINDER_VERSION=${CINDER_VERSION:-29.0.0}
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q "cinder==$CINDER_VERSION" PyMySQL fixtures
"$VENV/bin/python" -c "import cinder.wsgi.wsgi" && echo "Cinder $CINDER_VERSION in $VENV"
