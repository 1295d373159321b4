//===- Dataset.h - calibration / test samples from files ---------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// A sample is what one inference consumes: one array per model input. It
// comes from files, in one of these forms:
//   - an image (.jpg .jpeg .png .bmp .tif .tiff .webp .pgm .ppm), decoded and
//     preprocessed with the input's PreprocessConfig (models with one input);
//   - a .npy file (models with one input);
//   - a .npz file holding one array per input, matched by name, or by order
//     when no array name is an input name and the counts agree;
//   - in a data list, several files separated by commas: one per input, in
//     input order (images or .npy).
// listSamples enumerates a dataset folder (its files with the extensions
// above, non-recursively, sorted by name bytewise so the order is the same
// everywhere) or a data list (one sample per non-empty line, '#' comments,
// paths relative to the list's folder).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_SUPPORT_DATASET_H
#define TPUC_SUPPORT_DATASET_H

#include "tpuc/Support/Image.h"
#include "tpuc/Support/Npz.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tpuc {

/// One model input as the loader needs to know it.
struct InputSpec {
  std::string name;
  std::vector<int64_t> shape;
  /// How an image becomes this input.
  PreprocessConfig preprocess;
};

/// One sample: its files (one, or one per input).
struct Sample {
  std::vector<std::string> files;
  /// Where the sample was listed ("<list>:<line>" or the file path), for
  /// error messages.
  std::string origin;
};

/// The samples of a dataset folder, in name order.
llvm::Expected<std::vector<Sample>> listDatasetFolder(llvm::StringRef dir);

/// The samples of a data list file, in line order.
llvm::Expected<std::vector<Sample>> readDataList(llvm::StringRef listPath);

/// Loads one sample as f32 arrays named after the inputs. Errors name the
/// file (and the sample's origin): unreadable file, wrong element count for
/// the input's shape ("expected 784 values for input 'x' of shape 1x1x28x28,
/// got 1000"), missing npz array, wrong number of files.
llvm::Expected<NpzFile> loadSample(const Sample &sample,
                                   llvm::ArrayRef<InputSpec> inputs);

} // namespace tpuc

#endif // TPUC_SUPPORT_DATASET_H
