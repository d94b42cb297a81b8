#!/usr/bin/env bash
# Runs every test of ironlearn: formatting and lints, the Rust tests (nextest
# and doctests), then builds the Python extension into .venv and runs pytest.
# It installs what it needs itself (a virtual environment with the pinned
# packages of python/requirements-test.txt, and cargo-nextest if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

step() { printf '\n== %s (at %d s) ==\n' "$*" "$SECONDS"; }

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
# One build for the tests and the Python extension: cargo unifies dependency
# features over the packages of one invocation, so building the extension on
# its own (as `maturin develop` does) would compile most dependencies again.
cargo build --workspace --all-targets
cargo nextest run --workspace --no-fail-fast
cargo test --doc --workspace --quiet

step "python extension"
# Installed in place as `maturin develop` installs it: the module beside the
# Python sources, and the sources on the environment's path.
cp target/debug/lib_native.so python/ironlearn/_native.abi3.so
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$PWD/python" > "$site/ironlearn.pth"

step "python tests"
.venv/bin/python -m pytest -q -p no:cacheprovider python/tests
step "done"
