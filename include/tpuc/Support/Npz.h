//===- Npz.h - numpy .npy/.npz store ----------------------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Reading and writing numpy's .npy arrays and .npz archives (zip files of
// .npy members), the exchange format for weights, calibration inputs and
// reference outputs.
//
// Only little-endian, C-order arrays of the dtypes in DType are supported.
// Every failure on user input (missing file, corrupt zip, bad npy header,
// size mismatch, ...) is an llvm::Error whose message names the file and,
// for npz members, the member ("<what>, <path>:<member>"). Saving writes a
// temporary file next to the destination and renames it, so readers never
// see a partial file; the bytes written depend only on the contents.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_SUPPORT_NPZ_H
#define TPUC_SUPPORT_NPZ_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tpuc {

/// Element types of an Array. The raw bytes are always little-endian; F16 is
/// IEEE binary16 stored as its 16-bit pattern; Bool is one byte, 0 or 1.
enum class DType { F32, F64, F16, I8, U8, I16, U16, I32, U32, I64, U64, Bool };

/// Size in bytes of one element of `type`.
size_t dtypeSize(DType type);

/// numpy's descr string of `type` as written in .npy headers, e.g. "<f4",
/// "|i1", "|b1".
llvm::StringRef dtypeDescr(DType type);

/// A short name for diagnostics: "f32", "f16", "i8", "bool", ...
llvm::StringRef dtypeName(DType type);

/// Parses a numpy descr ("<f4", "=i8", "|u1", ...). Byte orders '<', '=' and
/// '|' are accepted; '>' only for one-byte types, where byte order is
/// meaningless. Returns std::nullopt for anything else (big-endian,
/// unsupported kinds such as strings, objects or structured types).
std::optional<DType> parseDescr(llvm::StringRef descr);

/// Decodes an IEEE binary16 bit pattern exactly (subnormals, infinities and
/// NaN payloads included).
float halfToFloat(uint16_t bits);

/// Maps a C++ element type to its DType (F16 has no C++ type: build such
/// arrays with Array::make or Array::fromBytes).
template <typename T> struct DTypeOf;
template <> struct DTypeOf<float> {
  static constexpr DType value = DType::F32;
};
template <> struct DTypeOf<double> {
  static constexpr DType value = DType::F64;
};
template <> struct DTypeOf<int8_t> {
  static constexpr DType value = DType::I8;
};
template <> struct DTypeOf<uint8_t> {
  static constexpr DType value = DType::U8;
};
template <> struct DTypeOf<int16_t> {
  static constexpr DType value = DType::I16;
};
template <> struct DTypeOf<uint16_t> {
  static constexpr DType value = DType::U16;
};
template <> struct DTypeOf<int32_t> {
  static constexpr DType value = DType::I32;
};
template <> struct DTypeOf<uint32_t> {
  static constexpr DType value = DType::U32;
};
template <> struct DTypeOf<int64_t> {
  static constexpr DType value = DType::I64;
};
template <> struct DTypeOf<uint64_t> {
  static constexpr DType value = DType::U64;
};
template <> struct DTypeOf<bool> {
  static constexpr DType value = DType::Bool;
};

/// One dense tensor: an element type, a shape (empty for a 0-d scalar) and
/// the C-order, little-endian element bytes. The byte buffer comes from
/// operator new and is therefore aligned for every element type.
class Array {
public:
  /// A zero-filled array. Dimensions must be non-negative.
  static Array make(DType type, llvm::ArrayRef<int64_t> shape);

  /// An F32 array holding `data`, whose size must equal the shape's product.
  static Array fromFloat(llvm::ArrayRef<int64_t> shape,
                         llvm::ArrayRef<float> data);

  /// An array of DTypeOf<T> holding `data`, whose size must equal the
  /// shape's product.
  template <typename T>
  static Array fromData(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<T> data) {
    Array result = make(DTypeOf<T>::value, shape);
    assert(data.size() == static_cast<size_t>(result.numElements()) &&
           "element count does not match the shape");
    llvm::copy(data, result.mutableValues<T>().begin());
    return result;
  }

  /// An array of `type` whose raw little-endian bytes are `bytes`; its size
  /// must be the shape's product times dtypeSize(type).
  static Array fromBytes(DType type, llvm::ArrayRef<int64_t> shape,
                         llvm::ArrayRef<uint8_t> bytes);

