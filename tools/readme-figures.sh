#!/usr/bin/env bash
# Makes every picture of the README from a finished quick-start run, with the commands the README documents.
# Usage: tools/readme-figures.sh RUN_DIR     (e.g. runs/digits; needs node and chromium for the explorer's screenshot,
#                                            and `npm ci` in stylegan4j-web/e2e, as .ci/run does)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="$(cd "$1" && pwd)"
net="$run/network-final.safetensors"
docs="$root/docs"
sg="$root/stylegan4j"
port="${PORT:-18080}"

cp "$run/samples-final.png" "$docs/digits-fakes.png"
cp "$run/reals.png" "$docs/digits-reals.png"
cp "$run/loss.png" "$docs/digits-loss.png"
"$sg" mix --network "$net" --rows 1,2,3,4,5 --cols 6,7,8,9,10,11 --styles coarse --out "$docs/style-mixing-coarse.png" --force
"$sg" mix --network "$net" --rows 1,2,3,4,5 --cols 6,7,8,9,10,11 --styles middle --out "$docs/style-mixing-middle.png" --force
"$sg" noise --network "$net" --seeds 1157,1012 --samples 100 --out "$docs/noise.png" --force
"$sg" noise-layers --network "$net" --seeds 1967,1555 --out "$docs/noise-layers.png" --force
"$sg" truncation --network "$net" --seeds 91,388 --psi 1,0.7,0.5,0,-0.5,-1 --out "$docs/truncation.png" --force
"$sg" interpolate --network "$net" --seeds 1,2,3 --space w --frames 60 --out "$docs/interpolation.gif" --force

"$sg" serve --network "$net" --port "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/api/info" >/dev/null 2>&1 && break
  sleep 1
done
(cd "$root/stylegan4j-web/e2e" && node e2e.mjs "http://127.0.0.1:$port/" "$docs/explorer.png")
