#!/usr/bin/env python3
"""Mixed precision end to end: the two most error-prone layers of the
Fashion-MNIST CNN (e2e/common/fashion_mnist.py) go to F16 through a qtable
and the output cosine rises.

Flow: train (one epoch) -> ONNX batch 1 and batch N -> model_transform
(batch 1 with a test image: <name>_in_f32.npz, <name>_top_outputs.npz with
every Top tensor) -> run_calibration (KLD, 100 training images) ->
model_deploy bm1684x INT8 of the batch-1 model with --test_input,
--test_reference and --compare_all, which writes <prefix>_tpu_outputs.npz
(every tensor of the Tpu run, dequantized, under the Top names).

Which layers are error-prone, per chip (bm1684x, cv183x): each compute op
(top.Conv, top.MatMul, top.Add) is deployed alone in F16 (a one-line
qtable; BF16 on cv183x by the chip's mapping) and the logits cosine
with the Top f32 model is measured on a selection set (the first N test
images, batch-N model); the two layers whose F16 form recovers the most
cosine are the most error-prone (the per-layer sensitivity that
run_sensitive_layer measures). The per-tensor cosines of the INT8 model on
one sample are printed next to it: the lowest ones are the deepest tensors,
which carry every earlier layer's error, and are not what an F16 layer
fixes (its output is requantized by the next INT8 op).

Checks:
  - model_deploy's --compare_all report gives the same per-tensor cosines
    as its _tpu_outputs.npz against the Top dump;
  - the qtable deploy lowers exactly those two ops to f16 (bf16 on cv183x;
    result element type in the _tpu.mlir) and every other Conv/MatMul/Add
    to int8;
  - on an evaluation set (the next N test images, not used for the
    selection), per chip, the logits cosine with the Top f32 model rises
    above INT8's with the two layers in float, and a qtable putting every op
    in F16 (BF16 on cv183x) reaches 0.99999 (0.9999).
Exits 1 on the first failure.
"""

import os
import re
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import fashion_mnist  # noqa: E402
from harness import (  # noqa: E402
    check, cosine, Failure, parse_suite_args, PREPROCESS, run,
    single_output, top1)

NAME = "fmnist_mix"
SAMPLES = 100
COMPUTE = ("top.Conv", "top.MatMul", "top.Add")
_LOC_DEF = re.compile(r'^(#loc\d*) = loc\("([^"]*)"\)', re.M)
_OP_LINE = re.compile(r'^\s*%\S+\s*=\s*"?([\w.]+)"?.*'
                      r'->\s*(\S.*?)\s+loc\(("[^"]*"|#loc\d*)\)\s*$')


def ops_of(mlir):
    """name -> (op kind, result type text) of every op of a module."""
    with open(mlir) as f:
        text = f.read()
    aliases = dict(_LOC_DEF.findall(text))
    ops = {}
    for line in text.splitlines():
        m = _OP_LINE.match(line)
        if not m:
            continue
        loc = m.group(3)
        name = loc.strip('"') if loc.startswith('"') else aliases.get(loc)
        ops[name] = (m.group(1), m.group(2))
    return ops


def element_of(type_text):
    """'f16', 'bf16', 'f32', 'i8', 'u8' of a result type."""
    m = re.search(r"!quant\.uniform<([iu]8)", type_text)
    if m:
        return m.group(1)
    m = re.search(r"x(f16|bf16|f32|i8|i32)>", type_text)
    return m.group(1) if m else "?"


def deploy(tools, mlir, chip, out_dir, table, qtable=None, extra=()):
    cmd = [tools["model_deploy"], "--mlir", mlir, "--quantize", "INT8",
           "--processor", chip, "--calibration_table", table]
    if qtable:
        cmd += ["--quantize_table", qtable]
    cmd += list(extra) + ["--model", os.path.join(out_dir, f"{NAME}.bmodel")]
    t0 = time.time()
    result = run(cmd)
    prefix = os.path.join(out_dir, f"{NAME}_{chip}_int8_sym")
    return prefix, result, time.time() - t0


