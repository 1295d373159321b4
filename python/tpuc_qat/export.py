#!/usr/bin/env python3
"""Export a torch.ao FX QAT model for tpuc: a float ONNX model with the
batch norms folded into the convolutions, and a calibration table carrying
the QAT activation ranges and, in `#weight_scale`, the per-channel weight
scales of every convolution (docs/qat.md).

Library use (the model after `prepare_qat_fx` and fine-tuning):

    from tpuc_qat import export_qat, qat_qconfig_mapping
    prepared = prepare_qat_fx(model.train(), qat_qconfig_mapping(), (x,))
    ... fine-tune ...
    result = export_qat(prepared, x[:1], "out", "net", build_dir="build")
    # result.onnx, result.mlir, result.table -> model_deploy --quantize INT8

Command line (the prepared GraphModule saved with `torch.save(prepared)`):

    python3 python/tpuc_qat/export.py --qat_model prepared.pt \
        --sample x.npy --model_name net --out_dir out --build build

How the table is made: the fake-quant modules are replaced by taps and the
folded float model is run on the sample; `model_runner --dump_all_tensors`
runs tpuc's Top model on the same sample; every Top tensor whose values are
those seen by a fake-quant module takes that module's range (so the mapping
does not depend on how the ONNX exporter or the importer name tensors, and
a tensor tpuc fuses, e.g. a Conv+ReLU, takes the range observed after the
ReLU). The other tensors keep a `run_calibration` threshold (`use_max` on
the calibration samples, or a table given with --base_table). The weight
scales go to the Top convolution whose filter is, bit for bit, the folded
weight that the QAT model fake-quantized.

This file has no relative imports: it runs as a script and imports as
`tpuc_qat.export`.
"""

import argparse
import copy
import os
import re
import subprocess
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "QatExport", "qat_qconfig_mapping", "fold_qat_model", "observer_range",
    "export_qat", "save_qat_model", "write_table", "read_table_rows", "top_convolutions",
]


# ---------------------------------------------------------------------------
# QAT configuration
# ---------------------------------------------------------------------------

def qat_qconfig_mapping(backend="qnnpack"):
    """torch.ao's default QAT qconfig mapping for `backend`, with every
    entry that uses the default qconfig switched to tpuc's symmetric INT8:

    - weights: per-channel symmetric qint8 in [-127, 127], so that
      scale_c = max|W_c| / 127 as tpuc computes it and no code is -128;
    - activations: symmetric, quint8 in [0, 254] with zero point 127, the
      same grid as int8 [-127, 127] with scale = max|x| / 127 = th / 127
      (quint8 because the qnnpack/fbgemm backend configs accept only quint8
      activations; a qint8 qconfig would get no observers at all).

    The fixed-qparams entries (sigmoid, tanh, ...) are kept."""
    import torch
    from torch.ao.quantization import QConfig, get_default_qat_qconfig_mapping
    from torch.ao.quantization.fake_quantize import \
        FusedMovingAvgObsFakeQuantize
    from torch.ao.quantization.observer import (
        MovingAverageMinMaxObserver, MovingAveragePerChannelMinMaxObserver)
    activation = FusedMovingAvgObsFakeQuantize.with_args(
        observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=254,
        dtype=torch.quint8, qscheme=torch.per_tensor_symmetric)
    weight = FusedMovingAvgObsFakeQuantize.with_args(
        observer=MovingAveragePerChannelMinMaxObserver, quant_min=-127,
        quant_max=127, dtype=torch.qint8,
        qscheme=torch.per_channel_symmetric, ch_axis=0)
    qconfig = QConfig(activation=activation, weight=weight)
    mapping = get_default_qat_qconfig_mapping(backend)
    default = mapping.global_qconfig
    for key, value in list(mapping.object_type_qconfigs.items()):
        if value is default:
            mapping.set_object_type(key, qconfig)
    mapping.set_global(qconfig)
    return mapping


def save_qat_model(prepared, path):
    """torch.save of a prepared QAT GraphModule in a form torch.load can
    read back (the ObservedGraphModule itself does not pickle: its qconfigs
    hold local functions): a plain GraphModule with the same modules and
    graph, without the qconfig attributes. Save it after at least one
    forward pass (an observer that has seen no data does not load back)."""
    import torch
    model = copy.deepcopy(prepared)
    for module in model.modules():
        if hasattr(module, "qconfig"):
            del module.qconfig
    plain = torch.fx.GraphModule(model, model.graph)
    for node in plain.graph.nodes:
        node.meta = {}
    plain.recompile()
    torch.save(plain, path)


