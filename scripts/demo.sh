#!/usr/bin/env bash
# The main job of tpuc on a bundled default model: installs what is missing,
# builds, and deploys the Fashion-MNIST CNN of demo/ (written by
# scripts/make_demo_assets.py) for every chip and mode:
# model_transform -> run_calibration -> model_deploy -> model_runner on the
# 1000 test images of demo/test_1000.npz. Prints one table: top-1 accuracy,
# cosine of the logits with the f32 Top model's, lowering time.
# Working files (and each tool's log) stay in build/demo/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TPUC_BUILD_DIR:-$root/build}"

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" model_transform run_calibration model_deploy model_runner

bin="$build/bin"
demo="$root/demo"
work="$build/demo"
rm -rf "$work"
mkdir -p "$work/b1" "$work/b1000" "$work/deploy"
name=fashion_cnn
start=$SECONDS

# step LOG CMD...: runs CMD with its output in LOG; on failure shows LOG.
step() {
  local log="$1"; shift
  local shown="$*"
  echo "== ${shown//$root\//}" >&2
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "demo: failed, see $log" >&2
    return 1
  fi
}

# Two Top models of the same network: batch 1 for calibration, batch 1000
# for evaluation (same tensor names, so the table applies to both).
preprocess=(--pixel_format gray --mean 127.5 --scale 0.00784313725490196)
step "$work/transform_b1.log" "$bin/model_transform" --model_name "$name" \
  --model_def "$demo/fashion_cnn_b1.onnx" --input_shapes '[[1,1,28,28]]' \
  "${preprocess[@]}" --test_input "$demo/calibration/img00000.png" \
  --mlir "$work/b1/$name.mlir"
step "$work/transform_b1000.log" "$bin/model_transform" --model_name "$name" \
  --model_def "$demo/fashion_cnn.onnx" --input_shapes '[[1000,1,28,28]]' \
  "${preprocess[@]}" --mlir "$work/b1000/$name.mlir"
step "$work/calibration.log" "$bin/run_calibration" "$work/b1/$name.mlir" \
  --dataset "$demo/calibration" --input_num 100 -o "$work/${name}_cali_table"
step "$work/top.log" "$bin/model_runner" --input "$demo/test_1000.npz" \
  --model "$work/b1000/$name.mlir" --output "$work/top_outputs.npz"

rows=(--row "top F32 $work/top_outputs.npz -")
failed=0
for config in "bm1684x INT8" "bm1684x INT8 --asymmetric" "bm1684x F16" \
              "bm1684x BF16" "bm1684x F32" "bm1684 INT8" "bm1684 F32" \
              "cv183x INT8" "cv183x BF16"; do
  read -r chip mode asym <<<"$config"
  prefix="${name}_${chip}_${mode,,}"
  label="$mode"
  flags=()
  if [ "$mode" = INT8 ]; then
    flags+=(--calibration_table "$work/${name}_cali_table")
    if [ -n "$asym" ]; then
      flags+=(--asymmetric); prefix+=_asym; label="INT8-asym"
    else
      prefix+=_sym; label="INT8-sym"
    fi
  fi
  log="$work/deploy/$prefix.log"
  out="$work/deploy/${prefix}_outputs.npz"
  if step "$log" "$bin/model_deploy" --mlir "$work/b1000/$name.mlir" \
       --quantize "$mode" --processor "$chip" "${flags[@]}" \
       --model "$work/deploy/$name.bmodel"; then
    step "$work/deploy/$prefix.run.log" "$bin/model_runner" \
      --input "$demo/test_1000.npz" --model "$work/deploy/${prefix}_tpu.mlir" \
      --output "$out" || failed=1
  else
    failed=1
  fi
  rows+=(--row "$chip $label $out $log")
done

echo >&2
/usr/bin/python3 "$root/scripts/demo_report.py" --labels "$demo/test_1000.npz" \
  --reference "$work/top_outputs.npz" "${rows[@]}" || failed=1
echo "demo: $((SECONDS - start)) s after the build; files in $work" >&2
exit "$failed"
