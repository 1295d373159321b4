//===- npz_tool.cpp - compare, inspect and cut .npz files -----------------===//
//
// Part of tpuc. The command-line face of Support/Compare and Support/Npz:
//
//   npz_tool compare <a.npz> <ref.npz> [--tolerance c,e] [--excepts a,b]
//                    [-v|-vv]
//   npz_tool dump <a.npz> [name...]
//   npz_tool extract <in.npz> <out.npz> <name1,name2,...>
//   npz_tool tostat <a.npz>
//
// Exit codes: 0 success (compare: PASSED), 1 a file could not be read or
// written, a named array does not exist, or compare FAILED, 2 bad usage.
// Every error is one line "error: <what>, <where>" on stderr.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Compare.h"
#include "tpuc/Support/Error.h"
#include "tpuc/Support/Npz.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace llvm;
using namespace tpuc;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr StringLiteral kUsage =
    R"(usage: npz_tool <command> [arguments]

commands:
  compare <a.npz> <ref.npz> [--tolerance c,e] [--excepts a,b] [-v|-vv]
      Compares every array of ref.npz that a.npz also has. An array passes
      when EQUAL, CLOSE (allclose, rtol 1e-3, atol 1e-8) or SIMILAR (cosine
      > c and euclidean similarity > e; default 0.99,0.99). Exits 1 unless
      every compared array passes.
  dump <a.npz> [name...]
      Names, shapes, dtypes and min/max/mean/std of the arrays (all, or the
      named ones).
  extract <in.npz> <out.npz> <name1,name2,...>
      Writes a new npz with only the named arrays.
  tostat <a.npz>
      One line per array: name min max abs_max mean.

Options take their value as "--flag value" or "--flag=value".
)";

/// Prints "error: <message>" for `error` and returns `code`.
int report(Error error, int code) {
  errs() << "error: " << toString(std::move(error)) << "\n";
  return code;
}

Error usageError(const Twine &what) { return makeError(what, "command line"); }

/// The arguments after the command name, split into options and positional
/// arguments.
struct Arguments {
  std::vector<std::string> positionals;
  StringMap<std::string> values; // options that take a value, by name
  int verbosity = 0;
  bool help = false;
};

/// Parses `args` for `command`, which accepts the options in `valueOptions`
/// (each "--name value" or "--name=value") and, if `verbose`, -v / -vv.
/// "--" ends the options.
Expected<Arguments> parseArguments(StringRef command,
                                   ArrayRef<const char *> args,
                                   ArrayRef<StringRef> valueOptions,
                                   bool verbose) {
  Arguments result;
  bool optionsEnded = false;
  for (size_t i = 0; i < args.size(); ++i) {
    StringRef arg = args[i];
    if (optionsEnded || arg == "-" || !arg.starts_with("-")) {
      result.positionals.push_back(arg.str());
      continue;
    }
    if (arg == "--") {
      optionsEnded = true;
      continue;
    }
    auto [name, inlineValue] = arg.split('=');
    bool hasInlineValue = arg.contains('=');
    if (name == "-h" || name == "--help" || name == "-help") {
      result.help = true;
      continue;
    }
    if (verbose && (name == "-v" || name == "-vv" || name == "--verbose")) {
      if (hasInlineValue)
        return usageError("option '" + name + "' takes no value");
      result.verbosity += name == "-vv" ? 2 : 1;
      continue;
    }
    if (!llvm::is_contained(valueOptions, name))
      return usageError("unknown option '" + name + "' for '" + command + "'");
    if (hasInlineValue) {
      result.values[name] = inlineValue.str();
      continue;
    }
    if (i + 1 == args.size())
      return usageError("option '" + name + "' needs a value");
    result.values[name] = args[++i];
  }
  return result;
}

/// Summary statistics of an array's values. With a NaN among the values,
/// min, max, mean and std are NaN too; an empty array has NaN everywhere.
struct Stats {
  double min, max, absMax, mean, std;
  int64_t nanCount = 0;
};

