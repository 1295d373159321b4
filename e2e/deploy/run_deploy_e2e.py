#!/usr/bin/env python3
"""End-to-end deployment suite on a CNN trained at test time on
Fashion-MNIST (e2e/common/fashion_mnist.py).

Flow: train (seconds) -> ONNX twice, batch 1 (calibration) and batch N
(evaluation; the tensor names are the same, checked) -> model_transform
(gray images, mean 127.5, scale 1/127.5) -> run_calibration (KLD) on 100
training images (PNG files) with the batch-1 model -> model_deploy of the
batch-N Top model for every chip x mode below -> model_runner on the N first
test images with each _tpu.mlir. Checks, against the top-1 of the Top f32
model (model_runner on the batch-N Top .mlir):
  - INT8 drops at most 1.0 point on bm1684x (sym and asym) and cv183x, 1.5
    on bm1684; F16/BF16 at most 0.2; F32 at most 0.05 (any drop is a bug);
  - model_deploy --test_input/--test_reference (batch-1 model, the
    model_transform sample and its _top_outputs.npz) passes for bm1684x INT8;
  - bad input exits 1 with "error:" and writes nothing: INT8 without a
    calibration table, bm1684 BF16, cv183x --asymmetric.
A torch.ao post-training quantization of the same model (FX mode, qnnpack,
the same 100 calibration images) is reported next to tpuc's INT8, not
asserted. Prints one line per check and exits 1 on the first failure; ends
with a markdown table (chip, mode, top-1, drop, cosine with the Top
logits, lowering time from model_deploy's stderr).
"""

import copy
import os
import re
import subprocess
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "common"))
import fashion_mnist  # noqa: E402
from harness import (  # noqa: E402
    check, cosine, Failure, parse_suite_args, run, single_output, top1)

SAMPLES = 100
NAME = "fmnist"
# chip, mode, extra model_deploy flags, largest top-1 drop in points.
CONFIGS = [
    ("bm1684x", "INT8", [], 1.0),
    ("bm1684x", "INT8", ["--asymmetric"], 1.0),
    ("bm1684x", "F16", [], 0.2),
    ("bm1684x", "BF16", [], 0.2),
    ("bm1684x", "F32", [], 0.05),
    ("bm1684", "INT8", [], 1.5),
    ("bm1684", "F32", [], 0.05),
    ("cv183x", "INT8", [], 1.0),
    ("cv183x", "BF16", [], 0.2),
]
LOWERED = re.compile(r"model_deploy: lowered in ([0-9.]+) s")


def table_names(path):
    """Tensor names of the int8 block of a calibration table."""
    names = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("#weight_scale"):
                break
            if line and not line.startswith("#"):
                names.append(line.split()[0])
    return names


def module_names(mlir):
    """Every name a location of the module carries."""
    with open(mlir) as f:
        return set(re.findall(r'loc\("([^"]*)"\)', f.read()))


def torch_ptq(model, calib, images, backend):
    """torch.ao FX post-training static quantization on the calibration
    images; returns the quantized model's logits on `images`."""
    import torch
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    torch.backends.quantized.engine = backend
    x = torch.from_numpy(fashion_mnist.normalize(calib))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prepared = prepare_fx(copy.deepcopy(model).eval(),
                              get_default_qconfig_mapping(backend), (x[:1],))
        with torch.no_grad():
            for start in range(0, len(x), 10):
                prepared(x[start:start + 10])
        quantized = convert_fx(prepared)
        with torch.no_grad():
            logits = quantized(torch.from_numpy(
                fashion_mnist.normalize(images)))
    return logits.numpy().astype(np.float64)


def expect_error(tool, args, workdir, what):
    """model_deploy with bad input: exit 1, 'error:' on stderr, no file."""
    out_dir = os.path.join(workdir, "bad_" + re.sub(r"\W+", "_", what))
    os.makedirs(out_dir, exist_ok=True)
    result = subprocess.run([tool] + args + [
        "--model", os.path.join(out_dir, f"{NAME}.bmodel")],
        capture_output=True, text=True)
    check(result.returncode == 1,
          f"{what}: model_deploy exited {result.returncode}, expected 1:\n"
          f"{result.stdout}{result.stderr}")
    check("error:" in result.stderr,
          f"{what}: no 'error:' on stderr:\n{result.stderr}")
    check(not os.listdir(out_dir),
          f"{what}: model_deploy wrote {os.listdir(out_dir)}")
    message = [l for l in result.stderr.splitlines() if "error:" in l][0]
    print(f"PASS {what}: exit 1, {message.strip()}")


