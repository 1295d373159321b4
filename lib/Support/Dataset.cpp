//===- Dataset.cpp - calibration / test samples from files ----------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Compiled into TPUCImage (with exceptions enabled for OpenCV) but calls no
// OpenCV itself: images go through loadImageInput, which catches
// everything.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Dataset.h"
#include "tpuc/Support/Error.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace llvm;
using namespace tpuc;

namespace {

enum class FileKind { Image, Npy, Npz };

/// The kind of a sample file by its extension (any case); std::nullopt for
/// files a dataset folder ignores.
std::optional<FileKind> kindOf(StringRef path) {
  StringRef ext = sys::path::extension(path);
  if (ext.equals_insensitive(".npy"))
    return FileKind::Npy;
  if (ext.equals_insensitive(".npz"))
    return FileKind::Npz;
  for (StringRef image : {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff",
                          ".webp", ".pgm", ".ppm"})
    if (ext.equals_insensitive(image))
      return FileKind::Image;
  return std::nullopt;
}

/// "1x3x224x224".
std::string shapeText(ArrayRef<int64_t> shape) {
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "x" : "") + (shape[i] < 0 ? "?" : std::to_string(shape[i]));
  return text;
}

/// "x, y".
std::string inputNames(ArrayRef<InputSpec> inputs) {
  return join(map_range(inputs, [](const InputSpec &i) { return i.name; }),
              ", ");
}

/// Where an error in `file` (its npz array `member`, if any) happened: the
/// file, and the sample's origin when that says something more.
std::string where(const Sample &sample, StringRef file, StringRef member = "") {
  std::string at = file.str();
  if (!member.empty())
    at += (":" + member).str();
  if (!sample.origin.empty() && sample.origin != file)
    at += " (sample " + sample.origin + ")";
  return at;
}

/// `error` with the sample's origin appended, unless it is the file itself.
Error withOrigin(Error error, const Sample &sample, StringRef file) {
  if (!error || sample.origin.empty() || sample.origin == file)
    return error;
  return createStringError(inconvertibleErrorCode(),
                           toString(std::move(error)) + " (sample " +
                               sample.origin + ")");
}

/// `array` as an f32 array of the input's shape; `at` names it in errors.
/// A shape with dynamic dimensions (negative) keeps the array's own shape.
Expected<Array> toInput(const Array &array, const InputSpec &input,
                        const Twine &at) {
  bool dynamic = any_of(input.shape, [](int64_t d) { return d < 0; });
  if (dynamic)
    return Array::fromFloat(array.shape(), array.toFloat());
  int64_t expected = 1;
  for (int64_t d : input.shape)
    expected *= d;
  if (array.numElements() != expected)
    return makeError("expected " + Twine(expected) + " values for input '" +
                         input.name + "' of shape " + shapeText(input.shape) +
                         ", got " + Twine(array.numElements()),
                     at);
  if (array.dtype() == DType::F32)
    return Array::fromBytes(DType::F32, input.shape, array.bytes());
  return Array::fromFloat(input.shape, array.toFloat());
}

/// Loads `file`, an image or a .npy, as the value of `input`.
Expected<Array> loadFile(StringRef file, const InputSpec &input,
                         const Sample &sample) {
  if (kindOf(file) == FileKind::Npy) {
    Expected<Array> array = loadNpy(file);
    if (!array)
      return withOrigin(array.takeError(), sample, file);
    return toInput(*array, input, where(sample, file));
  }
  // Anything else is read as an image; the decoder names what is wrong.
  if (input.shape.size() != 4)
    return makeError("an image needs an input of rank 4, input '" + input.name +
                         "' has shape " + shapeText(input.shape),
                     where(sample, file));
  Expected<Array> image = loadImageInput(file, input.preprocess, input.shape);
  if (!image)
    return withOrigin(image.takeError(), sample, file);
  return image;
}

