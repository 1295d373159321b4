#!/usr/bin/env python3
"""Batch-1 latency and peak memory of tpuc's Top interpreter against PyTorch
eager and onnxruntime, on torchvision models at 224x224; writes
docs/benchmarks.md. A benchmark, not a test: it asserts nothing about speed.

What is measured, per model and framework, each in its own process:
- tpuc: bench/interpreter_timing.cpp, built here against the build tree
  (model_runner's compile and link lines): parses the .mlir that
  model_transform wrote, creates the ModuleInterpreter (weights, buffer plan,
  every op's init) once, then times ModuleInterpreter::invoke alone.
- PyTorch eager: the same torchvision module (same weights, saved by the
  export), eval mode, under torch.no_grad(), torch.set_num_threads(threads).
- onnxruntime-node 1.30 on the same .onnx: intraOpNumThreads = threads,
  interOpNumThreads 1, sequential, graphOptimizationLevel 'all'.
All three: same input array, `--warmup` untimed calls, then `--iters` timed
calls of the forward pass alone (no input conversion, no output copy);
repeated in `--rounds` interleaved rounds (tpuc, torch, ort, next model, ...)
so that background load hits all alike; the median is over every timed
call. Peak RSS is each process's VmHWM (the whole process: interpreter
and libraries included), with the RSS before loading the model for scale.
Also: model_runner end to end (process start, parse, weight load, init, one
cold invoke, output write) as a command-line user sees it, and tpuc's time
per Top op type (a separate profiled pass with a per-tensor callback).
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "e2e", "models"))
import run_models  # noqa: E402  (the model-level tests' exporter)

GOALS = {"torch": 1.0, "ort": 1.5, "rss_ort": 1.5}

TORCH_SCRIPT = r"""
import json, sys, time
import numpy as np
sys.path.insert(0, sys.argv[1])
import torch
import run_models
name, state, in_npz, threads, warmup, iters, out_npz = sys.argv[2:9]
torch.set_num_threads(int(threads))
def status_kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
rss_start = status_kb("VmRSS")
model = run_models.MODELS[name][0]()
model.load_state_dict(torch.load(state))
model.eval()
x = torch.from_numpy(np.load(in_npz)["input"])
times = []
with torch.no_grad():
    for _ in range(int(warmup)):
        y = model(x)
    for _ in range(int(iters)):
        t0 = time.perf_counter()
        y = model(x)
        times.append((time.perf_counter() - t0) * 1e3)
np.savez(out_npz, output=y.numpy())
print(json.dumps({"times_ms": times, "rss_start_kb": rss_start,
                  "peak_rss_kb": status_kb("VmHWM"),
                  "threads": torch.get_num_threads()}))
