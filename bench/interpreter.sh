#!/bin/sh
# Batch-1 latency and peak RSS of tpuc's Top interpreter against PyTorch
# eager and onnxruntime-node (resnet18, mobilenet_v2 at 224x224, 2 threads);
# rewrites docs/benchmarks.md. Not a test.
#
#   bench/interpreter.sh [--build DIR] [--threads N] [--iters N] [--rounds N]
#                        [--models a,b] [--workdir DIR] [--report FILE]
#
# Needs a built tree (model_transform, model_runner, compile_commands.json),
# /usr/bin/python3 with torch and torchvision, node and
# third_party/node/node_modules/onnxruntime-node. See bench/interpreter.py
# for exactly what is timed.
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/interpreter.py" --command "bench/interpreter.sh $*" "$@"
