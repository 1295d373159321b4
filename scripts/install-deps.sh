#!/usr/bin/env bash
# Installs every build, test and demo dependency of tpuc from Debian packages
# (and onnxruntime-node from npm into a project-local folder).
# Idempotent: installs only what is missing; runs `apt-get update` at most once.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  # toolchain
  cmake ninja-build ccache g++ git pkg-config
  # LLVM / MLIR 19
  llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools
  # kernels
  libdnnl-dev ocl-icd-opencl-dev
  # ONNX import
  libonnx-dev python3-onnx libprotobuf-dev protobuf-compiler
  # bmodel
  libflatbuffers-dev flatbuffers-compiler
  # tests and weights
  libgtest-dev libzip-dev zlib1g-dev python3-numpy
  # test material and test-time model generation
  libonnx-testdata python3-torch python3-torchvision dataset-fashion-mnist
  # image preprocessing (OpenCV decode/resize) and its test references
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev python3-opencv python3-pil python3-skimage
  # reference runtime (onnxruntime-node)
  nodejs npm
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # nodejs may come from another repository already set up on the machine;
  # only ask apt for it when no node is present at all.
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    filtered=()
    for p in "${missing[@]}"; do
      case "$p" in nodejs|npm) ;; *) filtered+=("$p") ;; esac
    done
    missing=("${filtered[@]}")
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
    $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# onnxruntime-node (CPU library inside the package) into third_party/node,
# pinned; ONNXRUNTIME_NODE_INSTALL=skip avoids its GPU download.
ort_version=1.30.0
ort_dir="$root/third_party/node"
if [ ! -f "$ort_dir/node_modules/onnxruntime-node/package.json" ] ||
   ! grep -q "\"version\": \"$ort_version\"" "$ort_dir/node_modules/onnxruntime-node/package.json"; then
  echo "install-deps: installing onnxruntime-node@$ort_version into $ort_dir"
  mkdir -p "$ort_dir"
  (cd "$ort_dir" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --silent \
     --prefix "$ort_dir" "onnxruntime-node@$ort_version" >/dev/null)
fi
