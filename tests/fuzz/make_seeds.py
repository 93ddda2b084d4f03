#!/usr/bin/env python3
"""make_seeds.py - writes the hand-made seed inputs of tests/fuzz/corpus/.

Each seed is a configuration (5 bytes) and operations, in the encoding
fuzz_heap.c decodes (see its setup() and LLVMFuzzerTestOneInput()). The
seeds are committed; this script only documents how they were made and
rewrites them:  python3 tests/fuzz/make_seeds.py tests/fuzz/corpus
"""
import os
import sys

MALLOC, CALLOC, REALLOC, ALIGNED, POSIX, FREE = 0, 3, 4, 6, 7, 8
AC_ALLOC, AC_RESIZE, BURST, RELEASE, ABSURD, STATS, WALK = 11, 12, 13, 14, 15, 16, 17
R_ALLOC, R_FREE, R_BAD_FREE, R_EXTEND, R_FORMAT = 18, 20, 21, 22, 23
MISUSE, USABLE_TAIL = 24, 25  # misuse: checked builds only


def size(n):
    if n < 64:
        return [n]
    if n < 1 << 14:
        return [0x40 | n >> 8, n & 0xff]
    assert n < 1 << 21
    return [0x80 | n >> 16, n >> 8 & 0xff, n & 0xff]


def edge(k):  # the k-th edge size of take_size()
    return [0xc0 | k]


def align(bits):
    return [bits]


def bad_align(k):
    return [0xf0 + k]


def static(nbytes, offset=0, region=0x04):
    units = (nbytes - 64) // 16
    return [offset << 4, units >> 8, units & 0xff, region, 0]


def growing(initial, limit, skip_words=0, gaps=0, fail=0, region=0x04):
    c1 = initial | (limit - initial - 1) << 2
    return [(3 if gaps or fail else 2) | gaps << 2, c1, skip_words, region, fail]


SEEDS = {
    "malloc_free_static": static(4160) + [
        MALLOC, *size(10), MALLOC, *size(0), MALLOC, *size(100), FREE, 1, WALK,
        MALLOC, *size(5), FREE, 0, FREE, 2, STATS, 1, MALLOC, *size(3000), FREE, 0],
    "realloc_grow_shrink": static(32768, offset=3) + [
        MALLOC, *size(100), REALLOC, *size(200), 0, REALLOC, *size(50), 0,
        MALLOC, *size(16), REALLOC, *size(1000), 0, REALLOC, *size(0), 1,
        REALLOC, *size(40), 0xff, FREE, 0, WALK],
    "oom_burst_release": static(20000) + [
        BURST, 0x03, 0xe8, 63, RELEASE, 1, 0, BURST, 0x01, 0x00, 63, RELEASE, 1, 0,
        BURST, 0x13, 0x88, 10, WALK, RELEASE, 0, 0, STATS, 1],
    "pages_grow": growing(1, 8) + [
        MALLOC, *size(70000), MALLOC, *size(100), REALLOC, *size(200000), 0,
        MALLOC, *size(65536 - 4), FREE, 0, MALLOC, *size(300000), WALK, STATS, 0],
    "pages_gaps_fail": growing(0, 20, gaps=0x0f, fail=0x81) + [
        MALLOC, *size(40000), MALLOC, *size(40000), MALLOC, *size(70000),
        FREE, 1, MALLOC, *size(100000), WALK, RELEASE, 1, 0, MALLOC, *size(500000), WALK],
    "aligned": static(200000, offset=5) + [
        ALIGNED, *align(6), *size(10), ALIGNED, *align(12), *size(5000),
        ALIGNED, *bad_align(1), *size(8), POSIX, *align(2), *size(8),
        POSIX, *align(16), *size(64), ALIGNED, *align(0), *size(0),
        FREE, 1, FREE, 0, WALK, ALIGNED, *align(17), *size(100), FREE, 2],
    "layout_api": growing(1, 4) + [
        AC_ALLOC, *align(5), *size(100), 1, AC_ALLOC, *align(0), *size(0), 0,
        AC_RESIZE, *size(300), 0, AC_RESIZE, *size(8), 1,
        AC_ALLOC, *align(13), *size(20000), 0, FREE, 0x80, AC_RESIZE, *size(0), 0,
        AC_ALLOC, *bad_align(2), *size(4), 0, WALK],
    "calloc_and_absurd": static(65536) + [
        CALLOC, *size(10), *size(10), 0, CALLOC, *edge(28), *edge(28), 0,
        CALLOC, *size(3), *size(4000), 1, ABSURD, 0, ABSURD, 2, MALLOC, *edge(23),
        MALLOC, *edge(24), MALLOC, *edge(26), ABSURD, 1, STATS, 0],
    "regions": static(4160, region=0x11) + [
        R_ALLOC, 0, 10, 0, R_ALLOC, 0, 3, 5, R_ALLOC, 0, 100, 12, R_FREE, 0,
        R_BAD_FREE, 0, 0, R_BAD_FREE, 1, R_BAD_FREE, 2, 0, R_BAD_FREE, 3,
        R_EXTEND, 0x10, 0x00, 0, R_ALLOC, 0x9f, 0xff, 2, R_ALLOC, 0x80, 0x10, 0,
        R_FORMAT, R_FREE, 1, R_EXTEND, 0, 0, 0xff, R_FORMAT],
    "regions_full": static(4160, region=0x00) + [
        R_ALLOC, 0, 8, 0, R_ALLOC, 0, 4, 0, R_ALLOC, 0, 2, 0, R_ALLOC, 0, 30, 0,
        R_FREE, 1, R_ALLOC, 0, 1, 4, R_FREE, 0, R_FREE, 0, R_BAD_FREE, 0, 1, R_FORMAT],
    "mixed_all": growing(2, 12, skip_words=9, gaps=0x05) + [
        MALLOC, *size(1), ALIGNED, *align(8), *size(777), CALLOC, *size(7), *size(9), 0,
        R_ALLOC, 0, 50, 3, AC_ALLOC, *align(4), *size(33), 1, REALLOC, *size(5000), 0,
        BURST, 0x40, 0x00, 20, STATS, 1, RELEASE, 2, 1, WALK, ABSURD, 0,
        AC_RESIZE, *size(90000), 0, R_FREE, 0, FREE, 3, WALK],
    "usable_tail": static(8192) + [
        MALLOC, *size(10), MALLOC, *size(100), USABLE_TAIL, 0, 0, USABLE_TAIL, 0, 1,
        AC_ALLOC, *align(6), *size(33), 0, USABLE_TAIL, 1, 0, REALLOC, *size(300), 0,
        FREE, 0, WALK, FREE, 0x80],
    "checked_misuse": growing(1, 4) + [
        MALLOC, *size(20), MALLOC, *size(40), AC_ALLOC, *align(5), *size(24), 0,
        MALLOC, *size(200), MISUSE, 0, 0, 0, MISUSE, 1, 0, MISUSE, 2, 1, 0, 0,
        MISUSE, 2, 0, 0, 0x03, MISUSE, 3, 0, 5, 0, MISUSE, 3, 0, 5, 1, MISUSE, 3, 0, 5, 2,
        MISUSE, 4, 0, 7, MISUSE, 5, 0, 9, FREE, 0, MISUSE, 1, 0, WALK],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes(data))


if __name__ == "__main__":
    main()
