# Thin helpers shared by the project's CMake files.

# tpuc_enable_exceptions(target): Debian's LLVM adds -fno-exceptions globally;
# targets that call into onnx's checker or oneDNN need C++ exceptions.
function(tpuc_enable_exceptions target)
  target_compile_options(${target} PRIVATE -fexceptions)
endfunction()
