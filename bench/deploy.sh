#!/bin/sh
# Lowering time of model_deploy (INT8 with a calibration table, and F16)
# and batch-1 latency of the lowered INT8 / F16 modules next to the Top f32
# module, on resnet18 and mobilenet_v2 (224x224); rewrites the deploy
# section of docs/benchmarks.md. Not a test. About 4 minutes on an idle
# 2-core machine.
#
#   bench/deploy.sh [--build DIR] [--models a,b] [--samples N]
#                   [--deploy_runs N] [--threads 2,1] [--warmup N] [--iters N]
#                   [--rounds N] [--profile N] [--loops_iters N]
#                   [--e2e_runs N] [--workdir DIR] [--report FILE]
#
# Needs a built tree (model_transform, run_calibration, model_deploy,
# model_runner, compile_commands.json) and /usr/bin/python3 with torch and
# torchvision. See bench/deploy.py for exactly what is timed.
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/deploy.py" --command "bench/deploy.sh $*" "$@"
