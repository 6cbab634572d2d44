#!/usr/bin/env python3
"""Writes the small .npy fixtures of Tests/DataFilesTests/Fixtures with numpy itself.

Regenerate: python3 scripts/reference/make_npy_fixtures.py
Values: element (i, j) of a 3x4 array is (4*i + j) / 7 computed in float64 (then cast to float32
for the f4 files), so the Swift tests can recompute them independently.

Integer and bool files (int_<kind><size>_<order>.npy, bool_2x3.npy) come each with numpy's own
conversion of the same array, `astype('<f8')` and `astype('<f4')` (..._as_f8.npy, ..._as_f4.npy):
the truth the reader's conversion is compared against (including the rounding of integers beyond
2**24 / 2**53). float16 (f2_3x4.npy) stays unsupported.
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
save("f2_3x4.npy", a.astype(np.float16), (1, 0))

signed = np.array([[0, 1, -2, 3], [127, -128, 5, -7], [11, -13, 17, 100]], dtype=np.int64)
unsigned = np.array([[0, 1, 2, 3], [127, 255, 5, 7], [11, 13, 200, 100]], dtype=np.uint64)
wide = {
    "i8": np.array([[2**53 + 1, -(2**53 + 1)], [2**62 + 3, 2**24 + 1], [-(2**63), 2**63 - 1]], dtype=np.int64),
    "u8": np.array([[2**64 - 1, 2**53 + 1], [2**24 + 1, 0], [2**63 + 1, 12345]], dtype=np.uint64),
    "i4": np.array([[2**31 - 1, -(2**31)], [2**24 + 1, -(2**24 + 3)], [0, 1]], dtype=np.int64),
    "u4": np.array([[2**32 - 1, 2**24 + 1], [0, 1], [7, 2**31 + 5]], dtype=np.uint64),
}


def save_with_reference(stem, array):
    save(stem + ".npy", array, (1, 0))
    save(stem + "_as_f8.npy", array.astype("<f8"), (1, 0))
    save(stem + "_as_f4.npy", array.astype("<f4"), (1, 0))


for kind, base in (("i", signed), ("u", unsigned)):
    for size in (1, 2, 4, 8):
        orders = ("|",) if size == 1 else ("<", ">")
        for order in orders:
            name = {"|": "na", "<": "le", ">": "be"}[order]
            save_with_reference(f"int_{kind}{size}_{name}", base.astype(f"{order}{kind}{size}"))
for dt, array in wide.items():
    save_with_reference(f"int_{dt}_wide", array.astype("<" + dt))
save_with_reference("bool_2x3", np.array([[True, False, True], [False, False, True]]))
save("bool_vector4.npy", np.array([True, False, False, True]), (1, 0))
save("f8_2x3x2.npy", np.zeros((2, 3, 2)), (1, 0))

# A v1 file cut 8 bytes short of its payload.
path = os.path.join(out, "f8_3x4_truncated.npy")
save("f8_3x4_truncated.npy", a, (1, 0))
with open(path, "rb") as f:
    data = f.read()
with open(path, "wb") as f:
    f.write(data[:-8])
