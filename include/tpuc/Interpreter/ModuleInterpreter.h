//===- ModuleInterpreter.h - runs a tpuc module on float buffers -*- C++
//-*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The interpreter evaluates `func.func @main` of a shape-inferred module op
// by op, through each op's InferenceInterface, on dense row-major float
// buffers:
//
//   auto interp = ModuleInterpreter::create(module, options);   // init ops
//   interp->setInput("input", data);
//   interp->invoke();                                          // inference
//   ArrayRef<float> out = *interp->getTensor("logits");
//   // ~ModuleInterpreter: deinit ops
//
// Tensors are named by tpuc::getName. Weights come from the module's weight
// npz (`tpuc.weight_file`). Activation buffers are planned once, at
// creation, by liveness: a tensor's buffer is reused after its last user
// unless the tensor is kept. Inputs (the results of `top.Input`), function
// outputs and the tensors named in InterpreterOptions are kept; with
// `keepAllTensors` every tensor is. Only kept tensors can be read back.
//
// The module must outlive the interpreter. Results do not depend on the
// thread count (see tpuc/Support/Parallel.h).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_INTERPRETER_MODULEINTERPRETER_H
#define TPUC_INTERPRETER_MODULEINTERPRETER_H

#include "tpuc/Support/Npz.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tpuc {

struct InterpreterOptions {
  /// Keep every tensor (no buffer reuse): for dumping all tensors,
  /// calibration statistics and invokeFrom on any op.
  bool keepAllTensors = false;
  /// Tensors to keep besides the inputs and the outputs.
  std::vector<std::string> keepTensors;
  /// Threads the kernels may use; 0 = one per hardware thread.
  unsigned threads = 0;
  /// Time every op run by invoke and invokeFrom (getProfile); off by
  /// default (a clock read per op).
  bool profile = false;
};

/// The time one op took in the runs timed by InterpreterOptions::profile.
struct OpProfile {
  /// The op's name (its first result's) and kind: the op name, with
  /// convolutions told apart as "<op> depthwise", "<op> grouped" or
  /// "<op> KHxKW".
  std::string name, kind;
  int64_t calls = 0;
  /// Total wall time, in milliseconds.
  double ms = 0;
};

class ModuleInterpreter {
public:
  /// Called with every tensor an op computes, right after the op ran.
  using TensorCallback =
      std::function<void(llvm::StringRef name, llvm::ArrayRef<float> data,
                         llvm::ArrayRef<int64_t> shape)>;

  /// Plans the buffers, loads the weights and calls every op's `init`.
  /// Fails when the module has no `func.func @main`, a tensor has no static
  /// shape (the message names the op), an op cannot be interpreted, a
  /// tensor has no name or shares it, or a weight is missing or misshapen.
  static llvm::Expected<std::unique_ptr<ModuleInterpreter>>
  create(mlir::ModuleOp module, const InterpreterOptions &options = {});
  /// Calls every op's `deinit`.
  ~ModuleInterpreter();
  ModuleInterpreter(const ModuleInterpreter &) = delete;
  ModuleInterpreter &operator=(const ModuleInterpreter &) = delete;

  /// The inputs in argument order: each named after its `top.Input` op (or
  /// after the argument when no `top.Input` uses it).
  llvm::ArrayRef<std::string> getInputNames() const;
  /// The operands of `func.return`, in order.
  llvm::ArrayRef<std::string> getOutputNames() const;
  /// Every activation tensor (inputs and op results) in execution order.
  llvm::ArrayRef<std::string> getTensorNames() const;
  /// Every weight, in module order.
  llvm::ArrayRef<std::string> getWeightNames() const;

  /// Whether `name` is an input, activation or weight.
  bool hasTensor(llvm::StringRef name) const;
  /// Whether getTensor can return `name` (inputs, outputs, weights and the
  /// tensors asked for in the options).
  bool isKept(llvm::StringRef name) const;
  /// The static shape of an input, activation or weight.
  llvm::Expected<llvm::ArrayRef<int64_t>> getShape(llvm::StringRef name) const;