Stats computeStats(const Array &array) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Stats stats{nan, nan, nan, nan, nan};
  size_t size = array.numElements();
  if (size == 0)
    return stats;

  // Two streaming passes (mean, then the squared deviations), a chunk of
  // doubles at a time.
  constexpr size_t kChunk = 4096;
  double chunk[kChunk];
  auto forEachChunk = [&](function_ref<void(ArrayRef<double>)> body) {
    for (size_t offset = 0; offset < size; offset += kChunk) {
      MutableArrayRef<double> values(chunk, std::min(kChunk, size - offset));
      convertToDouble(array, offset, values);
      body(values);
    }
  };
  double min = std::numeric_limits<double>::infinity(), max = -min, sum = 0;
  forEachChunk([&](ArrayRef<double> values) {
    for (double x : values) {
      if (std::isnan(x)) {
        ++stats.nanCount;
        continue;
      }
      min = std::min(min, x);
      max = std::max(max, x);
      sum += x;
    }
  });
  if (stats.nanCount)
    return stats;
  stats.min = min;
  stats.max = max;
  stats.absMax = std::max(std::fabs(min), std::fabs(max));
  stats.mean = sum / size;
  double squares = 0;
  forEachChunk([&](ArrayRef<double> values) {
    for (double x : values)
      squares += (x - stats.mean) * (x - stats.mean);
  });
  stats.std = std::sqrt(squares / size);
  return stats;
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string result = "[";
  for (auto [i, dim] : llvm::enumerate(shape))
    result += (i ? "," : "") + std::to_string(dim);
  return result + "]";
}

/// The names in `lists` (each a comma-separated list), in order, once each.
std::vector<std::string> collectNames(ArrayRef<std::string> lists) {
  std::vector<std::string> names;
  StringSet<> seen;
  for (const std::string &list : lists)
    for (std::string &name : splitNameList(list))
      if (seen.insert(name).second)
        names.push_back(std::move(name));
  return names;
}

int runCompare(ArrayRef<const char *> args) {
  Expected<Arguments> parsed =
      parseArguments("compare", args, {"--tolerance", "--excepts"}, true);
  if (!parsed)
    return report(parsed.takeError(), kExitUsage);
  if (parsed->help) {
    outs() << kUsage;
    return 0;
  }
  if (parsed->positionals.size() != 2)
    return report(usageError("compare needs two npz files, <a.npz> <ref.npz>"),
                  kExitUsage);

  CompareOptions options;
  auto tolerance = parsed->values.find("--tolerance");
  if (tolerance != parsed->values.end())
    if (Error error = parseTolerance(tolerance->second, options))
      return report(std::move(error), kExitUsage);
  auto excepts = parsed->values.find("--excepts");
  if (excepts != parsed->values.end())
    options.excepts = splitNameList(excepts->second);

  Expected<NpzFile> values = NpzFile::load(parsed->positionals[0]);
  if (!values)
    return report(values.takeError(), kExitFailure);
  Expected<NpzFile> reference = NpzFile::load(parsed->positionals[1]);
  if (!reference)
    return report(reference.takeError(), kExitFailure);

  CompareReport result = compareNpz(*values, *reference, options);
  result.print(outs(), parsed->verbosity);
  return result.passed() ? 0 : kExitFailure;
}

