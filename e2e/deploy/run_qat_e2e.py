#!/usr/bin/env python3
"""QAT import end to end (docs/qat.md): the Fashion-MNIST CNN
(e2e/common/fashion_mnist.py) is trained briefly, fine-tuned with torch.ao
FX quantization-aware training (prepare_qat_fx with tpuc_qat's symmetric
qconfig: per-channel symmetric int8 weights in [-127, 127], symmetric
activations) on 4,000 other training images, and exported by
python/tpuc_qat/export.py: a float ONNX model with the batch norms folded
and a calibration table with the QAT ranges and a `#weight_scale` row per
convolution. model_deploy lowers it to bm1684x INT8 with that table.

Checks:
  1. the export: every Top tensor takes a QAT range, every QAT convolution
     has a weight-scale row;
  2. the deploy uses the QAT numbers, for every convolution: the int8
     filter (`<conv>_filter_i8`) is round(W / scale_c) (half away from
     zero, clipped to ±127) with the QAT scales and the folded weight W
     that the QAT model fake-quantized; the activation scales of its input
     and output are the table's th/127 (i8) or th/255 (u8); and
     multiplier / 2^rshift = scale_c · s_in / s_out per channel;
  3. top-1 on the first N test images of the deployed INT8 model is within
     1.0 point of the QAT model's fake-quant top-1 in torch.
Reported only: the torch float model before QAT, the folded float model,
the Top f32 model, a post-training INT8 deploy of the same folded model
with a KLD table (run_calibration, 100 images), and how many int8 weights
the QAT scales changed against tpuc's own max|W|/127 rule and against
torch's fake-quant codes. Prints one line per check; exits 1 on the first
failure.
"""

import copy
import os
import re
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
import fashion_mnist  # noqa: E402
from harness import (  # noqa: E402
    check, Failure, parse_suite_args, PREPROCESS, run, single_output,
    top1)
from tpuc_qat import export_qat, qat_qconfig_mapping  # noqa: E402
from tpuc_qat.export import read_table_rows, top_convolutions  # noqa: E402

NAME = "fmnist_qat"
QAT_IMAGES = (20000, 24000)  # training images not used by the float run
CALI_SAMPLES = 100
def qat_finetune(model, images, labels, seed=0):
    """One epoch of FX QAT from the trained float model: Adam 1e-4, batch
    64; BN statistics frozen after 40 batches and observers after 50, as
    usual at the end of QAT. Returns the prepared model in eval mode with
    the observers off."""
    import torch
    import torch.nn.intrinsic.qat as nniqat
    from torch.ao.quantization import disable_observer
    from torch.ao.quantization.quantize_fx import prepare_qat_fx
    torch.manual_seed(seed)
    torch.backends.quantized.engine = "qnnpack"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prepared = prepare_qat_fx(copy.deepcopy(model).train(),
                                  qat_qconfig_mapping("qnnpack"),
                                  (torch.zeros(1, 1, 28, 28),))
    x = torch.from_numpy(fashion_mnist.normalize(images))
    y = torch.from_numpy(labels)
    optimizer = torch.optim.Adam(prepared.parameters(), lr=1e-4)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(
        seed))
    for step, start in enumerate(range(0, len(x), 64)):
        if step == 40:
            prepared.apply(nniqat.freeze_bn_stats)
        if step == 50:
            prepared.apply(disable_observer)
        batch = order[start:start + 64]
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(prepared(x[batch]),
                                                 y[batch])
        loss.backward()
        optimizer.step()
    prepared.apply(disable_observer)
    return prepared.eval()


_QTYPE = r"!quant\.uniform<([iu]8):f32, ([0-9.eE+-]+)(?::(-?\d+))?>"


