#!/usr/bin/env python3
"""The coefficients of the engine's `exp` polynomial (src/engine/layers/activation.rs).

`exp(r) = 1 + r + r^2 q(r)` on |r| <= ln 2 / 2, with `q` of degree DEGREE, fitted for the
least largest relative error of `exp` by iteratively reweighted least squares (close to the
minimax fit). Prints the largest relative error in units of f32's rounding (2^-24) and the
coefficients rounded to f32, highest first, as the Rust code evaluates them (Horner).

Needs numpy only. Usage: python3 scripts/fit-exp-polynomial.py [DEGREE]  (default 4)
"""
import sys

import numpy as np

degree = int(sys.argv[1]) if len(sys.argv) > 1 else 4
half = np.log(2) / 2
# Chebyshev nodes over a slightly wider interval, so the ends are covered.
r = np.cos(np.linspace(0, np.pi, 20001)) * half * 1.0005
target = (np.expm1(r) - r) / np.exp(r)
columns = np.stack([r ** (2 + k) for k in range(degree + 1)], 1) / np.exp(r)[:, None]
weights = np.ones_like(r)
for _ in range(60):
    coefficients, *_ = np.linalg.lstsq(columns * weights[:, None], target * weights, rcond=None)
    error = columns @ coefficients - target
    weights = weights * (np.abs(error) / np.abs(error).max()) ** 0.5 + 1e-12
    weights /= weights.max()
print(f"largest relative error {np.abs(error).max():.3g} = {np.abs(error).max() / 2**-24:.3f} x 2^-24")
for c in reversed(coefficients):
    print(np.float32(c))  # the shortest decimal that gives this f32