# ---------------------------------------------------------------------------
# Folding the QAT model into a float model
# ---------------------------------------------------------------------------

def _is_fake_quant(module):
    from torch.ao.quantization.fake_quantize import FakeQuantizeBase
    return isinstance(module, FakeQuantizeBase)


def observer_range(fq):
    """(threshold, min, max) of a per-tensor fake-quant module, the way
    TPU-MLIR's QAT tooling writes them: threshold = scale·max(zp − qmin,
    qmax − zp), the largest magnitude the grid represents (scale·127 for
    tpuc's symmetric grid, which is tpuc's th/127 again); min and max the
    representable range scale·(qmin − zp), scale·(qmax − zp)."""
    scale = float(fq.scale.reshape(-1)[0])
    zp = int(fq.zero_point.reshape(-1)[0])
    qmin, qmax = int(fq.quant_min), int(fq.quant_max)
    threshold = scale * max(zp - qmin, qmax - zp)
    return threshold, scale * (qmin - zp), scale * (qmax - zp)


_TAP_CLASS = None


def _tap(key):
    """An identity module standing in for a fake-quant module in the float
    model; it records its input while armed (records is a list)."""
    global _TAP_CLASS
    if _TAP_CLASS is None:
        import torch

        class QatTap(torch.nn.Module):
            def __init__(self, key):
                super().__init__()
                self.key = key
                self.records = None

            def forward(self, x):
                if self.records is not None:
                    self.records.append(
                        (self.key, x.detach().double().numpy().copy()))
                return x

        _TAP_CLASS = QatTap
    return _TAP_CLASS(key)


def _set_submodule(root, name, module):
    parent = root
    parts = name.split(".")
    for part in parts[:-1]:
        parent = getattr(parent, part)
    setattr(parent, parts[-1], module)


@dataclass
class _FoldedConv:
    module: str        # path of the QAT module in the prepared model
    weight: np.ndarray  # the folded float32 weight, as exported
    scales: np.ndarray  # per-channel weight scales (float64)
    zero_points: np.ndarray