def tpu_convs(tpu_mlir):
    """name -> dict(multiplier, rshift, in/out storage type and scale) of
    every tpu.Conv2D of a lowered module (text parse)."""
    with open(tpu_mlir) as f:
        text = f.read()
    aliases = dict(re.findall(r'^(#loc\d*) = loc\("([^"]*)"\)', text, re.M))
    convs = {}
    for line in text.splitlines():
        if '"tpu.Conv2D"' not in line:
            continue
        loc = re.search(r'loc\(("[^"]*"|#loc\d*)\)\s*$', line).group(1)
        name = loc.strip('"') if loc.startswith('"') else aliases[loc]
        mult = [int(v) for v in
                re.search(r"multiplier = \[([^\]]*)\]", line).group(1)
                .split(",")]
        shift = [int(v) for v in
                 re.search(r"rshift = \[([^\]]*)\]", line).group(1)
                 .split(",")]
        signature = line[line.rindex("}>") + 2:]
        types = re.findall(_QTYPE, signature)
        check(len(types) == 2, f"{name}: cannot read the input and output "
              f"quantized types of tpu.Conv2D from: {signature.strip()}")
        (in_t, in_s, in_zp), (out_t, out_s, out_zp) = types
        convs[name] = dict(multiplier=np.array(mult, np.float64),
                           rshift=np.array(shift, np.float64),
                           in_type=in_t, in_scale=float(in_s),
                           in_zp=int(in_zp or 0), out_type=out_t,
                           out_scale=float(out_s), out_zp=int(out_zp or 0))
    return convs, text


