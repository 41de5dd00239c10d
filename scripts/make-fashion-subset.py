#!/usr/bin/env python3
"""Writes assets/data/fashion-mnist/: the first 8000 training and first 1000 test images of the
Fashion-MNIST subset in ../shared/data/fashion-mnist/ (itself 1000 per class from the official
train file and 200 per class from the official test file, official order kept), as gzip'd IDX
files. Pixels and labels unchanged. Standard library only; run by hand, never by tests."""
import gzip, os, struct, sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/fashion-mnist"
DST = "assets/data/fashion-mnist"

def read(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]

def write(path, shape, body, magic_dims):
    header = struct.pack(">I", 0x0800 | magic_dims) + struct.pack(">" + "I" * len(shape), *shape)
    # mtime=0 so the file is the same byte for byte every time.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(header + body)

for prefix, keep in (("train", 8000), ("t10k", 1000)):
    shape, pixels = read(os.path.join(SRC, f"{prefix}-images-idx3-ubyte.gz"))
    lshape, labels = read(os.path.join(SRC, f"{prefix}-labels-idx1-ubyte.gz"))
    size = shape[1] * shape[2]
    write(os.path.join(DST, f"{prefix}-images-idx3-ubyte.gz"), (keep, shape[1], shape[2]), pixels[:keep * size], 3)
    write(os.path.join(DST, f"{prefix}-labels-idx1-ubyte.gz"), (keep,), labels[:keep], 1)
    counts = [labels[:keep].count(c) for c in range(10)]
    print(prefix, keep, "per class", counts)
