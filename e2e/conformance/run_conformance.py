#!/usr/bin/env python3
"""ONNX backend conformance: runs ONNX's own node test cases (Debian's
libonnx-testdata) through model_transform + model_runner and compares the
outputs with the expected outputs shipped with each case.

A case is *supported* when every op of its graph is one tpuc imports and its
inputs/outputs are plain tensors. A supported case passes when every output
has the reference's element count and, elementwise,
|out - ref| <= 1e-4 * max(1, |ref|), or the cosine similarity is >= 0.99999.

Writes a per-op table (passed / failed / unsupported) to --report and exits
1 when a supported case fails that is not listed in xfail.txt (or when a
listed case passes, so that the list stays honest).
"""

import argparse
import concurrent.futures as futures
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

DATA = "/usr/share/libonnx-testdata/data"
SUITES = ["node", "pytorch-converted", "pytorch-operator"]
HERE = os.path.dirname(os.path.abspath(__file__))


UNSUPPORTED_FEATURES = [
    (r"must be a constant", "a shape/size parameter is a graph input (dynamic)"),
    (r"3-D \S+ is not supported|3-D pooling is not supported|\d-D convolution is not supported",
     "3-D op"),
    (r"training_mode=1 is not supported", "training mode"),
    (r"is not supported", "unsupported attribute or mode"),
]


def list_cases(filter_re):
    cases = []
    for suite in SUITES:
        root = os.path.join(DATA, suite)
        if not os.path.isdir(root):
            continue
        for name in sorted(os.listdir(root)):
            path = os.path.join(root, name)
            if os.path.isfile(os.path.join(path, "model.onnx")) and (
                not filter_re or re.search(filter_re, f"{suite}/{name}")
            ):
                cases.append((suite, name, path))
    return cases


def numeric_key(path):
    return int(re.search(r"_(\d+)\.pb$", path).group(1))


def load_pbs(case_dir, prefix):
    data_dir = os.path.join(case_dir, "test_data_set_0")
    files = [
        os.path.join(data_dir, f)
        for f in os.listdir(data_dir)
        if f.startswith(prefix) and f.endswith(".pb")
    ]
    return [
        numpy_helper.to_array(onnx.load_tensor(f))
        for f in sorted(files, key=numeric_key)
    ]


PLAIN_TYPES = {
    onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16,
    onnx.TensorProto.INT8, onnx.TensorProto.UINT8, onnx.TensorProto.INT16,
    onnx.TensorProto.UINT16, onnx.TensorProto.INT32, onnx.TensorProto.UINT32,
    onnx.TensorProto.INT64, onnx.TensorProto.UINT64, onnx.TensorProto.BOOL,
}


def case_ops(model):
    return [n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}.{n.op_type}"
            for n in model.graph.node]


def primary_op(name, ops):
    if len(set(ops)) == 1:
        return ops[0]
    base = name[5:] if name.startswith("test_") else name
    for op in ops:
        if base.lower().replace("_", "").startswith(op.lower()):
            return op
    return ops[0] if ops else "?"


def unsupported_reason(model, supported, inputs, outputs):
    ops = case_ops(model)
    missing = sorted(set(op for op in ops if op not in supported))
    if missing:
        return "ops " + ",".join(missing)
    for vi in list(model.graph.input) + list(model.graph.output):
        t = vi.type
        if not t.HasField("tensor_type"):
            return "non-tensor I/O"
        if t.tensor_type.elem_type not in PLAIN_TYPES:
            return "I/O type " + onnx.TensorProto.DataType.Name(t.tensor_type.elem_type)
    for arr in inputs + outputs:
        if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "fiub":
            return "non-numeric data"
        if arr.size == 0:
            return "empty tensor"
        if arr.dtype.kind == "f" and arr.size and np.any(
                np.abs(arr[np.isfinite(arr)]) > np.finfo(np.float32).max):
            return "float64 data outside the float32 range"
    return None


def save_npz(path, named_arrays):
    """np.savez(**names) cannot take every name (e.g. 'like' is a keyword of
    numpy's dispatcher), so members are written directly."""
    import zipfile
    with zipfile.ZipFile(path, "w") as zf:
        for name, array in named_arrays:
            with zf.open(name + ".npy", "w") as f:
                np.lib.format.write_array(f, np.asarray(array))


def compare(out, ref):
    out = np.asarray(out, dtype=np.float64).reshape(-1)
    ref = np.asarray(ref, dtype=np.float64).reshape(-1)
    if out.size != ref.size:
        return False, f"{out.size} elements, expected {ref.size}"
    if out.size == 0:
        return True, ""
    both_nan = np.isnan(out) & np.isnan(ref)
    diff = np.where(both_nan, 0.0, np.abs(out - ref))
    same_inf = np.isinf(ref) & (out == ref)
    diff = np.where(same_inf, 0.0, diff)
    bound = 1e-4 * np.maximum(1.0, np.abs(np.where(np.isfinite(ref), ref, 0)))
    if np.all(diff <= bound):
        return True, ""
    finite = np.isfinite(out) & np.isfinite(ref)
    if finite.all():
        denom = np.linalg.norm(out) * np.linalg.norm(ref)
        cos = float(np.dot(out, ref) / denom) if denom > 0 else 0.0
        if cos >= 0.99999:
            return True, ""
        return False, f"max abs diff {float(np.max(diff)):.3g}, cosine {cos:.6f}"
    return False, f"max abs diff {float(np.nanmax(diff)):.3g} (non-finite values)"