def round_half_away(x):
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def main():
    args, tools, threads, workdir = parse_suite_args(
        __doc__.split("\n")[0], count=1000, name="qat")
    started = time.time()
    try:
        import torch
        torch.set_num_threads(1)
        train_images, train_labels = fashion_mnist.load("train")
        test_images, test_labels = fashion_mnist.load("t10k")
        test_images = test_images[:args.count]
        test_labels = test_labels[:args.count]
        test_x = fashion_mnist.normalize(test_images)

        t0 = time.time()
        model = fashion_mnist.train(epochs=1, threads=1)
        torch_f32 = fashion_mnist.torch_top1(model, test_images,
                                             test_labels) * 100.0
        train_s = time.time() - t0
        t0 = time.time()
        lo, hi = QAT_IMAGES
        prepared = qat_finetune(model, train_images[lo:hi],
                                train_labels[lo:hi])
        with torch.no_grad():
            qat_top1 = top1(prepared(torch.from_numpy(test_x)).numpy(),
                            test_labels)
        print(f"trained in {train_s:.1f}s (torch f32 top-1 "
              f"{torch_f32:.1f}%), QAT fine-tune on {hi - lo} images in "
              f"{time.time() - t0:.1f}s: fake-quant top-1 {qat_top1:.1f}% "
              f"on {args.count} test images")

        # Export: ONNX (batch N), Top .mlir, QAT table.
        t0 = time.time()
        out_dir = os.path.join(workdir, "export")
        cali = fashion_mnist.normalize(train_images[-CALI_SAMPLES:])
        result = export_qat(prepared, test_x[:1], out_dir, NAME,
                            build_dir=args.build, batch=args.count,
                            calibration=cali[:10],
                            transform_args=PREPROCESS, input_name="image",
                            output_name="logits", threads=args.threads)
        with torch.no_grad():
            folded_top1 = top1(result.float_model(
                torch.from_numpy(test_x)).numpy(), test_labels)
        rows = {r[0]: r[1:] for r in read_table_rows(result.table)}
        check(not result.unmatched,
              f"Top tensors with no QAT range: {result.unmatched}")
        check(not result.unused_observers,
              f"QAT observers matched to no Top tensor: "
              f"{result.unused_observers}")
        check(len(result.weights) == 6,
              f"expected 6 weight-scale rows (the CNN's convolutions), got "
              f"{sorted(result.weights.items())}")
        print(f"PASS export in {time.time() - t0:.1f}s: {len(rows)} rows, "
              f"all from QAT observers; {len(result.weights)} weight-scale "
              f"rows ({', '.join(sorted(result.weights.values()))}); not "
              f"exported: {', '.join(result.skipped_weights) or 'none'}")

        # Deploy bm1684x INT8 with the QAT table.
        deploy_dir = os.path.join(workdir, "deploy")
        t0 = time.time()
        run([tools["model_deploy"], "--mlir", result.mlir, "--quantize",
             "INT8", "--processor", "bm1684x", "--calibration_table",
             result.table, "--model",
             os.path.join(deploy_dir, f"{NAME}.bmodel")])
        prefix = os.path.join(deploy_dir, f"{NAME}_bm1684x_int8_sym")
        tpu_mlir = prefix + "_tpu.mlir"
        deploy_s = time.time() - t0

        # 2. The deployed convolutions use the QAT numbers.
        scales = {}
        with open(result.table) as f:
            in_ws = False
            for line in f:
                line = line.strip()
                if line == "#weight_scale":
                    in_ws = True
                elif in_ws and line:
                    fields = line.split()
                    n = int(fields[1])
                    scales[fields[0][:-len("_weight")]] = np.array(
                        [float(v) for v in fields[2:2 + n]])
        for op, module in result.weights.items():
            qat_scale = prepared.get_submodule(module).weight_fake_quant \
                .scale.detach().double().numpy()
            check(op in scales and np.array_equal(scales[op], qat_scale),
                  f"{op}: the table's weight scales are not those of the "
                  f"QAT module {module}")
        convs, _ = tpu_convs(tpu_mlir)
        top_filters = top_convolutions(result.mlir)
        weights_npz = os.path.join(out_dir,
                                   f"{NAME}_top_f32_all_weight.npz")
        changed_default = changed_torch = total = 0
        worst_ratio = 0.0
        with np.load(weights_npz) as top_w, \
                np.load(prefix + "_tpu_weights.npz") as tpu_w:
            for op, s in sorted(scales.items()):
                check(op in convs, f"{op}: no tpu.Conv2D of that name in "
                      f"{tpu_mlir} (it stayed float?)")
                c = convs[op]
                w = top_w[top_filters[op]].astype(np.float64)
                q = tpu_w[op + "_filter_i8"].astype(np.int64)
                shape = (-1,) + (1,) * (w.ndim - 1)
                expect = np.clip(round_half_away(w / s.reshape(shape)),
                                 -127, 127)
                bad = np.argwhere(q != expect)
                check(len(bad) == 0,
                      f"{op}: {len(bad)} of {q.size} int8 weights differ "
                      f"from round(W / qat_scale) (first at "
                      f"{bad[0].tolist() if len(bad) else None})")
                default = np.maximum(np.abs(w).reshape(len(s), -1).max(1)
                                     / 127.0, 1e-5)
                changed_default += int((np.clip(round_half_away(
                    w / default.reshape(shape)), -127, 127) != q).sum())
                # torch's fake-quant codes: nearbyint(W * (1/s)) in f32.
                inv = (1.0 / torch.from_numpy(s).float()).numpy()
                torch_codes = np.clip(np.round(
                    w.astype(np.float32) * inv.reshape(shape)), -127, 127)
                changed_torch += int((torch_codes != q).sum())
                total += q.size
                # Activation scales are the table's.
                for side in ("in", "out"):
                    tensor = op if side == "out" else None
                    scale = c[f"{side}_scale"]
                    levels = 255.0 if c[f"{side}_type"] == "u8" else 127.0
                    if tensor is not None:
                        th = rows[tensor][0]
                        check(abs(scale - th / levels) <= 1e-6 * scale,
                              f"{op}: output scale {scale} is not the QAT "
                              f"threshold {th} / {levels:.0f}")
                    else:
                        ths = [r[0] for r in rows.values()
                               if abs(scale - r[0] / levels) <= 1e-6 * scale]
                        check(ths, f"{op}: input scale {scale} is no QAT "
                              f"threshold / {levels:.0f}")
                ratio = c["multiplier"] / np.exp2(c["rshift"])
                want = s * c["in_scale"] / c["out_scale"]
                err = np.abs(ratio / want - 1.0)
                worst_ratio = max(worst_ratio, float(err.max()))
                check(err.max() <= 1e-5,
                      f"{op}: multiplier/2^rshift differs from "
                      f"scale_c*s_in/s_out by up to {err.max():.2e} "
                      f"(channel {int(err.argmax())})")
        print(f"PASS deploy bm1684x INT8 with the QAT table ({deploy_s:.1f}s)"
              f": {len(scales)} convolutions, every int8 weight = "
              f"round(W/scale_c) with the QAT scales ({total} weights; "
              f"{changed_default} differ from tpuc's own max|W|/127 codes, "
              f"{changed_torch} from torch's fake-quant codes), activation "
              f"scales = QAT th/127 or th/255, multiplier/2^rshift = "
              f"scale_c*s_in/s_out within {worst_ratio:.1e}")

        # 3. Top-1 of the deployed model against the QAT model.
        test_npz = os.path.join(workdir, f"test_{args.count}.npz")
        np.savez(test_npz, image=test_x)
        t0 = time.time()
        top_out = os.path.join(workdir, "top_outputs.npz")
        run([tools["model_runner"], "--input", test_npz, "--model",
             result.mlir, "--output", top_out] + threads)
        top_top1 = top1(single_output(top_out), test_labels)
        out = prefix + "_outputs.npz"
        run([tools["model_runner"], "--input", test_npz, "--model",
             tpu_mlir, "--output", out] + threads)
        int8_top1 = top1(single_output(out), test_labels)
        diff = int8_top1 - qat_top1
        check(abs(diff) <= 1.0,
              f"deployed INT8 top-1 {int8_top1:.1f}% is {diff:+.1f} points "
              f"from the QAT fake-quant top-1 {qat_top1:.1f}% (limit 1.0)")
        print(f"PASS deployed INT8 top-1 {int8_top1:.1f}% vs QAT fake-quant "
              f"{qat_top1:.1f}% ({diff:+.1f}, limit 1.0) "
              f"({time.time() - t0:.1f}s)")

        # Reported: post-training INT8 of the same folded model.
        t0 = time.time()
        b1_mlir = os.path.join(out_dir, f"{NAME}_qat_work", f"{NAME}.mlir")
        cali_dir = os.path.join(workdir, "cali")
        os.makedirs(cali_dir, exist_ok=True)
        for i, sample in enumerate(cali):
            np.save(os.path.join(cali_dir, f"s{i:05d}.npy"), sample[None])
        ptq_table = os.path.join(workdir, f"{NAME}_ptq_table")
        run([tools["run_calibration"], b1_mlir, "--dataset", cali_dir,
             "-o", ptq_table] + threads)
        ptq_dir = os.path.join(workdir, "deploy_ptq")
        run([tools["model_deploy"], "--mlir", result.mlir, "--quantize",
             "INT8", "--processor", "bm1684x", "--calibration_table",
             ptq_table, "--model", os.path.join(ptq_dir, f"{NAME}.bmodel")])
        ptq_out = os.path.join(ptq_dir, "outputs.npz")
        run([tools["model_runner"], "--input", test_npz, "--model",
             os.path.join(ptq_dir, f"{NAME}_bm1684x_int8_sym_tpu.mlir"),
             "--output", ptq_out] + threads)
        ptq_top1 = top1(single_output(ptq_out), test_labels)
        print(f"INFO top-1 on {args.count} test images: torch f32 before "
              f"QAT {torch_f32:.1f}%, QAT fake-quant {qat_top1:.1f}%, folded "
              f"float {folded_top1:.1f}%, Top f32 {top_top1:.1f}%, tpuc INT8 "
              f"with the QAT table {int8_top1:.1f}%, tpuc INT8 PTQ (KLD, "
              f"{CALI_SAMPLES} images) {ptq_top1:.1f}% "
              f"({time.time() - t0:.1f}s)")
    except Failure as failure:
        print(f"FAIL {failure}")
        print(f"files kept in {workdir}")
        return 1
    print(f"qat e2e: all checks passed in {time.time() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