"""

ORT_SCRIPT = r"""
const ort = require('onnxruntime-node');
const fs = require('fs');
const [model, input, shape, threads, warmup, iters] = process.argv.slice(2);
(async () => {
  const rssStart = Math.round(process.memoryUsage().rss / 1024);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads), interOpNumThreads: 1,
    executionMode: 'sequential', graphOptimizationLevel: 'all'});
  const buf = fs.readFileSync(input);
  const data = new Float32Array(
      buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const dims = shape.split(',').map(Number);
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', data, dims)};
  for (let i = 0; i < Number(warmup); ++i) await session.run(feeds);
  const times = [];
  for (let i = 0; i < Number(iters); ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const hwm = /VmHWM:\s*(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  console.log(JSON.stringify({times_ms: times, rss_start_kb: rssStart,
                              peak_rss_kb: Number(hwm[1])}));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed ({p.returncode}):\n"
                           f"{p.stdout[-2000:]}{p.stderr[-4000:]}")
    return p.stdout


def run_json(cmd, **kw):
    out = run(cmd, **kw)
    return json.loads(out.strip().splitlines()[-1])


def timed_process(cmd, **kw):
    """Wall time (ms, GNU time's %e is too coarse: measured here) and peak
    RSS (kB) of a command. The RSS comes from /usr/bin/time: a child forked
    by this (large) Python process would inherit its ru_maxrss high-water
    mark across exec, one forked by `time` does not."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "maxrss_kb=%M"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True, **kw)
    wall = (time.perf_counter() - t0) * 1e3
    if p.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed: {p.stderr[-2000:]}")
    return wall, int(re.findall(r"maxrss_kb=(\d+)", p.stderr)[-1])


def retry(fn, what, tries=10, wait=30):
    """fn(), retried while the build tree is being rebuilt concurrently."""
    for i in range(tries):
        try:
            return fn()
        except (RuntimeError, OSError) as e:
            if i == tries - 1:
                raise
            log(f"bench: {what} failed, retrying in {wait} s "
                f"(the tree may be relinking): {str(e)[:200]}")
            time.sleep(wait)


def copy_tool(src, dstdir):
    """Copies a built tool once it is complete (it runs --help)."""
    dst = os.path.join(dstdir, os.path.basename(src))

    def attempt():
        shutil.copy2(src, dst)
        run([dst, "--help"])
    retry(attempt, "copying " + os.path.basename(src))


def build_harness(build, workdir):
    """Compiles bench/interpreter_timing.cpp with model_runner's flags and
    links it with model_runner's link line (libraries copied first, so that
    a concurrent rebuild of the tree cannot change them mid-link)."""
    cc = json.load(open(os.path.join(build, "compile_commands.json")))
    entry = next(e for e in cc if e["file"].endswith("model_runner.cpp"))
    args = shlex.split(entry["command"])
    src = os.path.join(HERE, "interpreter_timing.cpp")
    obj = os.path.join(workdir, "interpreter_timing.o")
    i = args.index("-o")
    args[i + 1] = obj
    args[args.index("-c") + 1] = src
    args = [a for a in args if a != "-fdiagnostics-color"]
    log("bench: compiling interpreter_timing.cpp")
    run(args, cwd=entry["directory"])

    link = run(["ninja", "-C", build, "-t", "commands", "bin/model_runner"])
    link = link.strip().splitlines()[-1]
    link = link.removeprefix(": && ").removesuffix(" && :")
    largs = shlex.split(link)
    libdir = os.path.join(workdir, "lib")
    os.makedirs(libdir, exist_ok=True)
    exe = os.path.join(workdir, "interpreter_timing")
    out = []
    for a in largs:
        if a.endswith("model_runner.cpp.o"):
            a = obj
        elif a == "bin/model_runner":
            a = exe
        elif a.startswith("lib/") and a.endswith(".a"):
            dst = os.path.join(libdir, os.path.basename(a))
            shutil.copy2(os.path.join(build, a), dst)
            a = dst
        elif "$ORIGIN" in a:
            a = a.replace("$ORIGIN/../lib", os.path.join(build, "lib"))
        out.append(a)
    log("bench: linking interpreter_timing")
    run(out, cwd=build)
    return exe


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True).stdout.strip()
    except OSError:
        return ""


def loadavg():
    return open("/proc/loadavg").read().split()[:3]


def machine():
    model = re.search(r"Model name:\s*(.*)", sh("lscpu"))
    flags = set()
    for line in open("/proc/cpuinfo"):
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            break
    simd = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16")
            if f in flags]
    return {
        "simd": ", ".join(simd) or "no AVX2",
        "cpu": model.group(1).strip() if model else platform.processor(),
        "cpus": os.cpu_count(),
        "mem": sh("free -g | awk '/Mem:/ {print $2}'") + " GiB",
        "kernel": platform.release(),
    }


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def mib(kb):
    return kb / 1024.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="resnet18,mobilenet_v2")
    ap.add_argument("--threads", default="2,1",
                    help="thread counts, comma-separated; the first one is "
                         "the one the goals are judged at")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--iters", type=int, default=10,
                    help="timed calls per process and round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--e2e_runs", type=int, default=4,
                    help="model_runner runs per model and round")
    ap.add_argument("--profile", type=int, default=5,
                    help="profiled invokes for the per-op-type breakdown")
    ap.add_argument("--workdir", default="")
    ap.add_argument("--report", default=os.path.join(ROOT, "docs",
                                                     "benchmarks.md"),
                    help="markdown file to write ('' for none)")
    ap.add_argument("--command", default="",
                    help="the command line to record in the report")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    models = [m for m in args.models.split(",") if m]
    threads = [int(t) for t in args.threads.split(",") if t]
    for m in models:
        if m not in run_models.MODELS or run_models.MODELS[m][1] != [1, 3, 224, 224]:
            ap.error(f"not a 224x224 model of run_models.py: {m}")
    bindir = os.path.join(args.build, "bin")
    node = shutil.which("node") or "node"
    node_path = os.environ.get("TPUC_ORT_NODE_MODULES",
                               os.path.join(ROOT, "third_party", "node",
                                            "node_modules"))

    tmp = None
    if args.workdir:
        workdir = os.path.abspath(args.workdir)
        os.makedirs(workdir, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="tpuc-bench-")
        workdir = tmp.name

    load_before = loadavg()
    started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")

    # Private copies of the tools: the tree may be relinked meanwhile.
    tools = os.path.join(workdir, "bin")
    os.makedirs(tools, exist_ok=True)
    for t in ("model_transform", "model_runner"):
        copy_tool(os.path.join(bindir, t), tools)
    exe = retry(lambda: build_harness(args.build, workdir), "build")

    torch_py = os.path.join(workdir, "torch_bench.py")
    open(torch_py, "w").write(TORCH_SCRIPT)
    ort_js = os.path.join(workdir, "ort_bench.js")
    open(ort_js, "w").write(ORT_SCRIPT)

    import torch
    torch.set_num_threads(threads[0])
    prepared = {}
    for m in models:
        mdir = os.path.join(workdir, m)
        os.makedirs(mdir, exist_ok=True)
        onnx_path = os.path.join(mdir, m + ".onnx")
        in_npz = os.path.join(mdir, m + "_input.npz")
        log(f"bench: exporting and importing {m}")
        shape = run_models.export(m, onnx_path, in_npz,
                                  os.path.join(mdir, m + ".pt"))
        mlir = os.path.join(mdir, m + ".mlir")
        run([os.path.join(tools, "model_transform"), "--model_name", m,
             "--model_def", onnx_path, "--mlir", mlir, "--input_shapes",
             "[[" + ",".join(map(str, shape)) + "]]"], cwd=mdir)
        in_bin = os.path.join(mdir, m + "_input.bin")
        np.load(in_npz)["input"].astype(np.float32).tofile(in_bin)
        prepared[m] = (mdir, onnx_path, in_npz, in_bin, mlir, shape)

    res = {(m, t): {"tpuc": [], "torch": [], "ort": [], "e2e": [],
                    "rss": {}, "profile": None, "parse_create": []}
           for m in models for t in threads}
    loads = []
    env_ort = dict(os.environ, NODE_PATH=node_path)
    for r in range(args.rounds):
        for t in threads:
            main_t = t == threads[0]
            for m in models:
                mdir, onnx_path, in_npz, in_bin, mlir, shape = prepared[m]
                loads.append(float(loadavg()[0]))
                log(f"bench: round {r + 1}/{args.rounds}, {t} threads, {m} "
                    f"(load {loads[-1]})")
                measure(res[m, t], r, t, main_t, args, exe, tools, torch_py,
                        ort_js, node, env_ort, m, prepared[m])
    load_after = loadavg()

    rows = []
    for (m, t), d in res.items():
        row = {
            "model": m, "threads": t,
            "tpuc": median(d["tpuc"]), "torch": median(d["torch"]),
            "ort": median(d["ort"]),
            "spread": {k: (pct(d[k], 0.1), pct(d[k], 0.9))
                       for k in ("tpuc", "torch", "ort")},
            "n": {k: len(d[k]) for k in ("tpuc", "torch", "ort")},
            "rss": {k: (median([s for s, _ in v]), max(p for _, p in v))
                    for k, v in d["rss"].items()},
            "e2e": median([w for w, _ in d["e2e"]]),
            "e2e_rss": max((p for _, p in d["e2e"]), default=0),
            "e2e_n": len(d["e2e"]),
            "parse": median([p for p, _ in d["parse_create"]]),
            "create": median([c for _, c in d["parse_create"]]),
            "profile": d["profile"], "check": d.get("check"),
            "torch_threads": d["torch_threads"],
        }
        rows.append(row)
        log(f"{m} @{t}: tpuc {row['tpuc']:.1f} ms, torch {row['torch']:.1f} "
            f"ms, ort {row['ort']:.1f} ms; peak RSS tpuc "
            f"{mib(row['rss']['tpuc'][1]):.0f} MiB, torch "
            f"{mib(row['rss']['torch'][1]):.0f} MiB, ort "
            f"{mib(row['rss']['ort'][1]):.0f} MiB")
    summary = {"rows": rows, "load_before": load_before,
               "load_after": load_after, "loads": loads}
    print(json.dumps(summary, indent=1))
    if args.report:
        write_report(args, threads, rows, load_before, load_after, loads,
                     started)
        log(f"bench: wrote {args.report}")
    if tmp:
        tmp.cleanup()
    return 0


def measure(d, r, t, main_t, args, exe, tools, torch_py, ort_js, node,
            env_ort, m, prep):
    """One round of model m at t threads: tpuc, torch, ort (and, at the
    main thread count, model_runner end to end)."""
    mdir, onnx_path, in_npz, in_bin, mlir, shape = prep
    profile = args.profile if r == 0 else 0
    out_npz = os.path.join(mdir, "tpuc_out.npz")
    x = run_json([exe, mlir, in_npz, str(t), str(args.warmup),
                  str(args.iters), str(profile), out_npz], cwd=mdir)
    d["tpuc"] += x["times_ms"]
    d["parse_create"].append((x["parse_ms"], x["create_ms"]))
    d["rss"].setdefault("tpuc", []).append(
        (x["rss_start_kb"], x["peak_rss_kb"]))
    if profile:
        d["profile"] = x["profile_ms"]
    torch_out = os.path.join(mdir, "torch_out.npz")
    x = run_json([sys.executable, torch_py, os.path.join(ROOT, "e2e", "models"),
                  m, os.path.join(mdir, m + ".pt"), in_npz, str(t), str(args.warmup), str(args.iters),
                  torch_out])
    d["torch"] += x["times_ms"]
    d["torch_threads"] = x["threads"]
    d["rss"].setdefault("torch", []).append(
        (x["rss_start_kb"], x["peak_rss_kb"]))
    x = run_json([node, ort_js, onnx_path, in_bin, ",".join(map(str, shape)),
                  str(t), str(args.warmup), str(args.iters)], env=env_ort)
    d["ort"] += x["times_ms"]
    d["rss"].setdefault("ort", []).append(
        (x["rss_start_kb"], x["peak_rss_kb"]))
    if main_t:
        for _ in range(args.e2e_runs):
            d["e2e"].append(timed_process(
                [os.path.join(tools, "model_runner"), "--input", in_npz,
                 "--model", mlir, "--output",
                 os.path.join(mdir, "runner_out.npz"), "--threads", str(t)],
                cwd=mdir))
    if r == 0:
        a = list(np.load(out_npz).values())[0].ravel().astype(np.float64)
        b = np.load(torch_out)["output"].ravel().astype(np.float64)
        d["check"] = (float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))),
                      float(np.abs(a - b).max()), float(np.abs(b).max()))


def latency_table(w, rows):
    w("| model | tpuc ms | torch ms | ort ms | tpuc/torch | tpuc/ort | "
      "peak RSS tpuc | peak RSS torch | peak RSS ort | RSS tpuc/ort |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        rs = r["rss"]
        w(f"| {r['model']} | {r['tpuc']:.1f} | {r['torch']:.1f} | "
          f"{r['ort']:.1f} | {r['tpuc'] / r['torch']:.2f} | "
          f"{r['tpuc'] / r['ort']:.2f} | {mib(rs['tpuc'][1]):.0f} MiB | "
          f"{mib(rs['torch'][1]):.0f} MiB | {mib(rs['ort'][1]):.0f} MiB | "
          f"{rs['tpuc'][1] / rs['ort'][1]:.2f} |")


def write_report(args, threads, rows, load_before, load_after, loads,
                 started):
    mach = machine()
    t = threads[0]
    main_rows = [r for r in rows if r["threads"] == t]
    cmd = args.command or "bench/interpreter.py " + " ".join(
        shlex.quote(a) for a in sys.argv[1:])
    L = []
    w = L.append
    w("# Benchmarks")
    w("")
    w("Written by `bench/interpreter.sh` (`bench/interpreter.py`); rerun it "
      "to refresh this page (the hand-written analysis at the end is kept). "
      "Benchmarks are never timed tests.")
    w("")
    w("## Top interpreter, batch-1 latency")
    w("")
    w(f"- Machine: {mach['cpu']} ({mach['simd']}), {mach['cpus']} CPUs, "
      f"{mach['mem']} RAM, "
      f"Linux {mach['kernel']}; run {started}.")
    w(f"- Command: `{cmd.strip()}` (in effect: `--threads {args.threads} "
      f"--iters {args.iters} --rounds {args.rounds} --warmup {args.warmup} "
      f"--e2e_runs {args.e2e_runs} --profile {args.profile}`)")
    w(f"- Threads: {t} for every framework (tpuc `--threads {t}`; "
      f"`torch.set_num_threads({t})`; onnxruntime `intraOpNumThreads: {t}`, "
      "`interOpNumThreads: 1`)"
      + (f"; also measured at {', '.join(map(str, threads[1:]))} "
         "(second table)." if threads[1:] else "."))
    w(f"- Load average (1, 5, 15 min) before: {', '.join(load_before)}; "
      f"after: {', '.join(load_after)}; 1-min load at the start of each "
      f"measurement (the benchmark's own threads included): "
      f"{min(loads):.2f}–{max(loads):.2f}.")
    # The benchmark itself keeps up to max(threads) cores busy; load beyond
    # that (or any load before it started) is other work.
    cpus = mach["cpus"] or 1
    loaded = (float(load_before[0]) > 0.5 * cpus or
              max(loads + [float(load_after[0])]) > max(threads) + 0.5)
    if loaded:
        w("  **The machine was loaded**: other work (compilers of the other "
          "engineers) shared these cores. Absolute times are inflated and "
          "noisy, multi-threaded runs most (a descheduled thread stalls its "
          "partner at every barrier). Rounds are interleaved so that the "
          "load hits the three frameworks alike, which keeps the ratios "
          "meaningful, but with more noise than on an idle machine; the "
          "p10 column below is the least disturbed estimate.")
    w("")
    w("What is measured, per model, each framework in its own process, on "
      "the same random 1x3x224x224 input and the same weights, exported as "
      "`e2e/models/run_models.py` does: torchvision's random init "
      "(`torch.manual_seed(0)`) with the BatchNorm statistics calibrated on "
      "random batches, so that activations have a realistic scale (plain "
      "random init shrinks them towards denormal floats, which slow some "
      "kernels down many times over):")
    w("")
    w("- **tpuc**: `bench/interpreter_timing.cpp` (built by the script with "
      "`model_runner`'s compile and link lines) parses the `.mlir` written "
      "by `model_transform`, creates the `ModuleInterpreter` once (weights, "
      "buffer plan, every op's `init`: oneDNN primitives), then times "
      "`ModuleInterpreter::invoke()` alone: the interpreter's forward pass, "
      "without parse, load, input conversion or output write.")
    w("- **torch**: PyTorch 1.13 eager (Debian build, oneDNN 2.6, OpenMP), "
      "the same torchvision module in eval mode under `torch.no_grad()`, "
      "`model(x)` timed.")
    w("- **ort**: onnxruntime-node 1.30 (`third_party/node`) on the same "
      "`.onnx`, `graphOptimizationLevel: 'all'`, sequential execution, "
      "`await session.run(feeds)` timed (it includes the small JS binding "
      "overhead).")
    w(f"- Each process: {args.warmup} untimed warm-up calls, then "
      f"{args.iters} timed calls; {args.rounds} rounds, interleaved (tpuc, "
      "torch, ort, next model). Latency = median over every timed call.")
    w("- Peak RSS: the process's high-water mark `VmHWM` (whole process: "
      "Python + libtorch, node + onnxruntime, or the tpuc harness with "
      "libLLVM, MLIR and oneDNN), max over rounds; \"base\" is the RSS "
      "before the model was loaded.")
    w("")
    w(f"### {t} threads")
    w("")
    latency_table(w, main_rows)
    w("")
    w("Spread and memory detail:")
    w("")
    w("| model | threads | tpuc p10–p90 ms | torch p10–p90 ms | "
      "ort p10–p90 ms | timed calls each | base RSS tpuc / torch / ort | "
      "peak − base tpuc / torch / ort |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        sp, rs = r["spread"], r["rss"]
        w(f"| {r['model']} | {r['threads']} | "
          + " | ".join(f"{sp[k][0]:.1f}–{sp[k][1]:.1f}"
                       for k in ("tpuc", "torch", "ort"))
          + f" | {r['n']['tpuc']} | "
          + " / ".join(f"{mib(rs[k][0]):.0f}" for k in ("tpuc", "torch", "ort"))
          + " MiB | "
          + " / ".join(f"{mib(rs[k][1] - rs[k][0]):.0f}"
                       for k in ("tpuc", "torch", "ort"))
          + " MiB |")
    w("")
    for extra in threads[1:]:
        w(f"### {extra} thread{'s' if extra > 1 else ''}")
        w("")
        latency_table(w, [r for r in rows if r["threads"] == extra])
        w("")
    w(f"### model_runner end to end, {t} threads")
    w("")
    w("What one command-line run costs (process start, parse, weight load, "
      "`init`, one cold `invoke`, output write; wall-time median and peak "
      "RSS of the process, from `/usr/bin/time`), with the harness's parse "
      "and create times, and a check that the harness computed the model "
      "(its output against PyTorch's):")
    w("")
    w("| model | model_runner wall ms | runs | peak RSS | parse ms | "
      "create (load + init) ms | tpuc output vs torch |")
    w("|---|---:|---:|---:|---:|---:|---|")
    for r in main_rows:
        cos, maxdiff, maxref = r["check"]
        w(f"| {r['model']} | {r['e2e']:.0f} | {r['e2e_n']} | "
          f"{mib(r['e2e_rss']):.0f} MiB | {r['parse']:.0f} | "
          f"{r['create']:.0f} | cosine {cos:.6f}, max abs diff "
          f"{maxdiff:.2g} (max \\|ref\\| {maxref:.2g}) |")
    w("")
    w("### tpuc time per Top op type")
    w("")
    w(f"Mean of {args.profile} profiled invokes (after the timed ones, first "
      "round), a per-tensor callback timestamping the end of each op; "
      "convolutions are split by kind. The total can differ from the "
      "medians above.")
    w("")
    for r in rows:
        prof = r["profile"] or {}
        total = sum(v[0] for v in prof.values()) or 1.0
        items = sorted(prof.items(), key=lambda kv: -kv[1][0])
        w(f"- **{r['model']}, {r['threads']} thread"
          f"{'s' if r['threads'] > 1 else ''}** (total {total:.1f} ms): "
          + ", ".join(f"{k.removeprefix('top.')} ×{v[1]} {v[0]:.1f} ms "
                      f"({100 * v[0] / total:.0f} %)"
                      for k, v in items if v[0] >= 0.05))
    w("")
    w("## Goals")
    w("")
    w(f"tpuc ≤ {GOALS['torch']:.1f}× PyTorch latency, ≤ {GOALS['ort']:.1f}× "
      f"onnxruntime latency, peak RSS ≤ {GOALS['rss_ort']:.1f}× "
      f"onnxruntime's ({t} threads, medians):")
    w("")

    def verdict(x, goal):
        return "met" if x <= goal else "**not met**"
    for r in main_rows:
        rs = r["rss"]
        a = r["tpuc"] / r["torch"]
        b = r["tpuc"] / r["ort"]
        c = rs["tpuc"][1] / rs["ort"][1]
        w(f"- {r['model']}: vs PyTorch {a:.2f}× ({verdict(a, GOALS['torch'])})"
          f", vs onnxruntime {b:.2f}× ({verdict(b, GOALS['ort'])}), "
          f"RSS vs onnxruntime {c:.2f}× ({verdict(c, GOALS['rss_ort'])}).")
    w("")
    w(ANALYSIS_MARK)
    analysis = ""
    if os.path.exists(args.report):
        old = open(args.report).read()
        if ANALYSIS_MARK in old:
            analysis = old.split(ANALYSIS_MARK, 1)[1].strip("\n")
    w(analysis or ANALYSIS_DEFAULT)
    w("")
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    with open(args.report, "w") as f:
        f.write("\n".join(L))


ANALYSIS_MARK = "<!-- analysis: written by hand, kept when the script reruns -->"
ANALYSIS_DEFAULT = ("What the numbers say and what would close the gap: "
                    "(to be written after a run).")


if __name__ == "__main__":
    sys.exit(main())
