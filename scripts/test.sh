#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test suite through ctest
# (lit, gtest, and the end-to-end suites). Exits non-zero on any failure.
# Extra arguments go to ctest (e.g. -L lit, -R unit).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TPUC_BUILD_DIR:-$root/build}"

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure -j "${TPUC_JOBS:-$(nproc)}" "$@"
