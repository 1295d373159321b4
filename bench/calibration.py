#!/usr/bin/env python3
"""Calibration speed and memory: run_calibration against plain inference of
the same samples, on resnet18 and mobilenet_v2 (224x224, 100 JPEG photos
made from scikit-image's sample pictures). Rewrites the calibration section
of docs/benchmarks.md. A benchmark, not a test: it asserts nothing.

For each model, each of these runs `--runs` times (median wall time, max
peak RSS of the process):
  inference   run_calibration --inference_only: load, decode, preprocess
              and run the 100 samples, no statistics (the baseline);
  kl          run_calibration --cali_method use_kl --tune_num 0;
  kl+tune     run_calibration --cali_method use_kl --tune_num 5.
Goals (issue 4): kl <= 1.3x inference; peak RSS <= inference RSS + 64 MB
per 100 tensors.
"""

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

SECTION_BEGIN = "<!-- calibration: written by bench/calibration.sh -->"
SECTION_END = "<!-- calibration: end -->"


def export(name, path):
    import torch
    import torchvision
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), path,
                      input_names=["input"], output_names=["logits"],
                      opset_version=13)


def make_photos(folder, count):
    """`count` JPEGs of varied sizes: crops and flips of skimage's photos."""
    import skimage.data
    from PIL import Image
    os.makedirs(folder, exist_ok=True)
    sources = []
    for name in ("astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field",
                 "immunohistochemistry", "retina", "colorwheel"):
        try:
            image = getattr(skimage.data, name)()
        except Exception:  # a picture missing from this skimage version
            continue
        if image.ndim == 3 and image.shape[2] == 3:
            sources.append(image)
    rng = np.random.default_rng(0)
    for i in range(count):
        image = sources[i % len(sources)]
        h, w = image.shape[:2]
        ch, cw = rng.integers(h // 2, h + 1), rng.integers(w // 2, w + 1)
        y, x = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
        crop = image[y:y + ch, x:x + cw]
        if i % 2:
            crop = crop[:, ::-1]
        Image.fromarray(np.ascontiguousarray(crop)).save(
            os.path.join(folder, f"photo{i:04d}.jpg"), quality=90)


def measure(cmd):
    """(wall seconds, peak RSS MiB) of one run of `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_maxrss / 1024.0


def count_tensors(table):
    with open(table) as f:
        return sum(1 for line in f
                   if line.strip() and not line.startswith("#"))


def prepare_in_child(kind, *args):
    """Runs export / make_photos in a child Python, so that this process
    never loads torch: a child forked from a process holding torch would
    report torch's resident memory as its own peak RSS."""
    subprocess.run([sys.executable, __file__, "--prepare", kind, *args],
                   check=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--prepare":
        kind, args = sys.argv[2], sys.argv[3:]
        if kind == "export":
            export(args[0], args[1])
        else:
            make_photos(args[0], int(args[1]))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--models", default="resnet18,mobilenet_v2")
    ap.add_argument("--samples", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workdir", default="")
    ap.add_argument("--report", default="docs/benchmarks.md")
    ap.add_argument("--command", default="bench/calibration.sh")
    args = ap.parse_args()
    tools = {t: os.path.join(args.build, "bin", t)
             for t in ("model_transform", "run_calibration")}
    workdir = args.workdir or tempfile.mkdtemp(prefix="tpuc_bench_cali_")
    photos = os.path.join(workdir, "photos")
    prepare_in_child("photos", photos, str(args.samples))
    load_before = os.getloadavg()[0]

    rows = []
    for name in args.models.split(","):
        onnx_path = os.path.join(workdir, name + ".onnx")
        prepare_in_child("export", name, onnx_path)
        mlir = os.path.join(workdir, name + ".mlir")
        subprocess.run([tools["model_transform"], "--model_name", name,
                        "--model_def", onnx_path,
                        "--input_shapes", "[[1,3,224,224]]",
                        "--resize_dims", "256,256", "--pixel_format", "rgb",
                        "--mean", "123.675,116.28,103.53",
                        "--scale", "0.0171,0.0175,0.0174", "--mlir", mlir],
                       check=True, capture_output=True)
        base = [tools["run_calibration"], mlir, "--dataset", photos,
                "--input_num", str(args.samples),
                "--threads", str(args.threads)]
        table = os.path.join(workdir, name + "_cali_table")
        variants = {
            "inference": base + ["--inference_only", "-o", table + "_none"],
            "kl": base + ["--tune_num", "0", "-o", table],
            "kl+tune": base + ["--tune_num", "5", "-o", table + "_tune"],
        }
        results = {}
        for _ in range(args.runs):  # interleaved, so load drifts hit all
            for variant, cmd in variants.items():
                results.setdefault(variant, []).append(measure(cmd))
        summary = {v: (statistics.median(w for w, _ in r),
                       max(m for _, m in r)) for v, r in results.items()}
        tensors = count_tensors(table)
        rows.append((name, tensors, summary))
        print(name, tensors, summary, flush=True)

    lines = [SECTION_BEGIN, "## Calibration (run_calibration)", "",
             f"`{args.command}` on {datetime.date.today()}, "
             f"{platform.processor() or platform.machine()}, "
             f"{os.cpu_count()} CPUs, --threads {args.threads}, "
             f"{args.samples} JPEG samples (decode, resize 256, crop 224), "
             f"median of {args.runs} runs per variant (interleaved), "
             f"load average before: {load_before:.2f}. Times are whole "
             "processes (parse, weights, samples, table).", "",
             "| model | tensors | inference s | kl s | kl / inference | "
             "kl+tune(5) s | RSS inference MiB | RSS kl MiB | RSS kl+tune MiB | "
             "RSS budget MiB |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, tensors, s in rows:
        budget = s["inference"][1] + 64.0 * tensors / 100.0
        lines.append(
            f"| {name} | {tensors} | {s['inference'][0]:.2f} | "
            f"{s['kl'][0]:.2f} | {s['kl'][0] / s['inference'][0]:.2f}x | "
            f"{s['kl+tune'][0]:.2f} | {s['inference'][1]:.0f} | "
            f"{s['kl'][1]:.0f} | {s['kl+tune'][1]:.0f} | {budget:.0f} |")
    lines += ["",
              "Goals: kl ≤ 1.3× inference; RSS of kl ≤ inference RSS + 64 MB "
              "per 100 tensors (the budget column). TPU-MLIR's Python "
              "calibrator, the tool users compare against, is not installable "
              "here (no PyPI), so it is not measured.",
              SECTION_END]
    section = "\n".join(lines) + "\n"
    text = open(args.report).read() if os.path.exists(args.report) else ""
    if SECTION_BEGIN in text and SECTION_END in text:
        head, rest = text.split(SECTION_BEGIN, 1)
        tail = rest.split(SECTION_END, 1)[1]
        text = head + section.rstrip("\n") + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section
    tmp = args.report + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, args.report)
    print(section)


if __name__ == "__main__":
    main()
