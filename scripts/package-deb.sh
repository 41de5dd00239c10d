#!/usr/bin/env bash
# Builds the Debian package: the release program, its man page and completions
# (scripts/package-files.sh), then `cargo deb` with the metadata in Cargo.toml. Prints the
# .deb's path (under target/debian/).
#
#   scripts/package-deb.sh
# Needs cargo-deb (`cargo install cargo-deb`).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-deb >/dev/null || { echo "package-deb.sh: cargo-deb is missing: cargo install cargo-deb" >&2; exit 1; }
cargo build --release --locked >&2
scripts/package-files.sh target/release/convscope target/package-files
cargo deb --no-build --locked >&2
version=$(target/release/convscope --version | awk '{print $2}')
arch=$(dpkg --print-architecture)
echo "target/debian/convscope_${version}-1_${arch}.deb"