  DType dtype() const { return type; }
  llvm::ArrayRef<int64_t> shape() const { return dims; }
  size_t rank() const { return dims.size(); }
  /// Product of the dimensions (1 for a 0-d array).
  int64_t numElements() const;
  /// numElements() * dtypeSize(dtype()).
  size_t byteSize() const { return data.size(); }

  llvm::ArrayRef<uint8_t> bytes() const { return data; }
  llvm::MutableArrayRef<uint8_t> mutableBytes() { return data; }

  /// The elements viewed as T; sizeof(T) must equal dtypeSize(dtype()) (use
  /// uint16_t for the bit patterns of F16).
  template <typename T> llvm::ArrayRef<T> values() const {
    assert(sizeof(T) == dtypeSize(type) && "element size mismatch");
    return llvm::ArrayRef<T>(reinterpret_cast<const T *>(data.data()),
                             data.size() / sizeof(T));
  }
  template <typename T> llvm::MutableArrayRef<T> mutableValues() {
    assert(sizeof(T) == dtypeSize(type) && "element size mismatch");
    return llvm::MutableArrayRef<T>(reinterpret_cast<T *>(data.data()),
                                    data.size() / sizeof(T));
  }

  /// The elements converted to float (F16 decoded exactly; 32/64-bit
  /// integers and F64 rounded to nearest; Bool as 0 or 1).
  std::vector<float> toFloat() const;

  /// Same dtype, shape and bytes.
  bool operator==(const Array &other) const {
    return type == other.type && dims == other.dims && data == other.data;
  }
  bool operator!=(const Array &other) const { return !(*this == other); }

private:
  Array(DType type, llvm::ArrayRef<int64_t> shape, std::vector<uint8_t> data)
      : type(type), dims(shape.begin(), shape.end()), data(std::move(data)) {}

  friend class NpzFile;

  DType type;
  llvm::SmallVector<int64_t, 4> dims;
  std::vector<uint8_t> data;
};

/// Parses the contents of a .npy file (format versions 1.0, 2.0 and 3.0,
/// C order only). `where` names the source in error messages.
llvm::Expected<Array> parseNpy(llvm::StringRef bytes, llvm::StringRef where);

/// Serializes `array` as a version 1.0 .npy file, byte-for-byte as numpy's
/// np.save writes it (the version 2.0 header is used only when the header
/// does not fit in 65535 bytes).
std::string serializeNpy(const Array &array);

/// Reads the .npy file at `path`.
llvm::Expected<Array> loadNpy(llvm::StringRef path);

/// Writes `array` to `path` as a .npy file, atomically (temp file + rename).
llvm::Error saveNpy(llvm::StringRef path, const Array &array);

/// A .npz archive held in memory: named arrays in insertion order.
class NpzFile {
public:
  struct Entry {
    std::string name;
    Array array;
  };

  NpzFile() = default;

  /// Reads every member "<name>.npy" (stored or deflated) of the archive at
  /// `path`; the member order of the archive is kept. Fails on a missing or
  /// corrupt archive, a CRC mismatch, a member that is not a valid .npy, a
  /// member whose name does not end in ".npy", or duplicate names.
  static llvm::Expected<NpzFile> load(llvm::StringRef path);

  /// Writes the archive to `path` (members stored, or deflated when
  /// `compress`), atomically: a temporary file in the same directory is
  /// renamed over `path` and removed on failure. Equal contents give
  /// byte-identical files (fixed timestamps, nothing host-dependent).
  llvm::Error save(llvm::StringRef path, bool compress = false) const;

  size_t size() const { return entries.size(); }
  bool empty() const { return entries.empty(); }
  bool contains(llvm::StringRef name) const { return index.count(name); }

  /// The array called `name`, or nullptr.
  const Array *lookup(llvm::StringRef name) const;
  Array *lookup(llvm::StringRef name);

  /// Replaces the array called `name` in place, or appends it.
  void set(llvm::StringRef name, Array array);

  /// Removes the array called `name`; false when there is none.
  bool erase(llvm::StringRef name);

  /// The names in order.
  llvm::SmallVector<llvm::StringRef> names() const;

  /// (name, array) entries in order.
  using const_iterator = std::vector<Entry>::const_iterator;
  const_iterator begin() const { return entries.begin(); }
  const_iterator end() const { return entries.end(); }

private:
  std::vector<Entry> entries;
  llvm::StringMap<size_t> index;
};

} // namespace tpuc

#endif // TPUC_SUPPORT_NPZ_H
