#!/usr/bin/env bash
# GPU check: builds the CUDA jar, runs the GPU-tagged tests (the GPU against the CPU: networks and a training step
# with R1), trains the ffhq preset for 1 kimg at 256x256 and at 1024x1024, and runs the GPU benchmarks.
# Usage: tools/gpu-check.sh [OUT_DIR]   (default gpu-check/; every figure lands there as a log or JSON file)
# Needs: an NVIDIA GPU with its driver, Java 17, Maven, and the CUDA natives in ~/.m2 or a repository you add
# (ai.djl.pytorch:pytorch-native-cu128 2.7.1, which Maven Central does not have: docs/releasing.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mkdir -p "${1:-$root/gpu-check}" && cd "${1:-$root/gpu-check}" && pwd)"
cd "$root"
log() { echo "== $*" | tee -a "$out/summary.txt"; }

log "$(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo 'nvidia-smi not found')"
log "building the CUDA jar (mvn -Pcuda)"
mvn -q -B -Pcuda -DskipTests install

log "GPU-tagged tests"
mvn -B -Pcuda test -pl stylegan4j-core -Dsurefire.excludedGroups=none -Dgroups=gpu 2>&1 | tee "$out/gpu-tests.log" \
  | grep -E 'Tests run:|FAIL' | tail -3 | tee -a "$out/summary.txt"

# 64 bundled digits, upscaled to each resolution by the dataset tool (1 channel; the ffhq preset takes it)
src="$out/digits64"
rm -rf "$src" && mkdir -p "$src"
(cd "$src" && unzip -q -o "$root/data/mnist32.zip" && find . -name '*.png' | sort | tail -n +65 | xargs rm -f)
run() { java -Xmx16g -Dai.djl.offline=true -jar stylegan4j-cli/target/stylegan4j.jar "$@"; }
for res in 256 1024; do
  run dataset --source "$src" --dest "$out/digits$res.zip" --resolution "$res" --force > /dev/null
  log "train --preset ffhq --kimg 1 at ${res}x${res} (plan first)"
  run train --device gpu --data "$out/digits$res.zip" --outdir "$out/ffhq$res" --preset ffhq --plan | tee -a "$out/summary.txt"
  rm -rf "$out/ffhq$res"
  /usr/bin/time -v java -Xmx16g -Dai.djl.offline=true -jar stylegan4j-cli/target/stylegan4j.jar train --device gpu \
    --data "$out/digits$res.zip" --outdir "$out/ffhq$res" --preset ffhq --kimg 1 --tick-kimg 0.25 \
    > "$out/train$res.log" 2>&1 || { log "training at $res failed: see $out/train$res.log"; }
  tail -n 20 "$out/train$res.log" | grep -E 'finished|stopped|error|Maximum resident' | tee -a "$out/summary.txt" || true
  cp "$out/ffhq$res/log.jsonl" "$out/train$res.jsonl" 2>/dev/null || true
done

log "benchmarks"
for res in 256 1024; do
  for batch in 1 16; do
    run bench generate --device gpu --resolution "$res" --batch "$batch" --json | tee "$out/bench-generate-$res-$batch.json" \
      | tee -a "$out/summary.txt"
  done
done
for res in 32 64 256; do
  run bench train --device gpu --resolution "$res" --batch 16 --json | tee "$out/bench-train-$res.json" | tee -a "$out/summary.txt"
done
log "done: $out/summary.txt"