def fold_qat_model(prepared):
    """A float copy of a prepared (and fine-tuned) FX QAT GraphModule:

    - ConvBn[ReLU]2d: a Conv2d whose weight is w·γ/√(σ²+ε), computed
      exactly as the QAT forward computes the weight it fake-quantizes,
      and bias β + (b − μ)·γ/√(σ²+ε); ReLU kept;
    - QAT Conv/ConvReLU/Linear[ReLU]: their float modules, same weights;
    - every fake-quant module: a tap (identity; one tap per module object,
      so shared observers stay shared).

    Returns (model in eval mode, {observer key: fake-quant module},
    [_FoldedConv], [names of weight fake-quants not exported as
    #weight_scale rows])."""
    import torch
    from torch import nn
    import torch.nn.intrinsic.qat as nniqat
    import torch.nn.qat as nnqat

    model = copy.deepcopy(prepared).eval()
    named = dict(model.named_modules(remove_duplicate=False))
    convs, skipped = [], []
    for name, module in list(named.items()):
        if isinstance(module, (nniqat.ConvBn1d, nniqat.ConvBn2d,
                               nniqat.ConvBn3d, nniqat.ConvBnReLU1d,
                               nniqat.ConvBnReLU2d, nniqat.ConvBnReLU3d)):
            bn = module.bn
            with torch.no_grad():
                running_std = torch.sqrt(bn.running_var + bn.eps)
                factor = bn.weight / running_std
                shape = [1] * module.weight.dim()
                shape[0] = -1
                weight = module.weight * factor.reshape(shape)
                bias = module.bias if module.bias is not None else \
                    torch.zeros_like(bn.running_mean)
                bias = bn.bias + (bias - bn.running_mean) * factor
            conv = module._FLOAT_CONV_MODULE(
                module.in_channels, module.out_channels, module.kernel_size,
                module.stride, module.padding, module.dilation,
                module.groups, True, module.padding_mode)
            conv.weight = nn.Parameter(weight.detach().clone())
            conv.bias = nn.Parameter(bias.detach().clone())
            relu = module._FLOAT_RELU_MODULE is not None
            folded = nn.Sequential(conv, nn.ReLU()) if relu else conv
            convs.append(_FoldedConv(
                name, conv.weight.detach().numpy().copy(),
                module.weight_fake_quant.scale.detach().double().numpy(),
                module.weight_fake_quant.zero_point.detach().numpy()))
            _set_submodule(model, name, folded.eval())
        elif isinstance(module, (nnqat.Conv1d, nnqat.Conv2d, nnqat.Conv3d,
                                 nniqat.ConvReLU1d, nniqat.ConvReLU2d,
                                 nniqat.ConvReLU3d)):
            float_cls = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}[
                module.weight.dim() - 2]
            conv = float_cls(module.in_channels, module.out_channels,
                             module.kernel_size, module.stride,
                             module.padding, module.dilation, module.groups,
                             module.bias is not None, module.padding_mode)
            conv.weight = nn.Parameter(module.weight.detach().clone())
            if module.bias is not None:
                conv.bias = nn.Parameter(module.bias.detach().clone())
            relu = isinstance(module, (nniqat.ConvReLU1d, nniqat.ConvReLU2d,
                                       nniqat.ConvReLU3d))
            convs.append(_FoldedConv(
                name, conv.weight.detach().numpy().copy(),
                module.weight_fake_quant.scale.detach().double().numpy(),
                module.weight_fake_quant.zero_point.detach().numpy()))
            _set_submodule(model, name,
                           (nn.Sequential(conv, nn.ReLU()) if relu else conv)
                           .eval())
        elif isinstance(module, (nnqat.Linear, nniqat.LinearReLU)):
            linear = nn.Linear(module.in_features, module.out_features,
                               module.bias is not None)
            linear.weight = nn.Parameter(module.weight.detach().clone())
            if module.bias is not None:
                linear.bias = nn.Parameter(module.bias.detach().clone())
            relu = isinstance(module, nniqat.LinearReLU)
            # tpuc's importer turns Gemm into a MatMul with the weight
            # transposed, and the INT8 MatMul lowering does not read
            # weight_scale: no row (its per-column scale is max|W|/127).
            skipped.append(name)
            _set_submodule(model, name,
                           (nn.Sequential(linear, nn.ReLU()) if relu
                            else linear).eval())
        elif isinstance(module, (nniqat.LinearBn1d,)):
            raise NotImplementedError(f"{name}: LinearBn1d is not supported")
    # Activation fake-quants -> taps (after the modules above, whose own
    # weight_fake_quant went away with them).
    observers, taps = {}, {}
    for name, module in list(dict(model.named_modules(
            remove_duplicate=False)).items()):
        if _is_fake_quant(module):
            key = taps.get(id(module))
            if key is None:
                key = name
                observers[key] = _fake_quant_of(prepared, name)
                taps[id(module)] = key
                taps[("tap", key)] = _tap(key)
            _set_submodule(model, name, taps[("tap", key)])
    leftover = [n for n, m in model.named_modules() if _is_fake_quant(m)]
    if leftover:
        raise NotImplementedError(
            f"fake-quant modules that are not activation observers of "
            f"module-level ops (functional convs are not supported): "
            f"{leftover}")
    return model.eval(), observers, convs, skipped


def _fake_quant_of(prepared, name):
    module = prepared
    for part in name.split("."):
        module = getattr(module, part)
    return module


def _arm(model, records):
    for module in model.modules():
        if _TAP_CLASS is not None and isinstance(module, _TAP_CLASS):
            module.records = records


# ---------------------------------------------------------------------------
# tpuc side
# ---------------------------------------------------------------------------

def _run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode}:\n"
                           f"{result.stdout}{result.stderr}")
    return result


_LOC_DEF = re.compile(r'^(#loc\d*) = loc\("((?:[^"\\]|\\.)*)"\)', re.M)


def _resolve_locs(text):
    """Location aliases (#locN = loc("name")) of an MLIR file."""
    return {m.group(1): m.group(2) for m in _LOC_DEF.finditer(text)}


def _loc_name(token, aliases):
    if token.startswith('"'):
        return token.strip('"')
    return aliases.get(token, token)


_OP = re.compile(
    r'^\s*(%[\w#.]+)(?::\d+)?\s*=\s*"?([\w.]+)"?(?:\(([^)]*)\))?.*'
    r'loc\(("(?:[^"\\]|\\.)*"|#loc\d*)\)\s*$', re.M)