int runDump(ArrayRef<const char *> args) {
  Expected<Arguments> parsed = parseArguments("dump", args, {}, false);
  if (!parsed)
    return report(parsed.takeError(), kExitUsage);
  if (parsed->help) {
    outs() << kUsage;
    return 0;
  }
  if (parsed->positionals.empty())
    return report(usageError("dump needs an npz file"), kExitUsage);

  StringRef path = parsed->positionals[0];
  Expected<NpzFile> file = NpzFile::load(path);
  if (!file)
    return report(file.takeError(), kExitFailure);

  std::vector<std::string> names =
      collectNames(ArrayRef(parsed->positionals).drop_front());
  if (names.empty())
    for (StringRef name : file->names())
      names.push_back(name.str());
  for (const std::string &name : names)
    if (!file->contains(name))
      return report(makeError("no array '" + name + "' in the npz file", path),
                    kExitFailure);

  outs() << path << ": " << file->size() << " arrays\n";
  for (const std::string &name : names) {
    const Array &array = *file->lookup(name);
    outs() << name << " shape=" << shapeString(array.shape())
           << " dtype=" << dtypeName(array.dtype());
    if (array.numElements() == 0) {
      outs() << " empty\n";
      continue;
    }
    Stats stats = computeStats(array);
    outs() << format(" min=%.6g max=%.6g mean=%.6g std=%.6g", stats.min,
                     stats.max, stats.mean, stats.std);
    if (stats.nanCount)
      outs() << " nan=" << stats.nanCount;
    outs() << "\n";
  }
  return 0;
}

int runExtract(ArrayRef<const char *> args) {
  Expected<Arguments> parsed = parseArguments("extract", args, {}, false);
  if (!parsed)
    return report(parsed.takeError(), kExitUsage);
  if (parsed->help) {
    outs() << kUsage;
    return 0;
  }
  if (parsed->positionals.size() < 3)
    return report(usageError("extract needs <in.npz> <out.npz> <name1,...>"),
                  kExitUsage);
  StringRef input = parsed->positionals[0], output = parsed->positionals[1];
  std::vector<std::string> names =
      collectNames(ArrayRef(parsed->positionals).drop_front(2));
  if (names.empty())
    return report(usageError("extract needs at least one array name"),
                  kExitUsage);
  bool same = false;
  if (!sys::fs::equivalent(input, output, same) && same)
    return report(
        usageError("the output '" + output + "' would overwrite the input"),
        kExitUsage);

  Expected<NpzFile> file = NpzFile::load(input);
  if (!file)
    return report(file.takeError(), kExitFailure);
  NpzFile result;
  for (const std::string &name : names) {
    const Array *array = file->lookup(name);
    if (!array)
      return report(makeError("no array '" + name + "' in the npz file", input),
                    kExitFailure);
    result.set(name, *array);
  }
  if (Error error = result.save(output))
    return report(std::move(error), kExitFailure);
  return 0;
}

int runToStat(ArrayRef<const char *> args) {
  Expected<Arguments> parsed = parseArguments("tostat", args, {}, false);
  if (!parsed)
    return report(parsed.takeError(), kExitUsage);
  if (parsed->help) {
    outs() << kUsage;
    return 0;
  }
  if (parsed->positionals.size() != 1)
    return report(usageError("tostat needs one npz file"), kExitUsage);
  StringRef path = parsed->positionals[0];
  Expected<NpzFile> file = NpzFile::load(path);
  if (!file)
    return report(file.takeError(), kExitFailure);

  outs() << "# npz: " << path << "\n";
  outs() << "# name min max abs_max mean\n";
  for (const NpzFile::Entry &entry : *file) {
    Stats stats = computeStats(entry.array);
    outs() << entry.name
           << format(" %.7f %.7f %.7f %.7f\n", stats.min, stats.max,
                     stats.absMax, stats.mean);
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    return report(usageError("missing command (compare, dump, extract or "
                             "tostat); see npz_tool --help"),
                  kExitUsage);
  StringRef command = argv[1];
  ArrayRef<const char *> args(argv + 2, argv + argc);
  if (command == "-h" || command == "--help" || command == "help") {
    outs() << kUsage;
    return 0;
  }
  if (command == "compare")
    return runCompare(args);
  if (command == "dump")
    return runDump(args);
  if (command == "extract")
    return runExtract(args);
  if (command == "tostat")
    return runToStat(args);
  return report(usageError("unknown command '" + command +
                           "' (expected compare, dump, extract or tostat)"),
                kExitUsage);
}
