#!/usr/bin/env python3
"""Writes the assets of scripts/demo.sh into demo/ (committed; rerun only to
regenerate them):

  demo/fashion_cnn.onnx      the Fashion-MNIST CNN of e2e/common, batch 1000
  demo/fashion_cnn_b1.onnx   the same model, batch 1 (for calibration)
  demo/calibration/          100 training images (PNG) it was not trained on
  demo/test_1000.npz         the 1000 first test images normalized as the
                             model input ("image", float32 [1000,1,28,28])
                             and their labels ("labels", int64 [1000])

The CNN is trained here (fixed seed, one thread, ~30 s) on the first 20,000
training images; the input is (x - 127.5) / 127.5 on gray pixels, i.e.
model_transform --pixel_format gray --mean 127.5 --scale 1/127.5.
Needs Debian's dataset-fashion-mnist, python3-torch, python3-onnx, PIL.
"""

import argparse
import os
import shutil
import sys

import numpy as np

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "e2e", "common"))
import fashion_mnist  # noqa: E402

CALIBRATION = 100
TEST = 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(root, "demo"),
                    help="output folder (default: demo/)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    import torch
    torch.set_num_threads(1)

    model = fashion_mnist.train(seed=args.seed, threads=1)
    train_images, _ = fashion_mnist.load("train")
    test_images, test_labels = fashion_mnist.load("t10k")
    test_images, test_labels = test_images[:TEST], test_labels[:TEST]

    os.makedirs(args.out, exist_ok=True)
    fashion_mnist.export_onnx(model, os.path.join(args.out,
                                                  "fashion_cnn.onnx"),
                              batch=TEST)
    fashion_mnist.export_onnx(model, os.path.join(args.out,
                                                  "fashion_cnn_b1.onnx"),
                              batch=1)
    calibration = os.path.join(args.out, "calibration")
    shutil.rmtree(calibration, ignore_errors=True)
    # The last training images: the model was trained on the first 20,000.
    fashion_mnist.write_pngs(train_images[-CALIBRATION:], calibration)
    np.savez_compressed(os.path.join(args.out, f"test_{TEST}.npz"),
                        image=fashion_mnist.normalize(test_images),
                        labels=test_labels)
    top1 = fashion_mnist.torch_top1(model, test_images, test_labels)
    print(f"wrote {args.out}: torch f32 top-1 {top1 * 100:.1f}% on the "
          f"{TEST} first test images")
    return 0


if __name__ == "__main__":
    sys.exit(main())
