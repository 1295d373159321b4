# -*- Python -*- lit configuration of the tpuc tests.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "TPUC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tpuc_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
config.substitutions.append(("%python", config.python_executable))

llvm_config.add_tool_substitutions(
    [ToolSubst("tpuc-opt", unresolved="fatal"),
     ToolSubst("npz_tool", unresolved="fatal"),
     ToolSubst("model_transform", unresolved="fatal"),
     ToolSubst("model_runner", unresolved="fatal"),
     ToolSubst("model_deploy", unresolved="fatal"),
     ToolSubst("run_calibration", unresolved="fatal")], [config.tpuc_tools_dir])

# Every FileCheck run scopes its variables to one CHECK-LABEL block.
config.environment["FILECHECK_OPTS"] = "--enable-var-scope"