def _ops(path):
    """(result, op name, operand values, location name) of every op line."""
    with open(path) as f:
        text = f.read()
    aliases = _resolve_locs(text)
    ops = []
    for m in _OP.finditer(text):
        operands = [o.strip() for o in (m.group(3) or "").split(",")
                    if o.strip()]
        ops.append((m.group(1), m.group(2), operands,
                    _loc_name(m.group(4), aliases)))
    return ops, text


def top_convolutions(mlir):
    """{conv op name: filter weight name} of a Top module."""
    ops, _ = _ops(mlir)
    weight_of = {res: name for res, kind, _, name in ops
                 if kind == "top.Weight"}
    convs = {}
    for res, kind, operands, name in ops:
        if kind == "top.Conv" and len(operands) >= 2 and \
                operands[1] in weight_of:
            convs[name] = weight_of[operands[1]]
    return convs


def read_table_rows(path):
    """[(name, threshold, min, max)] of the int8 block of a table."""
    rows, block = [], "int8"
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            if line.startswith("#"):
                tag = line[1:].strip()
                block = {"weight_scale": "w", "weight_scale_fp8": "w",
                         "int4_th": "int4", "asym_op": "list",
                         "int4_op": "list"}.get(tag, "int8")
                continue
            if block == "int8":
                name, th, lo, hi = line.split()
                rows.append((name, float(th), float(lo), float(hi)))
    return rows


def _shortest(value):
    """The fewest of 15, 16, 17 significant digits that read back exactly
    (the rule of tpuc's table writer)."""
    for digits in (15, 16, 17):
        text = "%.*g" % (digits, value)
        if float(text) == value:
            return text
    return repr(value)


def write_table(path, rows, weight_scales, mlir_name="", samples=0):
    """Writes a tpuc/TPU-MLIR calibration table: rows (name, th, min, max)
    then `#weight_scale` rows (op, scales)."""
    lines = [
        "# mlir version: tpuc 0.1 cali version 1.0",
        f"# mlir: {mlir_name}" if mlir_name else "# mlir:",
        "# genetated time:",
        "# quantization threshold calculation method: qat",
        "# histogram number: 2048",
        f"# sample number: {samples}",
        "###",
        "# tune number: 0",
        "###",
        "# op_name    threshold    min    max",
    ]
    for name, th, lo, hi in rows:
        lines.append(f"{name} {th:.7f} {lo:.7f} {hi:.7f}")
    lines += ["", "#weight_scale"]
    for op, scales in weight_scales:
        lines.append(f"{op}_weight {len(scales)} " +
                     " ".join(_shortest(float(s)) for s in scales))
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


# ---------------------------------------------------------------------------
# The whole export
# ---------------------------------------------------------------------------

@dataclass
class QatExport:
    onnx: str
    mlir: str
    table: str
    # Top tensor -> observer key, for every tensor that took a QAT range.
    activations: dict = field(default_factory=dict)
    # Top conv op -> QAT module path, for every #weight_scale row.
    weights: dict = field(default_factory=dict)
    # Top tensors that kept the base table's threshold.
    unmatched: list = field(default_factory=list)
    # QAT observers that matched no Top tensor.
    unused_observers: list = field(default_factory=list)
    # Weight fake-quants with no #weight_scale row (Linear).
    skipped_weights: list = field(default_factory=list)
    float_model: object = None


def _match(dump, records, rtol):
    """Top tensor name -> (observer key, relative error) of the recorded
    tensor with the same values."""
    by_size = {}
    for key, value in records:
        by_size.setdefault(value.size, []).append((key, value.ravel()))
    matched = {}
    for name in dump.files:
        a = dump[name].astype(np.float64).ravel()
        best = None
        for key, value in by_size.get(a.size, []):
            scale = max(float(np.abs(value).max()), 1e-12)
            err = float(np.abs(a - value).max()) / scale
            if err <= rtol and (best is None or err < best[1]):
                best = (key, err)
        if best:
            matched[name] = best
    return matched