  /// Copies `data` into the input `name`; its size must be the input's
  /// element count. Inputs keep their value across invocations.
  llvm::Error setInput(llvm::StringRef name, llvm::ArrayRef<float> data);

  /// Runs every op in order. Every input must have been set.
  llvm::Error invoke();

  /// The current value of a kept tensor; an error for a tensor that is not
  /// kept or not computed yet. The view is valid until the next call that
  /// runs ops or sets tensors.
  llvm::Expected<llvm::ArrayRef<float>> getTensor(llvm::StringRef name) const;

  /// Overwrites the value of an activation or weight tensor (to be followed
  /// by invokeFrom of its op).
  llvm::Error setTensor(llvm::StringRef name, llvm::ArrayRef<float> data);

  /// Re-runs exactly the ops that depend, transitively, on the results of
  /// op `opName` (not the op itself), after the caller changed them with
  /// setTensor. Every tensor those ops read from outside that cone must
  /// still be held: kept, or not yet reused. Otherwise it fails, before
  /// running anything, naming the missing tensor.
  llvm::Error invokeFrom(llvm::StringRef opName);

  /// Runs the single op `opName` on `inputs`, one entry per operand (an
  /// empty entry takes the tensor's current value, e.g. a weight; it is
  /// ignored for a `none` operand), and returns its results. Changes no
  /// tensor and calls no callback.
  llvm::Expected<std::vector<std::vector<float>>>
  invokeAt(llvm::StringRef opName,
           llvm::ArrayRef<llvm::ArrayRef<float>> inputs);

  /// Adds a callback for every tensor computed by invoke and invokeFrom
  /// (inputs included, weights not), called in execution order.
  void addTensorCallback(TensorCallback callback);

  /// The time of every op run since creation or resetProfile, in execution
  /// order (empty unless InterpreterOptions::profile).
  std::vector<OpProfile> getProfile() const;
  /// Forgets the times so far (e.g. those of a first, warm-up run).
  void resetProfile();

  /// What the buffer plan costs, in bytes of float data.
  struct MemoryStats {
    /// Buffers shared by liveness, and their total size.
    int64_t sharedBuffers = 0, sharedBytes = 0;
    /// Buffers of kept tensors (activations and inputs, not weights).
    int64_t keptBytes = 0;
    /// What every activation having its own buffer would cost.
    int64_t activationBytes = 0;
  };
  MemoryStats getMemoryStats() const;

private:
  struct Impl;
  explicit ModuleInterpreter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

/// Runs `module` once on `inputs` and returns the outputs (or, with
/// `allTensors`, every activation tensor, inputs included) as f32 arrays
/// under their names. Inputs are matched by name; when none of the npz
/// names is an input name and the counts agree, by order. Input arrays of
/// any dtype are converted to float; their element count must match.
///
/// With `dequantize`, a tensor of a `!quant.uniform` type is written as the
/// real values its codes stand for, (q - zero_point) * scale, so that it
/// compares with the float model by name; otherwise as its codes.
///
/// With `profileRuns` > 0 (and `profile` given), the model then runs that
/// many more times on the same inputs with every op timed, and `profile`
/// receives their times (the outputs are those of the first run).
llvm::Expected<NpzFile> runModule(mlir::ModuleOp module, const NpzFile &inputs,
                                  bool allTensors, unsigned threads,
                                  bool dequantize = false,
                                  unsigned profileRuns = 0,
                                  std::vector<OpProfile> *profile = nullptr);

/// Writes `ops` (of `runs` timed runs) as text: the time per run of each
/// kind of op (count, ms, share), then the `slowest` slowest ops.
void printProfile(llvm::raw_ostream &os, llvm::ArrayRef<OpProfile> ops,
                  unsigned runs, size_t slowest = 10);

} // namespace tpuc

#endif // TPUC_INTERPRETER_MODULEINTERPRETER_H
