#!/usr/bin/env python3
"""The table of scripts/demo.sh: for each deployed model, the top-1 accuracy
of its outputs (model_runner .npz) on the labels, the cosine of its logits
with the f32 Top model's, and the lowering time model_deploy printed
("model_deploy: lowered in X s") in its log.

  demo_report.py --labels test.npz --reference top_outputs.npz \\
      --row "top F32 top_outputs.npz -" \\
      --row "bm1684x INT8 out.npz deploy.log" ...

A row whose output file is missing (its model_deploy or model_runner
failed) is printed as FAILED; the exit code is then 1.
"""

import argparse
import os
import re
import sys

import numpy as np

LOWERED = re.compile(r"model_deploy: lowered in ([0-9.]+) s")


def logits(path):
    """The one array of a model_runner output (the function result)."""
    with np.load(path) as data:
        if len(data.files) != 1:
            raise ValueError(f"{path}: expected one output array, found "
                             f"{data.files}")
        return data[data.files[0]].astype(np.float64)


def lowering_seconds(log):
    if log == "-" or not os.path.exists(log):
        return "-"
    with open(log) as f:
        found = LOWERED.search(f.read())
    return f"{float(found.group(1)):.3f} s" if found else "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", required=True,
                    help=".npz with a 'labels' array")
    ap.add_argument("--reference", required=True,
                    help="the f32 Top model's outputs (.npz)")
    ap.add_argument("--row", action="append", default=[],
                    help="'chip mode outputs.npz deploy.log' (log '-': none)")
    args = ap.parse_args()
    with np.load(args.labels) as data:
        labels = data["labels"]
    ref = logits(args.reference)
    if ref.shape[0] != labels.shape[0]:
        print(f"error: {ref.shape[0]} outputs for {labels.shape[0]} labels, "
              f"{args.reference}", file=sys.stderr)
        return 1
    ref_top1 = float((ref.argmax(1) == labels).mean()) * 100

    header = ("chip", "mode", "top-1", "vs f32", "cosine vs f32",
              "lowering")
    table, failed = [], 0
    for row in args.row:
        chip, mode, out, log = row.split()
        if not os.path.exists(out):
            table.append((chip, mode, "FAILED", "", "", lowering_seconds(log)))
            failed += 1
            continue
        out_logits = logits(out)
        if out_logits.shape != ref.shape:
            table.append((chip, mode, f"shape {list(out_logits.shape)}", "",
                          "", lowering_seconds(log)))
            failed += 1
            continue
        acc = float((out_logits.argmax(1) == labels).mean()) * 100
        cos = float((out_logits * ref).sum() /
                    (np.linalg.norm(out_logits) * np.linalg.norm(ref)))
        table.append((chip, mode, f"{acc:.1f} %", f"{acc - ref_top1:+.1f}",
                      f"{cos:.6f}", lowering_seconds(log)))

    widths = [max(len(r[i]) for r in [header] + table)
              for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
    print(f"Fashion-MNIST CNN, {labels.shape[0]} test images "
          f"(f32 Top model: top-1 {ref_top1:.1f} %)")
    print(line(header))
    print(line(tuple("-" * w for w in widths)))
    for r in table:
        print(line(r))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