def main():
    args, tools, threads, workdir = parse_suite_args(
        __doc__.split("\n")[0], count=100, name="mixed")
    started = time.time()
    try:
        import torch
        torch.set_num_threads(1)
        train_images, _ = fashion_mnist.load("train")
        test_images, test_labels = fashion_mnist.load("t10k")
        test_images = test_images[:2 * args.count]
        test_labels = test_labels[:2 * args.count]
        model = fashion_mnist.train(epochs=1, threads=1)
        onnx1 = os.path.join(workdir, f"{NAME}_b1.onnx")
        onnxn = os.path.join(workdir, f"{NAME}_b{args.count}.onnx")
        fashion_mnist.export_onnx(model, onnx1, batch=1)
        fashion_mnist.export_onnx(model, onnxn, batch=args.count)
        data_dir = os.path.join(workdir, "cali")
        fashion_mnist.write_pngs(train_images[-SAMPLES:], data_dir)
        test_png = fashion_mnist.write_pngs(
            test_images[:1], os.path.join(workdir, "sample"), "test")[0]
        print(f"trained and exported in {time.time() - started:.1f}s")

        dirs = {b: os.path.join(workdir, f"b{b}") for b in (1, args.count)}
        mlirs = {b: os.path.join(d, f"{NAME}.mlir") for b, d in dirs.items()}
        for b, onnx_path in ((1, onnx1), (args.count, onnxn)):
            os.makedirs(dirs[b], exist_ok=True)
            cmd = [tools["model_transform"], "--model_name", NAME,
                   "--model_def", onnx_path,
                   "--input_shapes", f"[[{b},1,28,28]]",
                   "--mlir", mlirs[b]] + PREPROCESS
            if b == 1:
                cmd += ["--test_input", test_png]
            run(cmd)
        table = os.path.join(workdir, f"{NAME}_cali_table")
        run([tools["run_calibration"], mlirs[1], "--dataset", data_dir,
             "--input_num", str(SAMPLES), "-o", table] + threads)

        # Per-layer cosines of the INT8 model on the test sample.
        in_npz = os.path.join(dirs[1], f"{NAME}_in_f32.npz")
        ref_npz = os.path.join(dirs[1], f"{NAME}_top_outputs.npz")
        validate = ["--test_input", in_npz, "--test_reference", ref_npz,
                    "--compare_all"] + threads
        top_ops = ops_of(mlirs[1])

        def layer_cosines(prefix):
            with np.load(prefix + "_tpu_outputs.npz") as tpu, \
                    np.load(ref_npz) as ref:
                return {n: cosine(tpu[n], ref[n]) for n in ref.files
                        if n in tpu.files}

        before_dir = os.path.join(dirs[1], "int8")
        prefix, result, _ = deploy(tools, mlirs[1], "bm1684x", before_dir,
                                   table, extra=validate)
        cos_before = layer_cosines(prefix)
        # model_deploy's own --compare_all report says the same.
        reported = {m.group(1): float(m.group(2)) for m in re.finditer(
            r"^\[(.*?)\]\s+SIMILAR \[PASSED\] cosine=([0-9.]+)",
            result.stdout, re.M)}
        check(reported, f"no SIMILAR line in model_deploy --compare_all's "
              f"report:\n{result.stdout}")
        for n, c in reported.items():
            check(abs(c - cos_before[n]) <= 2e-6,
                  f"{n}: model_deploy --compare_all reports cosine {c}, "
                  f"{prefix}_tpu_outputs.npz against the Top dump gives "
                  f"{cos_before[n]:.6f}")
        compute = {n: c for n, c in cos_before.items()
                   if top_ops.get(n, ("",))[0] in COMPUTE}
        check(len(compute) >= 2,
              f"fewer than two compute tensors in {prefix}_tpu_outputs.npz: "
              f"{sorted(compute)}")

        # Two sets of N test images for the batch-N model: the selection
        # set ranks the layers, the evaluation set measures the qtable.
        sets = {}
        for label, part in (("select", slice(0, args.count)),
                            ("eval", slice(args.count, 2 * args.count))):
            npz = os.path.join(workdir, f"test_{label}.npz")
            np.savez(npz, image=fashion_mnist.normalize(test_images[part]))
            top_out = os.path.join(workdir, f"top_{label}.npz")
            run([tools["model_runner"], "--input", npz, "--model",
                 mlirs[args.count], "--output", top_out] + threads)
            sets[label] = (npz, single_output(top_out), test_labels[part])
        n_ops = ops_of(mlirs[args.count])

        def logits_of(chip, tag, qt, label):
            """Deploys the batch-N model (qtable `qt`) and runs it on a
            set: (logits, _tpu.mlir path, seconds)."""
            out_dir = os.path.join(dirs[args.count], f"{chip}_{tag}")
            prefix, _, seconds = deploy(tools, mlirs[args.count], chip,
                                        out_dir, table, qt)
            tpu_mlir = prefix + "_tpu.mlir"
            out = prefix + f"_{label}_outputs.npz"
            run([tools["model_runner"], "--input", sets[label][0],
                 "--model", tpu_mlir, "--output", out] + threads)
            return single_output(out), tpu_mlir, seconds

        # Every op in float: shows what the qtable path can reach.
        all_qtable = os.path.join(workdir, f"{NAME}_qtable_all")
        with open(all_qtable, "w") as f:
            for n, (kind, _) in n_ops.items():
                if kind not in ("top.Input", "top.Weight", "top.None"):
                    f.write(f"{n} F16\n")

        ref_select = sets["select"][1]
        ref, labels = sets["eval"][1], sets["eval"][2]
        ref_top1 = top1(ref, labels)
        results = {}
        for chip, float_type, floor in (("bm1684x", "f16", 0.99999),
                                        ("cv183x", "bf16", 0.9999)):
            # Sensitivity on the selection set: each compute layer alone in
            # F16 (BF16 on cv183x, by the chip's mapping).
            base, _, _ = logits_of(chip, "int8", None, "select")
            base_cos = cosine(base, ref_select)
            gains = {}
            for n, (kind, _) in n_ops.items():
                if kind not in COMPUTE:
                    continue
                one = os.path.join(workdir, f"qtable_{chip}_{len(gains)}")
                with open(one, "w") as f:
                    f.write(f"{n} F16\n")
                logits, _, _ = logits_of(chip, f"one{len(gains)}", one,
                                         "select")
                gains[n] = cosine(logits, ref_select) - base_cos
            ranked = sorted(gains.items(), key=lambda kv: -kv[1])
            worst = [n for n, _ in ranked[:2]]
            print(f"{chip} INT8 logits cosine on the selection set "
                  f"{base_cos:.6f}; each compute layer alone in "
                  f"{float_type} (cosine gain; bm1684x INT8 tensor cosine "
                  f"on the sample):")
            for n, g in ranked:
                print(f"  {g:+.2e}  {cos_before.get(n, float('nan')):.6f}  "
                      f"{n_ops[n][0]:<10} {n}"
                      f"{'   <- ' + float_type if n in worst else ''}")
            qtable = os.path.join(workdir, f"{NAME}_{chip}_qtable")
            with open(qtable, "w") as f:
                f.write("# the two layers whose F16 form recovers the most "
                        "output cosine\n")
                for n in worst:
                    f.write(f"{n} F16\n")

            for label, qt in (("INT8", None), ("INT8+qtable", qtable),
                              ("INT8+qtable(all)", all_qtable)):
                tag = {"INT8": "int8", "INT8+qtable": "mixed",
                       "INT8+qtable(all)": "all"}[label]
                logits, tpu_mlir, seconds = logits_of(chip, tag, qt, "eval")
                if qt == qtable:
                    lowered = ops_of(tpu_mlir)
                    for n, (kind, _) in n_ops.items():
                        if kind not in COMPUTE:
                            continue
                        check(n in lowered, f"{chip}: {n} is not in "
                              f"{tpu_mlir}")
                        got = element_of(lowered[n][1])
                        want = (float_type,) if n in worst else ("i8", "u8")
                        check(got in want,
                              f"{chip} with the qtable: {n} "
                              f"({lowered[n][0]}) is {got}, expected "
                              f"{' or '.join(want)} ({tpu_mlir})")
                results[chip, label] = (cosine(logits, ref),
                                        top1(logits, labels), seconds)
            cb, ab, _ = results[chip, "INT8"]
            ca, aa, _ = results[chip, "INT8+qtable"]
            call, _, _ = results[chip, "INT8+qtable(all)"]
            check(ca > cb,
                  f"{chip}: logits cosine with the two layers in "
                  f"{float_type} {ca:.6f} is not above INT8's {cb:.6f} on "
                  f"the evaluation set")
            check(call >= floor,
                  f"{chip}: every op {float_type} through the qtable gives "
                  f"a logits cosine {call:.7f} < {floor}")
            print(f"PASS {chip}: the two layers are {float_type}, the other "
                  f"compute ops int8; logits cosine with the Top f32 model "
                  f"on {args.count} evaluation images: INT8 {cb:.6f} -> two "
                  f"layers {float_type} {ca:.6f} (1-cos {1 - cb:.2e} -> "
                  f"{1 - ca:.2e}), every op {float_type} {call:.7f} "
                  f"(>= {floor}); top-1 {ab:.1f}% -> {aa:.1f}% (Top f32 "
                  f"{ref_top1:.1f}%)")
    except Failure as failure:
        print(f"FAIL {failure}")
        print(f"files kept in {workdir}")
        return 1

    print()
    print(f"| chip | mode | logits cosine ({args.count} images) | top-1 (%) "
          f"| lowering + deploy (s) |")
    print("|---|---|---|---|---|")
    for (chip, label), (cos, acc, seconds) in results.items():
        print(f"| {chip} | {label} | {cos:.6f} | {acc:.1f} | "
              f"{seconds:.2f} |")
    print()
    print(f"mixed e2e: all checks passed in {time.time() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
