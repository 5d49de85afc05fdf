#!/usr/bin/env bash
# Install Stratus with its test dependencies into ./.venv and run the tests.
# Needs PostgreSQL, MariaDB and RabbitMQ on loopback (see .ci/run, which
# starts them). Arguments go to pytest, e.g. `tools/test.sh -m "not slow"`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh test
# Real guests (tests marked `libvirt`): QEMU, libvirt and friends. Fast
# when already installed; where it cannot install (not root, no Debian
# packages), those tests skip with the reason.
bash tools/install-virt.sh || echo "install-virt failed: the libvirt tests will skip" >&2
# A real neutron-server (Neutron 29 in a venv of its own, about 45 s the
# first time) for tests/functional/network/test_real_neutron.py, which
# skips with the reason without it.
bash tools/install-neutron.sh || echo "install-neutron failed: the real Neutron tests will skip" >&2
# A real Cinder (Cinder 29 in a venv of its own) for
# tests/functional/volume/test_real_cinder.py, which skips with the reason
# without it.
bash tools/install-cinder.sh || echo "install-cinder failed: the real Cinder tests will skip" >&2
# Horizon (in a venv of its own) and Debian's Chromium for
# tests/browser/test_horizon.py, which skips with the reason without them.
bash tools/install-horizon.sh || echo "install-horizon failed: the browser test will skip" >&2
# Lint first: the configuration is [tool.ruff] in pyproject.toml.
.venv/bin/ruff check stratus tests bench tools
set +e
# Three workers on two cores: many tests wait on databases, the broker
# and guests rather than on the CPU. Tests marked xdist_group share one
# worker (the outage scenarios run one after another, not side by side).
# --durations=40: every run prints its slowest tests (docs/testing.md,
# "Keeping the suite fast").
.venv/bin/python -m pytest -n 3 --dist loadgroup -p no:cacheprovider \
    --durations=40 "$@"
status=$?
set -e
# pytest exits 5 when nothing was collected: that is a failure here too.
exit $status
