#!/usr/bin/env python3
"""Packs the Free Spoken Digit Dataset's recordings into one gzip file for the app's Train tab
(assets/data/fsdd/recordings.wavs.gz), the WAV files' bytes unchanged:

    b"CONVSCOPE-WAVS 1\n", then per recording, sorted by name:
    u16 LE name length, the name (UTF-8), u32 LE byte count, the WAV file's bytes.

One gzip file of 2,500 WAVs is 11.9 MB against 16.6 MB of loose files (the log-mel
spectrograms one model reads, 32x64 float32 each, would be 20.5 MB and fit only that model).

    scripts/make-fsdd-pack.py ../shared/data/fsdd/recordings assets/data/fsdd/recordings.wavs.gz

And back: the recordings of a pack as loose files, those whose speaker starts with PREFIX only
when --only is given (scripts/measure-twins.sh takes the flite voices out of the synthetic pack):

    scripts/make-fsdd-pack.py --unpack PACK DIR [--only PREFIX]
"""

import gzip
import struct
import sys
from pathlib import Path

MAGIC = b"CONVSCOPE-WAVS 1\n"


def unpack(pack, out, only):
    body = gzip.open(pack).read()
    if not body.startswith(MAGIC):
        sys.exit(f"{pack}: not a pack of recordings")
    at, kept = len(MAGIC), 0
    out.mkdir(parents=True, exist_ok=True)
    while at < len(body):
        (n,) = struct.unpack_from("<H", body, at)
        name = body[at + 2 : at + 2 + n].decode()
        at += 2 + n
        (size,) = struct.unpack_from("<I", body, at)
        data = body[at + 4 : at + 4 + size]
        at += 4 + size
        speaker = name.split("_")[1] if name.count("_") == 2 else ""
        if only is None or speaker.startswith(only):
            (out / Path(name).name).write_bytes(data)
            kept += 1
    print(f"{out}: {kept} recordings")


def main():
    if sys.argv[1] == "--unpack":
        only = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--only" else None
        unpack(Path(sys.argv[2]), Path(sys.argv[3]), only)
        return
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    files = sorted(p for p in src.iterdir() if p.suffix == ".wav")
    body = bytearray(MAGIC)
    for p in files:
        name = p.name.encode()
        data = p.read_bytes()
        body += struct.pack("<H", len(name)) + name + struct.pack("<I", len(data)) + data
    # mtime=0: the same recordings give the same file, byte for byte.
    with open(out, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0, filename="") as g:
            g.write(body)
    print(f"{out}: {len(files)} recordings, {len(body)} bytes -> {out.stat().st_size} gzip'd")


if __name__ == "__main__":
    main()
