#!/usr/bin/env python3
"""Print the numpy reference values hard-coded in NumpyRandomStateTest.

Usage: python3 tools/numpy_reference.py

Every double is printed with repr(), which round-trips exactly, so the Java
test can compare with a tolerance of 0.0.
"""
import numpy as np


def show(label, values):
    print(label)
    for v in values:
        print("    %r," % float(v))


def main():
    print("numpy", np.__version__)
    show("RandomState(0).randn(8)", np.random.RandomState(0).randn(8))
    z5 = np.random.RandomState(5).randn(512)
    show("RandomState(5).randn(512)[:5]", z5[:5])
    show("RandomState(5).randn(512)[-5:]", z5[-5:])
    # Summed left to right in double precision, as the Java test does.
    print("sum(RandomState(5).randn(512)) = %r" % sum(float(v) for v in z5))
    show("RandomState(4294967295).randn(3)", np.random.RandomState(4294967295).randn(3))
    show("RandomState(123).random_sample(4)", np.random.RandomState(123).random_sample(4))
    print("RandomState(42).randn(1, 512)[0, 511] = %r"
          % float(np.random.RandomState(42).randn(1, 512)[0, 511]))
    # StrictMath.log (fdlibm) rounds log(r2) differently from glibc for these two values.
    show("RandomState(0).randn(124)[122:124]", np.random.RandomState(0).randn(124)[122:124])
    print("RandomState(5489) raw uint32 outputs: %r" % [
        int(v) for v in np.random.RandomState(5489).randint(0, 2**32, 3, dtype=np.uint64)])


if __name__ == "__main__":
    main()
