#!/bin/sh
# Calibration speed and peak RSS (run_calibration vs plain inference of the
# same 100 samples) on resnet18 and mobilenet_v2; rewrites the calibration
# section of docs/benchmarks.md. Not a test. About 5 minutes on an idle
# 2-core machine.
#
#   bench/calibration.sh [--build DIR] [--models a,b] [--samples N]
#                        [--runs N] [--threads N] [--workdir DIR]
#
# Needs a built tree and /usr/bin/python3 with torch, torchvision,
# scikit-image and PIL. See bench/calibration.py for what is timed.
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/calibration.py" --command "bench/calibration.sh $*" "$@"