def main():
    args, tools, threads, workdir = parse_suite_args(
        __doc__.split("\n")[0], count=1000, name="deploy")
    started = time.time()
    rows = []  # (chip, mode, top-1, drop, cosine, lowering seconds)
    try:
        import torch
        torch.set_num_threads(1)
        train_images, _ = fashion_mnist.load("train")
        test_images, test_labels = fashion_mnist.load("t10k")
        test_images = test_images[:args.count]
        test_labels = test_labels[:args.count]
        # One thread: two-thread training is several times slower when the
        # two cores are shared (OpenMP workers waiting on each other).
        model = fashion_mnist.train(threads=1)
        torch_f32 = fashion_mnist.torch_top1(model, test_images,
                                             test_labels) * 100.0
        onnx1 = os.path.join(workdir, f"{NAME}_b1.onnx")
        onnxn = os.path.join(workdir, f"{NAME}_b{args.count}.onnx")
        fashion_mnist.export_onnx(model, onnx1, batch=1)
        fashion_mnist.export_onnx(model, onnxn, batch=args.count)
        calib = train_images[-SAMPLES:]  # not among the training images
        data_dir = os.path.join(workdir, "cali")
        pngs = fashion_mnist.write_pngs(calib, data_dir)
        print(f"trained and exported in {time.time() - started:.1f}s, "
              f"torch f32 top-1 {torch_f32:.1f}% on {args.count} test images")

        # Two Top models with the same module name, in their own folders
        # (model_transform names the weights after --model_name).
        dirs = {b: os.path.join(workdir, f"b{b}") for b in (1, args.count)}
        mlirs = {b: os.path.join(d, f"{NAME}.mlir") for b, d in dirs.items()}
        preprocess = ["--pixel_format", "gray", "--mean", "127.5",
                      "--scale", str(1 / 127.5)]
        for b, onnx_path in ((1, onnx1), (args.count, onnxn)):
            os.makedirs(dirs[b], exist_ok=True)
            cmd = [tools["model_transform"], "--model_name", NAME,
                   "--model_def", onnx_path,
                   "--input_shapes", f"[[{b},1,28,28]]", "--mlir", mlirs[b]]
            cmd += preprocess
            if b == 1:
                cmd += ["--test_input", pngs[0],
                        "--tolerance", "0.9999,0.999"]
            run(cmd)
        table = os.path.join(workdir, f"{NAME}_cali_table")
        run([tools["run_calibration"], mlirs[1], "--dataset", data_dir,
             "--input_num", str(SAMPLES), "-o", table] + threads)
        names = table_names(table)
        check(names, f"{table} has no rows")
        missing = sorted(set(names) - module_names(mlirs[args.count]))
        check(not missing,
              f"calibration table names missing from the batch-{args.count} "
              f"module (the batch-1 and batch-{args.count} ONNX exports name "
              f"tensors differently): {missing[:5]}")
        print(f"PASS calibration table: {len(names)} rows, every name in "
              f"the batch-{args.count} module")

        test_npz = os.path.join(workdir, f"test_{args.count}.npz")
        np.savez(test_npz, image=fashion_mnist.normalize(test_images))
        top_out = os.path.join(workdir, "top_outputs.npz")
        t0 = time.time()
        run([tools["model_runner"], "--input", test_npz, "--model",
             mlirs[args.count], "--output", top_out] + threads)
        ref = single_output(top_out)
        check(ref.shape == (args.count, 10),
              f"Top output shape {ref.shape}, expected ({args.count}, 10)")
        ref_top1 = top1(ref, test_labels)
        check(abs(ref_top1 - torch_f32) <= 0.2,
              f"Top f32 top-1 {ref_top1:.1f}% differs from torch's "
              f"{torch_f32:.1f}%")
        rows.append(("top", "F32", ref_top1, 0.0, 1.0, None))
        print(f"PASS Top f32 top-1 {ref_top1:.1f}% (torch {torch_f32:.1f}%) "
              f"({time.time() - t0:.1f}s)")

        for chip, mode, extra, limit in CONFIGS:
            label = mode + (" asym" if "--asymmetric" in extra else
                            " sym" if mode == "INT8" else "")
            out_dir = os.path.join(workdir, "deploy")
            os.makedirs(out_dir, exist_ok=True)
            cmd = [tools["model_deploy"], "--mlir", mlirs[args.count],
                   "--quantize", mode, "--processor", chip] + extra
            if mode == "INT8":
                cmd += ["--calibration_table", table]
            cmd += ["--model", os.path.join(out_dir, f"{NAME}.bmodel")]
            t0 = time.time()
            result = run(cmd)
            found = LOWERED.search(result.stderr)
            check(found, f"{chip} {label}: no 'lowered in' line on stderr:\n"
                  f"{result.stderr}")
            seconds = float(found.group(1))
            prefix = f"{NAME}_{chip}_{mode.lower()}"
            if mode == "INT8":
                prefix += "_asym" if "--asymmetric" in extra else "_sym"
            tpu = os.path.join(out_dir, prefix + "_tpu.mlir")
            check(os.path.exists(tpu) and os.path.exists(
                os.path.join(out_dir, prefix + "_tpu_weights.npz")),
                f"{chip} {label}: model_deploy did not write {tpu} and its "
                f"weights")
            out = os.path.join(out_dir, prefix + "_outputs.npz")
            run([tools["model_runner"], "--input", test_npz, "--model", tpu,
                 "--output", out] + threads)
            logits = single_output(out)
            check(logits.shape == ref.shape,
                  f"{chip} {label}: output shape {logits.shape}, expected "
                  f"{ref.shape}")
            acc = top1(logits, test_labels)
            drop = ref_top1 - acc
            cos = cosine(logits, ref)
            rows.append((chip, label, acc, drop, cos, seconds))
            if mode == "F32":
                check(cos >= 0.99999,
                      f"{chip} F32: logits cosine {cos:.7f} with the Top "
                      f"model's; F32 must compute what Top computes")
            check(drop <= limit + 1e-9,
                  f"{chip} {label}: top-1 {acc:.1f}% drops {drop:.1f} points "
                  f"from the Top model's {ref_top1:.1f}% (limit {limit}); "
                  f"command: {' '.join(cmd)}")
            print(f"PASS {chip} {label}: top-1 {acc:.1f}% (drop {drop:+.1f}, "
                  f"limit {limit}), cosine {cos:.6f}, lowered in "
                  f"{seconds:.3f}s ({time.time() - t0:.1f}s with the run)")

        # Validation inside model_deploy: batch-1 model, one sample.
        val_dir = os.path.join(dirs[1], "deploy")
        os.makedirs(val_dir, exist_ok=True)
        result = run([tools["model_deploy"], "--mlir", mlirs[1],
                      "--quantize", "INT8", "--processor", "bm1684x",
                      "--calibration_table", table,
                      "--test_input", os.path.join(dirs[1],
                                                   f"{NAME}_in_f32.npz"),
                      "--test_reference",
                      os.path.join(dirs[1], f"{NAME}_top_outputs.npz"),
                      "--model", os.path.join(val_dir, f"{NAME}.bmodel")]
                     + threads)
        check("PASSED" in result.stdout,
              f"model_deploy --test_input printed no PASSED:\n"
              f"{result.stdout}{result.stderr}")
        line = [l for l in result.stdout.splitlines() if "min_similarity" in l]
        print(f"PASS model_deploy --test_input bm1684x INT8: exit 0, PASSED"
              f"{', ' + line[0].strip() if line else ''}")

        # Bad input.
        expect_error(tools["model_deploy"],
                     ["--mlir", mlirs[1], "--quantize", "INT8",
                      "--processor", "bm1684x"], workdir,
                     "INT8 without --calibration_table")
        expect_error(tools["model_deploy"],
                     ["--mlir", mlirs[1], "--quantize", "BF16",
                      "--processor", "bm1684"], workdir, "bm1684 BF16")
        expect_error(tools["model_deploy"],
                     ["--mlir", mlirs[1], "--quantize", "INT8",
                      "--processor", "cv183x", "--asymmetric",
                      "--calibration_table", table], workdir,
                     "cv183x --asymmetric")

        # torch.ao baseline, reported only.
        t0 = time.time()
        torch_int8 = top1(torch_ptq(model, calib, test_images, "qnnpack"),
                          test_labels)
        rows.append(("torch.ao", "INT8 qnnpack", torch_int8,
                     torch_f32 - torch_int8, None, None))
        tpuc_int8 = ", ".join(f"{r[0]} {r[1]} {r[2]:.1f}%" for r in rows
                              if r[1].startswith("INT8") and r[0] != "torch.ao")
        print(f"INFO torch.ao PTQ (FX, qnnpack, {SAMPLES} calibration "
              f"images): top-1 {torch_int8:.1f}% (torch f32 "
              f"{torch_f32:.1f}%) ({time.time() - t0:.1f}s); tpuc INT8: "
              f"{tpuc_int8}")
    except Failure as failure:
        print(f"FAIL {failure}")
        print(f"files kept in {workdir}")
        return 1

    print()
    print(f"Top-1 on the {args.count} first Fashion-MNIST test images; drop "
          f"in points from the Top f32 model (torch.ao: from torch f32); "
          f"cosine of the logits with the Top model's.")
    print()
    print("| chip | mode | top-1 (%) | drop (points) | cosine | lowering (s) |")
    print("|---|---|---|---|---|---|")
    for chip, mode, acc, drop, cos, seconds in rows:
        print(f"| {chip} | {mode} | {acc:.1f} | {drop:+.1f} | "
              f"{'-' if cos is None else f'{cos:.6f}'} | "
              f"{'-' if seconds is None else f'{seconds:.3f}'} |")
    print()
    print(f"deploy e2e: all checks passed in {time.time() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
