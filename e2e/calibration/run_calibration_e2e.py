#!/usr/bin/env python3
"""End-to-end calibration suite on a CNN trained at test time on
Fashion-MNIST (e2e/common/fashion_mnist.py).

Flow: train (seconds) -> ONNX -> model_transform (gray images, mean 127.5,
scale 1/127.5) -> run_calibration on 100 training images (PNG files) with
each method. For every table it checks, against statistics computed
independently here (model_runner on each sample, numpy):
  - every tensor of the Top module has a row, in [1e-5, abs-max];
  - the min/max columns are the tensors' true range (KLD, max, MSE, ACIQ)
    or lie inside it (percentile);
  - max gives threshold = abs-max, and the network input takes abs-max;
  - KLD clips some tensors well below abs-max, writes the untuned table as
    <table>.1, and is byte-identical with --threads 1 and --threads 2;
  - --chip cv183x writes symmetric ranges;
  - --we writes a new model + weights whose outputs equal the original's,
    and leaves the original files untouched.
Prints one line per check and exits 1 on the first failure.
"""

import argparse
import hashlib
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "common"))
import fashion_mnist  # noqa: E402
from harness import check, Failure, run  # noqa: E402

SAMPLES = 100
METHODS = ["use_kl", "use_mse", "use_max", "use_percentile9999",
           "use_aciq_gauss", "use_aciq_laplace"]


def read_table(path):
    """{name: (threshold, min, max)} of the int8 block, and the header."""
    rows, header = {}, []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            if line.startswith("#"):
                if line.startswith("#weight_scale"):
                    break
                header.append(line)
                continue
            name, th, lo, hi = line.split()
            rows[name] = (float(th), float(lo), float(hi))
    return rows, header


def true_ranges(build, mlir, sample_npzs, workdir):
    """Per tensor (min, max) over the samples, from model_runner dumps."""
    ranges = {}
    for i, npz in enumerate(sample_npzs):
        out = os.path.join(workdir, f"dump{i}.npz")
        run([os.path.join(build, "bin", "model_runner"), "--input", npz,
             "--model", mlir, "--output", out, "--dump_all_tensors",
             "--threads", "2"])
        with np.load(out) as data:
            for name in data.files:
                a = data[name]
                lo, hi = float(a.min()), float(a.max())
                if name in ranges:
                    lo = min(lo, ranges[name][0])
                    hi = max(hi, ranges[name][1])
                ranges[name] = (lo, hi)
        os.remove(out)
    return ranges


def close(a, b, rel=2e-6, abs_=2e-7):
    # Tables print 7 decimals.
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_) + 1e-7


