#!/usr/bin/env bash
# Runs every test of ironlearn: formatting and lints, the Rust tests (nextest
# and doctests), then builds the Python extension into .venv and runs pytest.
# It installs what it needs itself (a virtual environment with the pinned
# packages of python/requirements-test.txt, and cargo-nextest if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

step() { printf '\n== %s ==\n' "$*"; }

step "python environment"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r python/requirements-test.txt
export PYO3_PYTHON="$PWD/.venv/bin/python"

if ! cargo nextest --version >/dev/null 2>&1; then
  step "installing cargo-nextest"
  cargo install --locked cargo-nextest
fi

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

step "rust tests"
cargo nextest run --no-fail-fast
cargo test --doc --quiet

step "python extension"
VIRTUAL_ENV="$PWD/.venv" .venv/bin/maturin develop --quiet

step "python tests"
.venv/bin/python -m pytest -q -p no:cacheprovider python/tests