/// Loads the arrays of the .npz `file` for `inputs`: by name, or by order
/// when no array is named after an input and the counts agree.
Expected<NpzFile> loadNpzSample(StringRef file, ArrayRef<InputSpec> inputs,
                                const Sample &sample) {
  Expected<NpzFile> npz = NpzFile::load(file);
  if (!npz)
    return withOrigin(npz.takeError(), sample, file);
  std::string at = where(sample, file);
  bool anyByName = any_of(inputs, [&](const InputSpec &input) {
    return npz->contains(input.name);
  });
  if (anyByName) {
    for (const InputSpec &input : inputs)
      if (!npz->contains(input.name))
        return makeError("the npz has no array '" + input.name +
                             "' (the model's inputs: " + inputNames(inputs) +
                             ")",
                         at);
  } else if (npz->size() != inputs.size()) {
    return makeError("the npz has " + Twine(npz->size()) +
                         " arrays but the model has " + Twine(inputs.size()) +
                         " inputs (" + inputNames(inputs) + ")",
                     at);
  }
  NpzFile result;
  auto entry = npz->begin();
  for (const InputSpec &input : inputs) {
    StringRef name = anyByName ? StringRef(input.name) : StringRef(entry->name);
    const Array &source = anyByName ? *npz->lookup(name) : (entry++)->array;
    Expected<Array> array = toInput(source, input, where(sample, file, name));
    if (!array)
      return array.takeError();
    result.set(input.name, std::move(*array));
  }
  return result;
}

} // namespace

Expected<std::vector<Sample>> tpuc::listDatasetFolder(StringRef dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    StringRef path = it->path();
    if (!kindOf(path))
      continue;
    // Symbolic links to files count; folders with a matching name do not.
    sys::fs::file_status status;
    if (sys::fs::status(path, status) || !sys::fs::is_regular_file(status))
      continue;
    files.push_back(path.str());
  }
  if (ec)
    return makeError("cannot read the dataset folder: " + ec.message(), dir);
  if (files.empty())
    return makeError("dataset folder has no images, .npy or .npz files", dir);
  llvm::sort(files, [](const std::string &a, const std::string &b) {
    return sys::path::filename(a) < sys::path::filename(b);
  });
  std::vector<Sample> samples;
  samples.reserve(files.size());
  for (std::string &file : files)
    samples.push_back({{file}, file});
  return samples;
}

Expected<std::vector<Sample>> tpuc::readDataList(StringRef listPath) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(listPath, /*IsText=*/true);
  if (!buffer)
    return makeError(
        "cannot read the data list: " + buffer.getError().message(), listPath);
  StringRef folder = sys::path::parent_path(listPath);
  std::vector<Sample> samples;
  SmallVector<StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    StringRef line = lines[i].trim();
    if (line.empty() || line.starts_with("#"))
      continue;
    std::string origin = (listPath + ":" + Twine(i + 1)).str();
    Sample sample;
    SmallVector<StringRef> parts;
    line.split(parts, ',');
    for (StringRef part : parts) {
      part = part.trim();
      if (part.empty())
        return makeError("empty file name in the data list", origin);
      SmallString<256> file;
      if (sys::path::is_absolute(part))
        file = part;
      else
        sys::path::append(file, folder, part);
      sample.files.push_back(std::string(file));
    }
    sample.origin = std::move(origin);
    samples.push_back(std::move(sample));
  }
  if (samples.empty())
    return makeError("the data list has no samples", listPath);
  return samples;
}

Expected<NpzFile> tpuc::loadSample(const Sample &sample,
                                   ArrayRef<InputSpec> inputs) {
  if (sample.files.empty())
    return makeError("the sample has no files", sample.origin);
  if (sample.files.size() == 1 && kindOf(sample.files[0]) == FileKind::Npz)
    return loadNpzSample(sample.files[0], inputs, sample);
  if (sample.files.size() != inputs.size()) {
    if (sample.files.size() == 1)
      return makeError("an image or .npy sample needs a model with one "
                       "input, this one has " +
                           Twine(inputs.size()),
                       where(sample, sample.files[0]));
    return makeError("the sample has " + Twine(sample.files.size()) +
                         " files but the model has " + Twine(inputs.size()) +
                         " inputs (" + inputNames(inputs) + ")",
                     sample.origin);
  }
  NpzFile result;
  for (size_t i = 0; i < inputs.size(); ++i) {
    StringRef file = sample.files[i];
    if (kindOf(file) == FileKind::Npz)
      return makeError("an .npz file must be the whole sample, not one of "
                       "its files",
                       where(sample, file));
    Expected<Array> array = loadFile(file, inputs[i], sample);
    if (!array)
      return array.takeError();
    result.set(inputs[i].name, std::move(*array));
  }
  return result;
}
