#!/usr/bin/env bash
# The main job of tpuc on a bundled default model: installs what is missing,
# builds, and runs the Top pipeline (shape inference + canonicalization)
# over docs/examples/mini_cnn.mlir, printing the result.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TPUC_BUILD_DIR:-$root/build}"

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" tpuc-opt

model="$root/docs/examples/mini_cnn.mlir"
echo "== tpuc-opt --tpuc-top-pipeline --mlir-print-debuginfo --mlir-print-local-scope $model" >&2
"$build/bin/tpuc-opt" --tpuc-top-pipeline --mlir-print-debuginfo --mlir-print-local-scope "$model"