def run_case(args, supported, case):
    suite, name, path = case
    result = {"suite": suite, "name": name, "status": "", "detail": "", "op": "?"}
    try:
        model = onnx.load(os.path.join(path, "model.onnx"))
        inputs = load_pbs(path, "input_")
        outputs = load_pbs(path, "output_")
    except Exception as e:  # sequence/optional data, unreadable cases
        result.update(status="unsupported", detail=f"unreadable: {type(e).__name__}")
        return result
    ops = case_ops(model)
    result["op"] = primary_op(name, ops)
    reason = unsupported_reason(model, supported, inputs, outputs)
    if reason:
        result.update(status="unsupported", detail=reason)
        return result
    initializers = {i.name for i in model.graph.initializer}
    input_names = [i.name for i in model.graph.input if i.name not in initializers]
    if len(inputs) != len(input_names):
        result.update(status="unsupported",
                      detail="test data does not feed every graph input")
        return result
    # tpuc compiles static graphs: parameters such as Reshape's shape or
    # Pad's pads must be constants. ONNX's tests often feed them as graph
    # inputs; such a case is retried with those inputs frozen to their test
    # values (as initializers), the way a deployed model holds them, and is
    # counted as "passed (frozen parameters)".
    attempts = [len(inputs)] + ([1] if len(inputs) > 1 else []) + [0]
    for live in attempts:
        status, detail = try_case(args, path, model, input_names, inputs,
                                  output_names_of(model), outputs, live)
        if status != "retry":
            break
    else:
        status, detail = ("unsupported",
                          "a shape/size parameter is a graph input (dynamic)")
    if status == "passed" and live < len(inputs):
        detail = "frozen parameters"
    result.update(status=status, detail=detail)
    return result


def output_names_of(model):
    return [o.name for o in model.graph.output]


