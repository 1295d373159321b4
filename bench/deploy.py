#!/usr/bin/env python3
"""INT8 deployment speed on resnet18 and mobilenet_v2 (224x224): how long
model_deploy takes to lower a model, and how fast the Tpu interpreter runs
the lowered INT8 (and F16) modules next to the Top f32 module. Rewrites the
deploy section of docs/benchmarks.md. A benchmark, not a test: it asserts
nothing about speed.

Per model, as e2e/models/run_models.py exports it (torchvision's random
init, torch.manual_seed(0), BatchNorm statistics calibrated on random
batches, a random normal 1x3x224x224 input):
  1. model_transform -> <model>.mlir (Top, f32);
  2. run_calibration on `--samples` random normal inputs (other seeds than
     the timed input) -> <model>_cali_table;
  3. model_deploy --quantize INT8 --processor bm1684x (and F16), `--deploy_runs`
     times each: the lowering time is what model_deploy prints
     ("model_deploy: lowered in X s": the lowering pipeline alone), the
     process wall time is also kept;
  4. latency at each of `--threads` (2, then 1): bench/interpreter_timing.cpp
     (built with model_runner's compile and link lines, as
     bench/interpreter.py does) parses a module, creates the
     ModuleInterpreter once and times ModuleInterpreter::invoke alone, batch
     1: `--warmup` untimed calls, `--iters` timed ones, in `--rounds`
     interleaved rounds (f32, INT8, F16, next model); medians over every
     timed call, per-op-type times from `--profile` extra calls; the INT8
     outputs must be the same bytes at every thread count;
  5. the INT8 module once more with TPUC_INT8_REFERENCE=1 (tpu.Conv2D and
     tpu.MatMul on their int64 reference loops, i.e. the code before the
     oneDNN int8 kernels), `--loops_iters` timed calls, and a check that its
     outputs are byte-identical to the kernels';
  6. model_runner end to end (process start, parse, weights, init, one
     invoke, output write) on the f32 and INT8 modules, `--e2e_runs` each.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "e2e", "models"))
import interpreter as ib  # noqa: E402  (harness build, machine, timing)
import run_models  # noqa: E402  (the model-level tests' exporter)

SECTION_BEGIN = "<!-- deploy: written by bench/deploy.sh -->"
SECTION_END = "<!-- deploy: end -->"
GOALS = {"lowering_s": 2.0, "int8_vs_f32": 1.0}


def lowering_seconds(stderr):
    for line in stderr.splitlines():
        if line.startswith("model_deploy: lowered in "):
            return float(line.split()[3])
    raise RuntimeError("no 'lowered in' line:\n" + stderr[-2000:])


def deploy(tools, mlir, table, mode, out_dir, threads):
    cmd = [os.path.join(tools, "model_deploy"), "--mlir", mlir, "--quantize",
           mode, "--processor", "bm1684x", "--model",
           os.path.join(out_dir, "model.bmodel"), "--threads", str(threads)]
    if mode == "INT8":
        cmd += ["--calibration_table", table]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stderr[-3000:]}")
    return lowering_seconds(p.stderr), wall


def harness(exe, mlir, in_npz, threads, warmup, iters, profile, out_npz,
            env=None):
    return ib.run_json([exe, mlir, in_npz, str(threads), str(warmup),
                        str(iters), str(profile), out_npz], env=env)


def cosine(a, b):
    a = a.astype(np.float64).ravel()
    b = b.astype(np.float64).ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-300))


def only_array(npz):
    with np.load(npz) as f:
        keys = list(f.keys())
        return f[keys[0]]


def profile_line(profile, top=6):
    total = sum(ms for ms, _ in profile.values())
    items = sorted(profile.items(), key=lambda kv: -kv[1][0])[:top]
    return f"total {total:.1f} ms: " + ", ".join(
        f"{k} ×{int(n)} {ms:.1f} ms ({100 * ms / total:.0f} %)"
        for k, (ms, n) in items)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="resnet18,mobilenet_v2")
    ap.add_argument("--samples", type=int, default=4,
                    help="calibration samples (random normal inputs)")
    ap.add_argument("--deploy_runs", type=int, default=3)
    ap.add_argument("--threads", default="2,1",
                    help="thread counts of the latency runs, comma-separated;"
                         " the first is the one the goals are judged at and"
                         " the one every other step uses")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", type=int, default=3)
    ap.add_argument("--loops_iters", type=int, default=1,
                    help="timed invokes of the INT8 module on the int64 "
                         "reference loops (0: skip)")
    ap.add_argument("--e2e_runs", type=int, default=3)
    ap.add_argument("--workdir", default="")
    ap.add_argument("--report", default=os.path.join(ROOT, "docs",
                                                     "benchmarks.md"),
                    help="markdown file to write ('' for none)")
    ap.add_argument("--command", default="bench/deploy.sh")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    args.thread_counts = [int(t) for t in args.threads.split(",") if t]
    args.threads = args.thread_counts[0]
    models = [m for m in args.models.split(",") if m]
    for m in models:
        if m not in run_models.MODELS or \
                run_models.MODELS[m][1] != [1, 3, 224, 224]:
            ap.error(f"not a 224x224 model of run_models.py: {m}")
    tmp = None
    if args.workdir:
        workdir = os.path.abspath(args.workdir)
        os.makedirs(workdir, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="tpuc-bench-deploy-")
        workdir = tmp.name
    load_before = ib.loadavg()
    started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")

    # Private copies of the tools: the tree may be relinked meanwhile.
    tools = os.path.join(workdir, "bin")
    os.makedirs(tools, exist_ok=True)
    for t in ("model_transform", "run_calibration", "model_deploy",
              "model_runner"):
        ib.copy_tool(os.path.join(args.build, "bin", t), tools)
    exe = ib.retry(lambda: ib.build_harness(args.build, workdir), "build")

    prepared = {}
    for m in models:
        mdir = os.path.join(workdir, m)
        os.makedirs(mdir, exist_ok=True)
        onnx_path = os.path.join(mdir, m + ".onnx")
        in_npz = os.path.join(mdir, m + "_input.npz")
        ib.log(f"bench: exporting, importing and calibrating {m}")
        shape = run_models.export(m, onnx_path, in_npz)
        mlir = os.path.join(mdir, m + ".mlir")
        ib.run([os.path.join(tools, "model_transform"), "--model_name", m,
                "--model_def", onnx_path, "--mlir", mlir, "--input_shapes",
                "[[" + ",".join(map(str, shape)) + "]]"], cwd=mdir)
        samples = os.path.join(mdir, "samples")
        os.makedirs(samples, exist_ok=True)
        for i in range(args.samples):
            np.save(os.path.join(samples, f"sample{i}.npy"),
                    np.random.RandomState(1000 + i)
                    .standard_normal(shape).astype(np.float32))
        table = os.path.join(mdir, m + "_cali_table")
        ib.run([os.path.join(tools, "run_calibration"), mlir, "--dataset",
                samples, "--input_num", str(args.samples), "-o", table,
                "--threads", str(args.threads)], cwd=mdir)
        lowered = {}
        for mode in ("INT8", "F16"):
            out_dir = os.path.join(mdir, mode.lower())
            os.makedirs(out_dir, exist_ok=True)
            runs = [deploy(tools, mlir, table, mode, out_dir, args.threads)
                    for _ in range(args.deploy_runs)]
            suffix = "int8_sym" if mode == "INT8" else "f16"
            tpu = os.path.join(out_dir, f"{m}_bm1684x_{suffix}_tpu.mlir")
            if not os.path.exists(tpu):
                raise RuntimeError(f"model_deploy wrote no {tpu}")
            lowered[mode] = (tpu, runs)
            ib.log(f"bench: {m} {mode} lowered in "
                   f"{[round(r[0], 3) for r in runs]} s")
        prepared[m] = (mdir, in_npz, mlir, lowered)

    variants = ("f32", "INT8", "F16")
    res = {(m, v, t): {"times": [], "profile": None} for m in models
           for v in variants for t in args.thread_counts}
    loads = []
    for r in range(args.rounds):
        for t in args.thread_counts:
            for m in models:
                mdir, in_npz, mlir, lowered = prepared[m]
                for v in variants:
                    module = mlir if v == "f32" else lowered[v][0]
                    loads.append(float(ib.loadavg()[0]))
                    ib.log(f"bench: round {r + 1}/{args.rounds}, {t} "
                           f"threads, {m} {v} (load {loads[-1]})")
                    out = os.path.join(mdir, f"out_{v}_{t}.npz")
                    first = r == 0 and t == args.threads
                    d = harness(exe, module, in_npz, t, args.warmup,
                                args.iters, args.profile if first else 0, out)
                    res[m, v, t]["times"] += d["times_ms"]
                    if first:
                        res[m, v, t]["profile"] = d["profile_ms"]
                        res[m, v, t]["create_ms"] = d["create_ms"]

    checks = {}
    for m in models:
        mdir, in_npz, mlir, lowered = prepared[m]
        t = args.threads
        ref = only_array(os.path.join(mdir, f"out_f32_{t}.npz"))
        checks[m] = {v: cosine(only_array(os.path.join(mdir,
                                                       f"out_{v}_{t}.npz")),
                               ref) for v in ("INT8", "F16")}
        # Thread-count independence of the INT8 outputs.
        with np.load(os.path.join(mdir, f"out_INT8_{t}.npz")) as a:
            checks[m]["threads_same"] = all(
                np.load(os.path.join(mdir, f"out_INT8_{u}.npz"))[k].tobytes()
                == a[k].tobytes() for u in args.thread_counts for k in a.keys())
        if args.loops_iters > 0:
            ib.log(f"bench: {m} INT8 on the int64 reference loops")
            out = os.path.join(mdir, "out_INT8_loops.npz")
            env = dict(os.environ, TPUC_INT8_REFERENCE="1")
            d = harness(exe, lowered["INT8"][0], in_npz, args.threads, 0,
                        args.loops_iters, 0, out, env=env)
            res[m, "loops"] = {"times": d["times_ms"]}
            with np.load(out) as a, \
                    np.load(os.path.join(mdir, f"out_INT8_{t}.npz")) as b:
                checks[m]["identical"] = list(a.keys()) == list(b.keys()) and \
                    all(a[k].tobytes() == b[k].tobytes() for k in a.keys())
        e2e = {"f32": [], "INT8": []}
        rss = {"f32": 0, "INT8": 0}
        for _ in range(args.e2e_runs):
            for v in e2e:
                module = mlir if v == "f32" else lowered["INT8"][0]
                wall, peak = ib.timed_process(
                    [os.path.join(tools, "model_runner"), "--input", in_npz,
                     "--model", module, "--output",
                     os.path.join(mdir, "runner_out.npz"), "--threads",
                     str(args.threads)], cwd=mdir)
                e2e[v].append(wall)
                rss[v] = max(rss[v], peak)
        res[m, "e2e"] = e2e
        res[m, "rss"] = rss
    load_after = ib.loadavg()

    section = report(args, models, prepared, res, checks, started, load_before,
                     load_after, loads)
    print(section)
    if args.report:
        text = open(args.report).read() if os.path.exists(args.report) else ""
        if SECTION_BEGIN in text and SECTION_END in text:
            head, rest = text.split(SECTION_BEGIN, 1)
            tail = rest.split(SECTION_END, 1)[1]
            text = head + section.rstrip("\n") + tail
        else:
            text = text.rstrip("\n") + "\n\n" + section
        tmp_report = args.report + ".tmp"
        with open(tmp_report, "w") as f:
            f.write(text)
        os.replace(tmp_report, args.report)
    if tmp:
        tmp.cleanup()


def report(args, models, prepared, res, checks, started, load_before,
           load_after, loads):
    mach = ib.machine()
    med = ib.median
    t0 = args.threads
    threads = ",".join(map(str, args.thread_counts))
    lines = [SECTION_BEGIN, "## Deployment: lowering time and INT8 latency",
             "",
             f"Written by `bench/deploy.sh` (`bench/deploy.py`) on {started}: "
             f"{mach['cpu']} ({mach['simd']}), {mach['cpus']} CPUs (a VM "
             f"shared with other work), {mach['mem']}; load average before "
             f"{', '.join(load_before)}, after {', '.join(load_after)}, at "
             f"the start of each latency measurement "
             f"{min(loads):.2f}–{max(loads):.2f}.",
             f"Command: `{args.command}` (in effect: `--threads {threads} "
             f"--samples {args.samples} --deploy_runs {args.deploy_runs} "
             f"--warmup {args.warmup} --iters {args.iters} --rounds "
             f"{args.rounds} --profile {args.profile} --loops_iters "
             f"{args.loops_iters} --e2e_runs {args.e2e_runs}`).",
             "",
             "Models as `e2e/models/run_models.py` exports them (random "
             "weights, BatchNorm statistics calibrated on random batches, a "
             "random normal 1x3x224x224 input); calibration table from "
             f"`run_calibration` (KLD) on {args.samples} random normal "
             "samples; `model_deploy --processor bm1684x` (symmetric INT8, "
             "F16). Lowering: what model_deploy prints (`lowered in X s`), "
             f"median of {args.deploy_runs}. Latency: "
             "`bench/interpreter_timing.cpp`, `ModuleInterpreter::invoke` "
             f"alone, batch 1, median of {args.rounds} × {args.iters} timed "
             "calls, the three modules of a model interleaved in every round. "
             "*INT8 loops*: the same INT8 module with `TPUC_INT8_REFERENCE=1` "
             "(tpu.Conv2D / tpu.MatMul on their int64 reference loops, the "
             f"code before the oneDNN int8 kernels), {args.loops_iters} "
             f"call(s) at {t0} threads.",
             "",
             "| model | threads | lowering INT8 s | lowering F16 s | f32 ms | "
             "INT8 ms | INT8 / f32 | F16 ms | F16 / f32 | INT8 loops ms | "
             "loops / INT8 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for m in models:
        lowered = prepared[m][3]
        low = {v: med([r[0] for r in lowered[v][1]]) for v in lowered}
        for t in args.thread_counts:
            f32 = med(res[m, "f32", t]["times"])
            i8 = med(res[m, "INT8", t]["times"])
            f16 = med(res[m, "F16", t]["times"])
            loops = (med(res[m, "loops"]["times"])
                     if t == t0 and (m, "loops") in res else None)
            lines.append(
                f"| {m} | {t} | {low['INT8']:.3f} | {low['F16']:.3f} | "
                f"{f32:.1f} | {i8:.1f} | {i8 / f32:.2f} | {f16:.1f} | "
                f"{f16 / f32:.2f} | "
                + (f"{loops:.0f} | {loops / i8:.0f}× |" if loops
                   else "– | – |"))
    lines += ["", f"Spread ({t0} threads), end to end and checks:", "",
              "| model | f32 p10–p90 ms | INT8 p10–p90 ms | F16 p10–p90 ms "
              "| model_runner f32 / INT8 wall ms | model_runner f32 / INT8 "
              "peak RSS | INT8 create ms | INT8 vs f32 output cosine | F16 "
              "cosine | INT8 kernels = loops | INT8 same bytes at "
              f"{threads} threads |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for m in models:
        sp = {v: f"{ib.pct(res[m, v, t0]['times'], 0.1):.1f}–"
                 f"{ib.pct(res[m, v, t0]['times'], 0.9):.1f}"
              for v in ("f32", "INT8", "F16")}
        e2e = res[m, "e2e"]
        same = checks[m].get("identical")
        lines.append(
            f"| {m} | {sp['f32']} | {sp['INT8']} | {sp['F16']} | "
            f"{med(e2e['f32']):.0f} / {med(e2e['INT8']):.0f} | "
            f"{ib.mib(res[m, 'rss']['f32']):.0f} / "
            f"{ib.mib(res[m, 'rss']['INT8']):.0f} MiB | "
            f"{res[m, 'INT8', t0]['create_ms']:.0f} | "
            f"{checks[m]['INT8']:.4f} | {checks[m]['F16']:.6f} | "
            + ("–" if same is None else "yes, byte for byte" if same
               else "**NO**") + " | "
            + ("yes" if checks[m]["threads_same"] else "**NO**") + " |")
    lines += ["", f"Time per op type ({t0} threads, mean of {args.profile} "
              "profiled invokes, first round):", ""]
    for m in models:
        for v in ("f32", "INT8", "F16"):
            prof = res[m, v, t0]["profile"]
            if prof:
                lines.append(f"- **{m} {v}**: {profile_line(prof)}")
    lines += ["", f"Goals: lowering ≤ 2 s per model; INT8 latency ≤ 1.0× "
              f"f32 (medians, {t0} threads):", ""]
    for m in models:
        lowered = prepared[m][3]
        low = med([r[0] for r in lowered["INT8"][1]])
        ratio = (med(res[m, "INT8", t0]["times"]) /
                 med(res[m, "f32", t0]["times"]))
        lines.append(
            f"- {m}: lowering {low:.2f} s "
            f"({'met' if low <= GOALS['lowering_s'] else '**not met**'}), "
            f"INT8 / f32 {ratio:.2f}× "
            f"({'met' if ratio <= GOALS['int8_vs_f32'] else '**not met**'}).")
    lines.append(SECTION_END)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