def export_qat(prepared, example_input, out_dir, model_name, build_dir=None,
               tools_dir=None, batch=1, calibration=None, base_table=None,
               transform_args=(), input_name="input", output_name="output",
               opset=13, threads=1, rtol=1e-4):
    """Exports `prepared` (a fine-tuned FX QAT GraphModule) for tpuc.

    - example_input: a float32 array [1, ...] (the model input, already
      preprocessed); the tensor matching runs on it;
    - writes `<out_dir>/<model_name>.onnx` (batch `batch`),
      `<out_dir>/<model_name>.mlir` (model_transform, with
      `transform_args`, e.g. preprocessing flags),
      `<out_dir>/<model_name>_qat_table`;
    - calibration: arrays [N, ...] for the thresholds of the tensors no
      fake-quant observes (run_calibration use_max); default the example;
      or base_table, an existing table of the same model.
    Returns a QatExport."""
    import torch
    tools_dir = tools_dir or os.path.join(build_dir, "bin")
    tool = {t: os.path.join(tools_dir, t)
            for t in ("model_transform", "model_runner", "run_calibration")}
    os.makedirs(out_dir, exist_ok=True)
    example = np.ascontiguousarray(example_input, dtype=np.float32)
    if example.shape[0] != 1:
        raise ValueError(f"example_input must have batch 1, got "
                         f"{example.shape}")

    model, observers, convs, skipped = fold_qat_model(prepared)
    # Float reference pass with the taps armed.
    records = []
    _arm(model, records)
    with torch.no_grad():
        model(torch.from_numpy(example))
    _arm(model, None)

    onnx_path = os.path.join(out_dir, f"{model_name}.onnx")
    shape = (batch,) + tuple(example.shape[1:])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.zeros(shape), onnx_path,
                          input_names=[input_name],
                          output_names=[output_name], opset_version=opset)
        # The batch-1 model for the tensor match and the calibration.
        onnx1 = onnx_path if batch == 1 else os.path.join(
            out_dir, f"{model_name}_b1.onnx")
        if batch != 1:
            torch.onnx.export(model, torch.zeros((1,) + shape[1:]), onnx1,
                              input_names=[input_name],
                              output_names=[output_name],
                              opset_version=opset)

    mlir = os.path.join(out_dir, f"{model_name}.mlir")
    work = os.path.join(out_dir, f"{model_name}_qat_work")
    os.makedirs(work, exist_ok=True)
    mlir1 = mlir if batch == 1 else os.path.join(work, f"{model_name}.mlir")
    dims = lambda s: "[[" + ",".join(str(d) for d in s) + "]]"  # noqa: E731
    _run([tool["model_transform"], "--model_name", model_name,
          "--model_def", onnx_path, "--input_shapes", dims(shape),
          "--mlir", mlir] + list(transform_args))
    if batch != 1:
        _run([tool["model_transform"], "--model_name", model_name,
              "--model_def", onnx1, "--input_shapes",
              dims((1,) + shape[1:]), "--mlir", mlir1] + list(transform_args))

    # Every Top tensor on the example, by name.
    sample_npz = os.path.join(work, "sample.npz")
    np.savez(sample_npz, **{input_name: example})
    dump_path = os.path.join(work, "top_all_tensors.npz")
    _run([tool["model_runner"], "--input", sample_npz, "--model", mlir1,
          "--output", dump_path, "--dump_all_tensors",
          "--threads", str(threads)])
    with np.load(dump_path) as dump:
        matched = _match(dump, records, rtol)
        names = list(dump.files)

    # Base rows: every tensor, in execution order.
    if base_table is None:
        cali_dir = os.path.join(work, "cali")
        os.makedirs(cali_dir, exist_ok=True)
        samples = example if calibration is None else \
            np.asarray(calibration, dtype=np.float32)
        for i, s in enumerate(samples):
            np.save(os.path.join(cali_dir, f"s{i:06d}.npy"), s[None])
        base_table = os.path.join(work, f"{model_name}_base_table")
        _run([tool["run_calibration"], mlir1, "--dataset", cali_dir,
              "--cali_method", "use_max", "--tune_num", "0", "-o",
              base_table, "--threads", str(threads)])
        sample_count = len(samples)
    else:
        sample_count = 0
    base = read_table_rows(base_table)
    rows, activations, unmatched = [], {}, []
    for name, th, lo, hi in base:
        if name in matched:
            key = matched[name][0]
            th, lo, hi = observer_range(observers[key])
            activations[name] = key
        else:
            unmatched.append(name)
        rows.append((name, th, lo, hi))
    missing = [n for n in names if n not in {r[0] for r in base}]
    if missing:
        raise RuntimeError(f"{base_table} has no row for the Top tensors "
                           f"{missing[:5]}")

    # Weight scales: the Top conv whose filter is the folded weight.
    top_convs = top_convolutions(mlir1)
    weights_npz = os.path.join(os.path.dirname(mlir1),
                               f"{model_name}_top_f32_all_weight.npz")
    weight_scales, weights = [], {}
    with np.load(weights_npz) as w:
        for op, filt in top_convs.items():
            if filt not in w.files:
                continue
            data = w[filt]
            for conv in convs:
                if conv.weight.shape == data.shape and \
                        np.array_equal(conv.weight, data):
                    if np.any(conv.zero_points != 0):
                        raise RuntimeError(f"{conv.module}: weights must "
                                           f"be symmetric (zero points 0)")
                    weight_scales.append((op, conv.scales))
                    weights[op] = conv.module
                    break
    lost = [c.module for c in convs if c.module not in weights.values()]
    if lost:
        raise RuntimeError(f"QAT convolutions with no Top conv of the same "
                           f"folded weight: {lost}")
    if mlir1 != mlir:
        with open(mlir) as f:
            text = f.read()
        known = set(re.findall(r'loc\("((?:[^"\\]|\\.)*)"\)', text))
        absent = [r[0] for r in rows if r[0] not in known]
        if absent:
            raise RuntimeError(f"the batch-{batch} model names tensors "
                               f"differently from the batch-1 model: "
                               f"{absent[:5]} are not in {mlir}")
    table = os.path.join(out_dir, f"{model_name}_qat_table")
    write_table(table, rows, weight_scales, os.path.basename(mlir),
                sample_count)
    used = set(activations.values())
    return QatExport(onnx_path, mlir, table, activations, weights, unmatched,
                     [k for k in observers if k not in used], skipped, model)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Export a torch.ao FX QAT model (torch.save of the "
                    "prepared GraphModule) to a float ONNX model, its Top "
                    ".mlir and a calibration table with the QAT ranges and "
                    "weight scales.")
    ap.add_argument("--qat_model", required=True,
                    help="torch.save(prepared) of the fine-tuned model")
    ap.add_argument("--sample", required=True,
                    help=".npy (or .npz, first array) float32 input [1,...], "
                         "preprocessed")
    ap.add_argument("--model_name", required=True)
    ap.add_argument("--out_dir", required=True)
    ap.add_argument("--build", default=None, help="tpuc build directory")
    ap.add_argument("--tools", default=None,
                    help="folder of the tpuc tools (default <build>/bin)")
    ap.add_argument("--batch", type=int, default=1,
                    help="batch of the exported model (default 1)")
    ap.add_argument("--calibration", default=None,
                    help=".npy [N,...] samples for the tensors no QAT "
                         "observer covers (default: the sample)")
    ap.add_argument("--base_table", default=None,
                    help="a table of the same model for those tensors "
                         "instead")
    ap.add_argument("--input_name", default="input")
    ap.add_argument("--output_name", default="output")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--transform_arg", action="append", default=[],
                    help="an extra model_transform argument (repeat; e.g. "
                         "--transform_arg=--pixel_format "
                         "--transform_arg=gray)")
    args = ap.parse_args(argv)
    if not args.build and not args.tools:
        ap.error("--build or --tools is required")
    import torch
    torch.set_num_threads(1)
    prepared = torch.load(args.qat_model)
    if args.sample.endswith(".npz"):
        with np.load(args.sample) as z:
            sample = z[z.files[0]]
    else:
        sample = np.load(args.sample)
    calibration = np.load(args.calibration) if args.calibration else None
    result = export_qat(prepared, sample, args.out_dir, args.model_name,
                        build_dir=args.build, tools_dir=args.tools,
                        batch=args.batch, calibration=calibration,
                        base_table=args.base_table,
                        transform_args=args.transform_arg,
                        input_name=args.input_name,
                        output_name=args.output_name, opset=args.opset)
    print(f"onnx:  {result.onnx}")
    print(f"mlir:  {result.mlir}")
    print(f"table: {result.table} ({len(result.activations)} QAT ranges, "
          f"{len(result.weights)} weight-scale rows)")
    if result.unmatched:
        print(f"kept the base threshold (no QAT observer): "
              f"{', '.join(result.unmatched)}")
    if result.unused_observers:
        print(f"QAT observers with no Top tensor: "
              f"{', '.join(result.unused_observers)}")
    if result.skipped_weights:
        print(f"weight scales not exported (Linear -> MatMul, scales "
              f"recomputed by tpuc): {', '.join(result.skipped_weights)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
