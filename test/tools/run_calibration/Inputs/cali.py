"""Independent checks of run_calibration tables on docs/examples/mini_cnn.mlir,
through the numpy twin of the network (test/tools/model_runner/Inputs).

  cali.py samples DIR N            writes N seeded .npy samples and DIR.txt,
                                   a data list of them
  cali.py check TABLE WEIGHTS DIR METHOD [symmetric]
      recomputes every tensor of every sample of DIR in float64 and prints
      "<name>: ok" per table row, or "<name>: BAD ..." when the row breaks
      the rules (threshold in [1e-5, abs-max]; min/max = the true range;
      max and the input: threshold = abs-max).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..",
                                "model_runner", "Inputs"))
import mini_cnn  # noqa: E402


def samples(folder, count):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(7)
    names = []
    for i in range(count):
        # Varied scales, so that later samples grow the histograms.
        x = rng.standard_t(3, size=(1, 1, 8, 8)) * (0.5 + i / count)
        name = f"s{i:03d}.npy"
        np.save(os.path.join(folder, name), x.astype(np.float32))
        names.append(name)
    with open(folder + ".txt", "w") as f:
        f.write("# mini_cnn samples\n")
        for name in names:
            f.write(os.path.join(os.path.basename(folder), name) + "\n")


def read_table(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("#weight_scale"):
                break
            if line and not line.startswith("#"):
                name, th, lo, hi = line.split()
                rows.append((name, float(th), float(lo), float(hi)))
    return rows


def check(table, weights_path, folder, method, symmetric=False):
    weights = dict(np.load(weights_path))
    lo, hi = {}, {}
    for name in sorted(os.listdir(folder)):
        x = np.load(os.path.join(folder, name)).astype(np.float64)
        for tensor, value in mini_cnn.network(x, weights).items():
            lo[tensor] = min(lo.get(tensor, np.inf), value.min())
            hi[tensor] = max(hi.get(tensor, -np.inf), value.max())
    for name, th, tmin, tmax in read_table(table):
        absmax = max(abs(lo[name]), abs(hi[name]))
        problems = []
        if not 1e-5 <= th <= absmax * (1 + 1e-5) + 1e-6:
            problems.append(f"threshold {th} outside [1e-5, {absmax}]")
        if symmetric:
            if tmin != -th or tmax != th:
                problems.append(f"range [{tmin}, {tmax}] not symmetric")
        elif abs(tmin - lo[name]) > 1e-5 or abs(tmax - hi[name]) > 1e-5:
            problems.append(f"range [{tmin}, {tmax}] != [{lo[name]}, "
                            f"{hi[name]}]")
        if (method == "max" or name == "input") and abs(th - absmax) > 1e-5:
            problems.append(f"threshold {th} != abs-max {absmax}")
        print(f"{name}: " + ("BAD " + "; ".join(problems) if problems
                             else "ok"))


if __name__ == "__main__":
    if sys.argv[1] == "samples":
        samples(sys.argv[2], int(sys.argv[3]))
    else:
        check(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5],
              len(sys.argv) > 6 and sys.argv[6] == "symmetric")
