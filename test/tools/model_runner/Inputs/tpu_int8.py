"""numpy twin of Inputs/tpu_int8.mlir, for tpu_int8.test (int64 arithmetic).

  tpu_int8.py make DIR      writes DIR/tpu_int8_weights.npz and DIR/in.npz
  tpu_int8.py check DIR RESULT.npz
      prints "<name>: ok" or "<name>: MISMATCH ..." for each tensor of
      RESULT.npz that the twin computes.
"""
import os
import sys

import numpy as np

MULT = np.array([1549, 1201, 1877, 1024], dtype=np.int64)
SHIFT = np.array([18, 17, 18, 16], dtype=np.int64)


def shift_half_away(v, r):
    """v / 2^r rounded half away from zero, exactly."""
    v = np.asarray(v, dtype=np.int64)
    r = np.broadcast_to(np.asarray(r, dtype=np.int64), v.shape)
    q = v >> r  # floor
    rem = v - (q << r)
    half = np.int64(1) << (r - 1)
    up = np.where(v >= 0, rem >= half, rem > half)
    return q + up.astype(np.int64)


def make(directory):
    rng = np.random.default_rng(7)
    w = rng.integers(-128, 128, size=(4, 3, 3, 3)).astype(np.int8)
    b = rng.integers(-3000, 3000, size=4).astype(np.int32)
    table = rng.integers(-128, 128, size=256).astype(np.int8)
    np.savez(os.path.join(directory, "tpu_int8_weights.npz"),
             conv_filter_i8=w, conv_bias_i32=b, lut_table=table)
    x = rng.uniform(-4.5, 4.5, size=(1, 3, 6, 6)).astype(np.float32)
    np.savez(os.path.join(directory, "in.npz"), x=x)


def compute(directory):
    wts = np.load(os.path.join(directory, "tpu_int8_weights.npz"))
    x = np.load(os.path.join(directory, "in.npz"))["x"].astype(np.float64)
    # Cast: sat(round_half_away(x / scale) + zp); x / 0.03125 is exact.
    v = x / 0.03125
    q = (np.sign(v) * np.floor(np.abs(v) + 0.5)).astype(np.int64) - 4
    q = np.clip(q, -128, 127)
    # Conv2D: padding reads the input zero point (-4).
    w = wts["conv_filter_i8"].astype(np.int64)
    b = wts["conv_bias_i32"].astype(np.int64)
    xp = np.pad(q, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=-4)
    acc = np.zeros((1, 4, 6, 6), dtype=np.int64)
    for o in range(4):
        for ky in range(3):
            for kx in range(3):
                acc[0, o] += np.einsum("chw,c->hw", xp[0, :, ky:ky + 6, kx:kx + 6],
                                       w[o, :, ky, kx])
        acc[0, o] += b[o]
    acc = np.clip(acc, -2**31, 2**31 - 1)
    y = shift_half_away(acc * MULT[None, :, None, None],
                        SHIFT[None, :, None, None]) + 10
    conv = np.clip(np.clip(y, 0, 255), 10, 255)  # relu at the zero point
    table = wts["lut_table"].astype(np.int64)
    lut = table[conv & 0xff]
    # Add: per-input multipliers and shifts, zero points -4 in and out.
    s = shift_half_away((q + 4) * 3, 2) + shift_half_away((q + 4) * 5, 3) - 4
    add = np.clip(s, -128, 127)
    return {"x_i8": q, "conv": conv, "lut": lut, "add": add}


def check(directory, result_path):
    want = compute(directory)
    got = np.load(result_path)
    for name in got.files:
        if name not in want:
            continue
        g = got[name]
        if g.shape != want[name].shape or not np.array_equal(g, want[name]):
            diff = int(np.sum(g.astype(np.int64) != want[name])) \
                if g.shape == want[name].shape else -1
            print(f"{name}: MISMATCH ({diff} values differ)")
        else:
            print(f"{name}: ok")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
