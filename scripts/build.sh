#!/usr/bin/env bash
# Configures (once) and builds tpuc into build/ (or $TPUC_BUILD_DIR).
# Incremental: re-running rebuilds only what changed; uses ccache when
# present. Extra arguments are ninja targets (default: everything).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TPUC_BUILD_DIR:-$root/build}"
jobs="${TPUC_JOBS:-$(nproc)}"

launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$root"
  export CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}"
fi
ninja -C "$build" -j "$jobs" "$@"
