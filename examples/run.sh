#!/usr/bin/env bash
# Builds the examples against the installed stylegan4j artifacts and runs both on one network: the DJL Predictor on
# the official .pkl and the Generator API on its imported checkpoint must draw the same pixels for a seed.
# Needs `mvn install -DskipTests` at the repository's root first (CI runs this after it).
set -euo pipefail
cd "$(dirname "$0")"
out=target/run
mkdir -p "$out"
pkl=../stylegan4j-core/src/test/resources/pkl/tiny32.pkl
../stylegan4j import --pkl "$pkl" --out "$out/tiny32.safetensors" --force
mvn -B -q package dependency:copy-dependencies -DincludeScope=runtime
cp="target/classes:target/dependency/*"
java -cp "$cp" org.stylegan4j.examples.GenerateWithPredictor "$pkl" 42 "$out/predictor.png"
java -cp "$cp" org.stylegan4j.examples.GenerateWithGenerator "$out/tiny32.safetensors" 42 "$out/generator.png"
java SamePixels.java "$out/predictor.png" "$out/generator.png"