def try_case(args, path, model, input_names, inputs, output_names, outputs,
             live):
    """Runs one case with its first `live` inputs fed and the others frozen
    into initializers. Returns (status, detail); status "retry" when the
    importer needs a parameter input to be a constant."""
    with tempfile.TemporaryDirectory(prefix="tpuc-conf-") as tmp:
        model_path = os.path.join(path, "model.onnx")
        if live < len(inputs):
            m = onnx.ModelProto()
            m.CopyFrom(model)
            keep = [i for i in m.graph.input if i.name in input_names[:live]
                    or i.name not in input_names]
            for name, array in zip(input_names[live:], inputs[live:]):
                m.graph.initializer.append(numpy_helper.from_array(array, name))
            del m.graph.input[:]
            m.graph.input.extend(keep)
            model_path = os.path.join(tmp, "frozen.onnx")
            onnx.save(m, model_path)
        live_inputs = inputs[:live]
        mlir = os.path.join(tmp, "case.mlir")
        shapes = "[" + ",".join(
            "[" + ",".join(str(d) for d in a.shape) + "]" for a in live_inputs) + "]"
        cmd = [os.path.join(args.build, "bin", "model_transform"),
               "--model_name", "case", "--model_def", model_path, "--mlir", mlir]
        if live_inputs and all(a.ndim > 0 for a in live_inputs):
            cmd += ["--input_shapes", shapes]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            msg = (p.stderr.strip().splitlines() or ["?"])
            last = msg[-1]
            if re.search(r"must be a constant", last):
                return "retry", ""
            # A feature the importer reports as outside what a static graph
            # compiler supports (3-D ops, training mode) is unsupported, not
            # a failure.
            for pattern, why in UNSUPPORTED_FEATURES:
                if re.search(pattern, last):
                    return "unsupported", why
            return "failed", "model_transform: " + " | ".join(msg[-3:])[:300]
        in_npz = os.path.join(tmp, "in.npz")
        save_npz(in_npz, zip(input_names[:live], live_inputs))
        out_npz = os.path.join(tmp, "out.npz")
        p = subprocess.run(
            [os.path.join(args.build, "bin", "model_runner"), "--input", in_npz,
             "--model", mlir, "--output", out_npz],
            capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            msg = (p.stderr.strip().splitlines() or ["?"])
            return "failed", "model_runner: " + " | ".join(msg[-3:])[:300]
        got = np.load(out_npz)
        # model_runner writes the outputs in the function's result order; an
        # output that aliases another tensor (Identity) carries that tensor's
        # name, so outputs are matched by name, else by position.
        ordered = list(got.files)
        for i, (oname, ref) in enumerate(zip(output_names, outputs)):
            if oname in got:
                value = got[oname]
            elif len(ordered) == len(output_names):
                value = got[ordered[i]]
            else:
                return "failed", f"output {oname} missing"
            ok, why = compare(value, ref)
            if not ok:
                return "failed", f"{oname}: {why}"
    return "passed", ""


def write_report(path, results, xfail):
    by_op = {}
    for r in results:
        row = by_op.setdefault(r["op"], {"passed": 0, "failed": 0, "unsupported": 0})
        row[r["status"]] += 1
    total = {k: sum(1 for r in results if r["status"] == k)
             for k in ("passed", "failed", "unsupported")}
    lines = [
        "# ONNX backend conformance",
        "",
        "Generated by `e2e/conformance/run_conformance.py` (ctest label "
        "`conformance`) from Debian's `libonnx-testdata` 1.12 "
        f"({', '.join(SUITES)}). A case passes when every output matches the "
        "shipped expected output: |out - ref| <= 1e-4 * max(1, |ref|) "
        "elementwise, or cosine >= 0.99999. A case is unsupported when one of "
        "its ops is not imported by tpuc or its I/O is not a plain tensor.",
        "",
        f"**Total: {total['passed']} passed, {total['failed']} failed, "
        f"{total['unsupported']} unsupported** of {len(results)} cases.",
        "",
        "| suite | passed | of which with frozen parameters | failed | unsupported |",
        "|---|---:|---:|---:|---:|",
    ]
    for suite in SUITES:
        rs = [r for r in results if r["suite"] == suite]
        lines.append(
            f"| {suite} | {sum(r['status'] == 'passed' for r in rs)} | "
            f"{sum(r['detail'] == 'frozen parameters' for r in rs)} | "
            f"{sum(r['status'] == 'failed' for r in rs)} | "
            f"{sum(r['status'] == 'unsupported' for r in rs)} |")
    lines += [
        "",
        "*Frozen parameters*: tpuc compiles static graphs, so inputs such as "
        "Reshape's shape or Pad's pads must be constants. Where an ONNX test "
        "feeds them as graph inputs, the case is run again with those inputs "
        "turned into initializers holding the test's values.",
        "",
        "| op | passed | failed | unsupported |",
        "|---|---:|---:|---:|",
    ]
    for op in sorted(by_op):
        row = by_op[op]
        lines.append(f"| {op} | {row['passed']} | {row['failed']} | {row['unsupported']} |")
    failed = [r for r in results if r["status"] == "failed"]
    if failed:
        lines += ["", "## Failing cases", ""]
        for r in failed:
            mark = " (expected, see xfail.txt)" if f"{r['suite']}/{r['name']}" in xfail else ""
            lines.append(f"- `{r['suite']}/{r['name']}`{mark}: {r['detail']}")
    reasons = {}
    for r in results:
        if r["status"] == "unsupported":
            reasons[r["detail"]] = reasons.get(r["detail"], 0) + 1
    lines += ["", "## Why cases are unsupported", "", "| reason | cases |", "|---|---:|"]
    for why, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {why} | {n} |")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True, help="tpuc build directory")
    ap.add_argument("--filter", default="", help="regex on <suite>/<case>")
    ap.add_argument("--report", default="", help="markdown report to write")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    p = subprocess.run([os.path.join(args.build, "bin", "model_transform"),
                        "--list_supported_ops"], capture_output=True, text=True)
    if p.returncode != 0:
        print("error: cannot list supported ops: " + p.stderr, file=sys.stderr)
        return 1
    supported = set(p.stdout.split())

    xfail = {}
    xfail_path = os.path.join(HERE, "xfail.txt")
    if os.path.exists(xfail_path):
        for line in open(xfail_path):
            line = line.split("#", 1)[0].strip()
            if line:
                xfail[line] = True

    cases = list_cases(args.filter)
    results = []
    with futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for r in pool.map(lambda c: run_case(args, supported, c), cases):
            results.append(r)
            if args.verbose or r["status"] == "failed":
                print(f"{r['status']:11s} {r['suite']}/{r['name']} {r['detail']}", flush=True)

    if args.report:
        write_report(args.report, results, xfail)
    unexpected = [r for r in results if r["status"] == "failed"
                  and f"{r['suite']}/{r['name']}" not in xfail]
    fixed = [r for r in results if r["status"] == "passed"
             and f"{r['suite']}/{r['name']}" in xfail]
    n = {k: sum(1 for r in results if r["status"] == k)
         for k in ("passed", "failed", "unsupported")}
    print(f"conformance: {n['passed']} passed, {n['failed']} failed, "
          f"{n['unsupported']} unsupported of {len(results)} cases")
    for r in fixed:
        print(f"error: {r['suite']}/{r['name']} passes but is listed in xfail.txt")
    return 1 if unexpected or fixed else 0


if __name__ == "__main__":
    sys.exit(main())
