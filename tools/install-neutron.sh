#!/bin/bash
# A real neutron-server for the Neutron-client tests
# (tests/functional/network/test_real_neutron.py, tools/neutron_serve.py):
# Neutron 29.0.0 and PyMySQL in a venv of their own, apart from Stratus's
# (Neutron pins its own oslo.*, SQLAlchemy, ...). About a minute.
#
#     bash tools/install-neutron.sh            # into /opt/stratus-neutron
#     STRATUS_NEUTRON_VENV=DIR bash tools/install-neutron.sh
#
# The tests start it themselves on a fresh MariaDB database
# (neutron_test); nothing is left running.
set -euo pipefail
VENV=${STRATUS_NEUTRON_VENV:-/opt/stratus-neutron}
NEUTRON_VERSION=${NEUTRON_VERSION:-29.0.0}
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q "neutron==$NEUTRON_VERSION" PyMySQL
"$VENV/bin/python" -c "import neutron.wsgi" && echo "Neutron $NEUTRON_VERSION in $VENV"