def check_table(path, method, ranges, input_name):
    rows, header = read_table(path)
    missing = sorted(set(ranges) - set(rows))
    check(not missing, f"{method}: tensors missing from the table: "
          f"{missing[:5]}")
    extra = sorted(set(rows) - set(ranges))
    check(not extra, f"{method}: rows for unknown tensors: {extra[:5]}")
    check(any(h.startswith("# quantization threshold calculation method: ")
              for h in header), f"{method}: header has no method line")
    clipped = 0
    for name, (lo, hi) in ranges.items():
        th, tmin, tmax = rows[name]
        absmax = max(abs(lo), abs(hi))
        check(th >= 1e-5 - 1e-12, f"{method}: {name} threshold {th} < 1e-5")
        if absmax > 0:
            check(th <= absmax * (1 + 2e-6) + 1e-7,
                  f"{method}: {name} threshold {th} > abs-max {absmax}")
        if method == "use_percentile9999":
            check(tmin >= lo - 1e-6 and tmax <= hi + 1e-6,
                  f"{method}: {name} range [{tmin}, {tmax}] outside the "
                  f"true range [{lo}, {hi}]")
        else:
            check(close(tmin, lo) and close(tmax, hi),
                  f"{method}: {name} range [{tmin}, {tmax}] != true range "
                  f"[{lo}, {hi}]")
        if method == "use_max" or name == input_name:
            check(close(th, absmax),
                  f"{method}: {name} threshold {th} != abs-max {absmax}")
        if absmax > 0 and th < 0.95 * absmax:
            clipped += 1
    return rows, clipped


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True, help="tpuc build directory")
    ap.add_argument("--workdir", default="",
                    help="keep the files here (default: a temp dir)")
    args = ap.parse_args()
    tools = {t: os.path.join(args.build, "bin", t)
             for t in ("model_transform", "run_calibration", "model_runner")}
    workdir = args.workdir or tempfile.mkdtemp(prefix="tpuc_cali_e2e_")
    os.makedirs(workdir, exist_ok=True)
    started = time.time()
    try:
        images, _ = fashion_mnist.load("train")
        model = fashion_mnist.train()
        onnx_path = os.path.join(workdir, "fmnist.onnx")
        fashion_mnist.export_onnx(model, onnx_path)
        data_dir = os.path.join(workdir, "cali")
        calib = images[-SAMPLES:]  # not among the training images
        pngs = fashion_mnist.write_pngs(calib, data_dir)
        print(f"trained and exported in {time.time() - started:.1f}s")

        mlir = os.path.join(workdir, "fmnist.mlir")
        run([tools["model_transform"], "--model_name", "fmnist",
             "--model_def", onnx_path, "--input_shapes", "[[1,1,28,28]]",
             "--pixel_format", "gray", "--mean", "127.5",
             "--scale", str(1 / 127.5), "--mlir", mlir,
             "--test_input", pngs[0], "--tolerance", "0.9999,0.999"])
        weights = os.path.join(workdir, "fmnist_top_f32_all_weight.npz")
        original = {p: sha(p) for p in (mlir, weights)}

        # Independent statistics: the samples preprocessed by numpy.
        normalized = fashion_mnist.normalize(calib)
        npzs = []
        for i in range(SAMPLES):
            path = os.path.join(workdir, f"sample{i}.npz")
            np.savez(path, image=normalized[i:i + 1])
            npzs.append(path)
        ranges = true_ranges(args.build, mlir, npzs, workdir)
        input_name = "image"
        check(input_name in ranges, "the model input is not named 'image'")
        print(f"{len(ranges)} tensors, ranges over {SAMPLES} samples")

        for method in METHODS:
            table = os.path.join(workdir, f"fmnist_cali_table_{method}")
            t0 = time.time()
            run([tools["run_calibration"], mlir, "--dataset", data_dir,
                 "--input_num", str(SAMPLES), "--cali_method", method,
                 "-o", table, "--threads", "2"])
            rows, clipped = check_table(table, method, ranges, input_name)
            print(f"PASS {method}: {len(rows)} rows, {clipped} thresholds "
                  f"clipped below 0.95 abs-max ({time.time() - t0:.1f}s)")
            if method == "use_kl":
                check(clipped > 0, "KLD clipped no tensor below 0.95 abs-max")
                check(os.path.exists(table + ".1"),
                      "KLD with tune wrote no untuned table <table>.1")
                check_table(table + ".1", "use_kl (untuned)", ranges,
                            input_name)
                kl_table = table

        # Determinism across thread counts.
        one = os.path.join(workdir, "kl_threads1")
        run([tools["run_calibration"], mlir, "--dataset", data_dir,
             "--input_num", str(SAMPLES), "-o", one, "--threads", "1"])
        check(sha(one) == sha(kl_table),
              "KLD tables differ between --threads 1 and --threads 2")
        print("PASS KLD table byte-identical with --threads 1 and 2")

        # CV18xx: symmetric ranges.
        cv = os.path.join(workdir, "cv183x_table")
        run([tools["run_calibration"], mlir, "--dataset", data_dir,
             "--input_num", "20", "--chip", "cv183x", "--tune_num", "0",
             "-o", cv])
        rows, _ = read_table(cv)
        check(all(lo == -th and hi == th for th, lo, hi in rows.values()),
              "cv183x table is not symmetric (min = -th, max = th)")
        print("PASS cv183x table symmetric")

        # Weight equalization.
        out_dir = os.path.join(workdir, "we")
        os.makedirs(out_dir, exist_ok=True)
        we_table = os.path.join(out_dir, "fmnist_we_cali_table")
        result = run([tools["run_calibration"], mlir, "--dataset", data_dir,
                      "--input_num", "20", "--we", "--tune_num", "0",
                      "-o", we_table])
        we_mlir = os.path.join(out_dir, "fmnist_we.mlir")
        we_weights = os.path.join(out_dir, "fmnist_we_top_f32_all_weight.npz")
        check(os.path.exists(we_mlir) and os.path.exists(we_weights),
              f"--we did not write {we_mlir} and {we_weights}")
        check(all(sha(p) == h for p, h in original.items()),
              "--we modified the input model or its weights")
        with np.load(weights) as a, np.load(we_weights) as b:
            changed = [n for n in a.files if not np.array_equal(a[n], b[n])]
        check(changed, "--we changed no weight")
        outs = []
        for m in (mlir, we_mlir):
            out = os.path.join(workdir, os.path.basename(m) + "_out.npz")
            run([tools["model_runner"], "--input", npzs[0], "--model", m,
                 "--output", out])
            with np.load(out) as data:
                outs.append(data["logits"].astype(np.float64))
        diff = float(np.abs(outs[0] - outs[1]).max())
        scale = float(np.abs(outs[0]).max())
        check(diff <= 1e-4 * max(scale, 1.0),
              f"--we changed the network output by {diff}")
        rows, _ = read_table(we_table)
        check(set(rows) == set(ranges), "--we table misses tensors")
        print(f"PASS --we: {len(changed)} weights changed, output max diff "
              f"{diff:.2e}; {result.stderr.strip().splitlines()[0]}")
    except Failure as failure:
        print(f"FAIL {failure}")
        print(f"files kept in {workdir}")
        return 1
    print(f"calibration e2e: all checks passed in "
          f"{time.time() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
