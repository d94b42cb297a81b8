#!/usr/bin/env bash
# Runs LightGBM's own Python tests (test_engine, test_sklearn, test_basic,
# test_callback) against ironlearn.boost through a re-export shim package named
# `lightgbm`, and prints the counts per file and the failures grouped by cause.
#
#   scripts/lightgbm-compat.sh PATH/TO/LightGBM/tests/python_package_test [--keep DIR] [--files a.py,b.py] [-- pytest args]
#
# Get the tests (and examples/, which a few read) from LightGBM's repository
# (github.com/lightgbm-org/LightGBM, tag v4.7.0), e.g.
#   git --git-dir=LightGBM.git archive v4.7.0 tests/python_package_test examples | tar -x -C /tmp/lgb
# test_engine imports psutil: `.venv/bin/python -m pip install psutil` first.
# Python is $PYTHON, else the repository's .venv, else python3.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 1 ]]; then
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
py="${PYTHON:-}"
if [[ -z "$py" ]]; then
    if [[ -x "$root/.venv/bin/python" ]]; then py="$root/.venv/bin/python"; else py=python3; fi
fi
exec "$py" "$root/scripts/lightgbm_compat.py" "$@"
