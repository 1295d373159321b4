#!/bin/sh
# Batch-1 latency and peak RSS of tpuc's Top interpreter against PyTorch
# eager and onnxruntime-node (resnet18, mobilenet_v2 at 224x224; 2 threads,
# then 1); rewrites docs/benchmarks.md, keeping its hand-written analysis.
# Not a test. Takes about 3 minutes on an idle 2-core machine; run it when
# nothing else is (the report records the load average).
#
#   bench/interpreter.sh [--build DIR] [--threads 2,1] [--iters N]
#                        [--rounds N] [--warmup N] [--e2e_runs N]
#                        [--models a,b] [--workdir DIR] [--report FILE]
#
# Needs a built tree (model_transform, model_runner, compile_commands.json),
# /usr/bin/python3 with torch and torchvision, node and
# third_party/node/node_modules/onnxruntime-node. See bench/interpreter.py
# for exactly what is timed.
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/interpreter.py" --command "bench/interpreter.sh $*" "$@"
