"""numpy twin of docs/examples/mini_cnn.mlir, for the model_runner tests.

  mini_cnn.py input OUT.npz [NAME]        writes a random input (seeded)
  mini_cnn.py check IN.npz WEIGHTS.npz RESULT.npz
      computes every tensor of the network in float64 and prints, for each
      tensor in RESULT.npz, "<name>: ok" or "<name>: MISMATCH ...".
"""
import sys

import numpy as np


def conv2d(x, w, b, stride, pads):
    """Cross-correlation, NCHW / OIHW, pads = [top, left, bottom, right]."""
    n, _, h, wd = x.shape
    oc, _, kh, kw = w.shape
    top, left, bottom, right = pads
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    oh = (h + top + bottom - kh) // stride + 1
    ow = (wd + left + right - kw) // stride + 1
    out = np.zeros((n, oc, oh, ow))
    for ky in range(kh):
        for kx in range(kw):
            patch = xp[:, :, ky:ky + stride * oh:stride, kx:kx + stride * ow:stride]
            out += np.einsum("nchw,oc->nohw", patch, w[:, :, ky, kx])
    if b is not None:
        out += b[None, :, None, None]
    return out


def network(x, weights):
    t = {"input": x}
    t["relu1"] = np.maximum(
        conv2d(x, weights["conv1.weight"], weights["conv1.bias"], 1, [1, 1, 1, 1]), 0)
    t["relu6"] = np.clip(
        conv2d(t["relu1"], weights["conv2.weight"], None, 2, [1, 1, 1, 1]), 0, 6)
    t["flatten"] = t["relu6"].reshape(1, -1)
    t["logits"] = t["flatten"] @ weights["fc.weight"] + weights["fc.bias"]
    return t


def main():
    if sys.argv[1] == "input":
        name = sys.argv[3] if len(sys.argv) > 3 else "input"
        rng = np.random.default_rng(7)
        np.savez(sys.argv[2], **{name: rng.uniform(0, 4, (1, 1, 8, 8)).astype("f4")})
        return
    inputs, weights, result = (np.load(p) for p in sys.argv[2:5])
    x = next(iter(inputs.values())).astype(np.float64)
    weights = {k: weights[k].astype(np.float64) for k in weights}
    expected = network(x, weights)
    for name in result:
        got, ref = result[name], expected[name]
        if got.dtype != np.float32 or got.shape != ref.shape:
            print(f"{name}: MISMATCH dtype {got.dtype} shape {got.shape}, "
                  f"expected float32 {ref.shape}")
            continue
        err = np.abs(got - ref) / np.maximum(1.0, np.abs(ref))
        print(f"{name}: ok" if err.max() <= 1e-4 else
              f"{name}: MISMATCH max relative error {err.max()}")


if __name__ == "__main__":
    main()
