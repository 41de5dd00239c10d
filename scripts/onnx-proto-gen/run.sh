#!/bin/sh
# Regenerates src/io/onnx/proto.rs from src/io/onnx/onnx.proto (no protoc needed).
# Run from anywhere; builds the generator in its own target dir outside the repository.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/onnx-proto-gen-target}" \
  cargo run --quiet --manifest-path scripts/onnx-proto-gen/Cargo.toml
rustfmt --edition 2024 src/io/onnx/proto.rs
