"""What the end-to-end suites share: the failure type, checks, running a
tool, and the measures they report (cosine, top-1, the single output of a
model_runner run)."""

import argparse
import os
import subprocess
import tempfile

import numpy as np

# model_transform's preprocessing of the gray Fashion-MNIST images: the
# model input is (x - 127.5) / 127.5, as fashion_mnist.normalize computes.
PREPROCESS = ["--pixel_format", "gray", "--mean", "127.5",
              "--scale", str(1 / 127.5)]


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def run(cmd, **kwargs):
    """Runs a tool; its failure (with its output) is a Failure."""
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise Failure(f"{' '.join(cmd)} exited {result.returncode}:\n"
                      f"{result.stdout}{result.stderr}")
    return result


def cosine(a, b):
    """Cosine similarity in f64 (1 when both are zero, 0 when one is)."""
    a = np.asarray(a, np.float64).ravel()
    b = np.asarray(b, np.float64).ravel()
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 and nb == 0:
        return 1.0
    if na == 0 or nb == 0:
        return 0.0
    return float(a @ b / (na * nb))


def top1(logits, labels):
    """Top-1 accuracy in percent."""
    return float((np.asarray(logits).argmax(1) == labels).mean()) * 100.0


def single_output(path):
    """The one array model_runner wrote (the function result), as f64."""
    with np.load(path) as data:
        check(len(data.files) == 1,
              f"{path}: expected one output array, found {data.files}")
        return data[data.files[0]].astype(np.float64)


def parse_suite_args(description, count, name):
    """The command line of a deploy suite (--build, --workdir, --count,
    --threads). Returns (args, tools: name -> path of the tpuc tools,
    threads: the tools' --threads flag, workdir: made when not given)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--build", required=True, help="tpuc build directory")
    ap.add_argument("--workdir", default="",
                    help="keep the files here (default: a temp dir)")
    ap.add_argument("--count", type=int, default=count,
                    help="test images evaluated (batch of the eval model)")
    ap.add_argument("--threads", type=int, default=2,
                    help="threads of the tpuc tools")
    args = ap.parse_args()
    tools = {t: os.path.join(args.build, "bin", t)
             for t in ("model_transform", "run_calibration", "model_deploy",
                       "model_runner")}
    threads = ["--threads", str(args.threads)]
    workdir = args.workdir or tempfile.mkdtemp(prefix=f"tpuc_{name}_e2e_")
    os.makedirs(workdir, exist_ok=True)
    return args, tools, threads, workdir
