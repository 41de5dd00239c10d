#!/usr/bin/env bash
# Builds the portable folder: the release program with its data beside it, in the layout it
# looks for first (docs/packaging.md), packed as target/portable/convscope-VERSION-linux-ARCH.tar.gz.
# Unpacked anywhere, `./convscope` opens on the sample models. Prints the archive's path.
#
#   scripts/package-portable.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked >&2
version=$(target/release/convscope --version | awk '{print $2}')
name=convscope-$version-linux-$(uname -m)
out=target/portable
dir=$out/$name
rm -rf "$dir" "$out/$name.tar.gz"
mkdir -p "$dir/sample_models/arch" "$dir/assets/data" "$dir/assets/lessons" "$dir/doc/fonts"

install -m 755 -s target/release/convscope "$dir/"
cp sample_models/*.json sample_models/*.safetensors sample_models/README.md "$dir/sample_models/"
cp sample_models/arch/*.json "$dir/sample_models/arch/"
cp -r assets/data/mnist assets/data/fashion-mnist assets/data/fsdd assets/data/synthetic-voices "$dir/assets/data/"
cp assets/lessons/* "$dir/assets/lessons/"
cp README.md assets/ATTRIBUTION.md "$dir/doc/"
cp assets/fonts/*.txt "$dir/doc/fonts/"
# For a menu entry, a man page and completions by hand (docs/packaging.md says how).
mkdir -p "$dir/share"
cp assets/packaging/convscope.desktop assets/packaging/convscope-mime.xml \
  assets/packaging/convscope.svg assets/packaging/convscope-256.png "$dir/share/"
scripts/package-files.sh target/release/convscope "$dir/share"
cat >"$dir/README.txt" <<TEXT
convscope $version, portable folder

Run ./convscope from this folder (or from anywhere: it finds sample_models/ and assets/
beside itself). Keep the folder together; move or copy it as a whole.

Needs a desktop session with OpenGL; on a bare Debian or Ubuntu machine:
  sudo apt-get install libgl1 libegl1 libgl1-mesa-dri libxkbcommon-x11-0 libxcursor1 libxi6 libxrandr2

doc/ holds the README and the licences of the bundled data and font;
share/ the menu entry, icon, MIME type, man page (convscope.1.gz) and shell completions.
TEXT
tar -C "$out" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
