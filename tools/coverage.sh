#!/usr/bin/env bash
# Run the tests with line and branch coverage of stratus/ and report it:
# a terminal table of the files not fully covered, coverage.json (the
# machine-readable report, git-ignored) and the figures per package
# (tools/coverage_summary.py). Arguments go to pytest, as for
# tools/test.sh, e.g.
#   tools/coverage.sh                                   # the whole suite
#   STRATUS_TEST_DB=sqlite tools/coverage.sh -m "not slow"
# Not part of tools/test.sh: tracing costs about half again the tests' CPU
# time (docs/testing.md, "Coverage"), too much for CI's time limit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh test
set +e
.venv/bin/python -m pytest -n 3 -p no:cacheprovider \
    --cov=stratus --cov-branch --cov-report=term:skip-covered \
    --cov-report=json:coverage.json "$@"
status=$?
set -e
if [ -f coverage.json ]; then
    .venv/bin/python tools/coverage_summary.py coverage.json
fi
exit $status
