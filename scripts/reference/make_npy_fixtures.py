#!/usr/bin/env python3
"""Writes the small .npy fixtures of Tests/DataFilesTests/Fixtures with numpy itself.

Regenerate: python3 scripts/reference/make_npy_fixtures.py
Values: element (i, j) of a 3x4 array is (4*i + j) / 7 computed in float64 (then cast to float32
for the f4 files), so the Swift tests can recompute them independently.
"""
import os
import numpy as np
from numpy.lib import format as npformat

out = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "DataFilesTests", "Fixtures")
os.makedirs(out, exist_ok=True)

a = np.arange(12, dtype=np.float64).reshape(3, 4) / 7


def save(name, array, version=None):
    with open(os.path.join(out, name), "wb") as f:
        npformat.write_array(f, array, version=version, allow_pickle=False)


save("f8_3x4_v1.npy", a, (1, 0))
save("f4_3x4_v1.npy", a.astype(np.float32), (1, 0))
save("f8_3x4_v2.npy", a, (2, 0))
save("f8_3x4_v3.npy", a, (3, 0))
save("f8_vector5.npy", np.arange(5, dtype=np.float64) / 7, (1, 0))
save("f8_3x4_bigendian.npy", a.astype(">f8"), (1, 0))
save("f8_3x4_fortran.npy", np.asfortranarray(a), (1, 0))
save("u1_3x4.npy", np.arange(12, dtype=np.uint8).reshape(3, 4), (1, 0))
save("f8_2x3x2.npy", np.zeros((2, 3, 2)), (1, 0))

# A v1 file cut 8 bytes short of its payload.
path = os.path.join(out, "f8_3x4_truncated.npy")
save("f8_3x4_truncated.npy", a, (1, 0))
with open(path, "rb") as f:
    data = f.read()
with open(path, "wb") as f:
    f.write(data[:-8])
