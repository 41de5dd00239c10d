#!/usr/bin/env python3
"""Writes McNemar's exact test p-values computed with SciPy, an independent implementation, as
the fixture tests/engine/lesson_evidence.rs checks src/analysis/paired.rs against.

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install scipy
    /tmp/ref/bin/python tests/reference/make_mcnemar_reference.py > tests/fixtures/mcnemar.csv

Each row: b (examples only the first model gets right), c (only the second), and the
two-sided p of binomtest(b, b + c, 0.5); 1 when b + c = 0 (nothing to compare).
"""
import scipy
from scipy.stats import binomtest

CASES = [
    (0, 0), (1, 0), (0, 1), (1, 1), (3, 0), (5, 0), (6, 0), (5, 1), (7, 2), (4, 12),
    (8, 16), (10, 10), (12, 20), (25, 3), (3, 25), (30, 31), (40, 59), (50, 30),
    (100, 130), (400, 330), (1000, 1100), (6, 17), (17, 6), (20, 6), (14, 22), (7, 85),
    (55, 22), (4, 0), (327, 1), (1500, 1400),
]

print(f"# McNemar exact two-sided p, scipy {scipy.__version__} stats.binomtest(b, b + c, 0.5)")
print("b,c,p")
for b, c in CASES:
    p = 1.0 if b + c == 0 else float(binomtest(b, b + c, 0.5).pvalue)
    print(f"{b},{c},{p!r}")
