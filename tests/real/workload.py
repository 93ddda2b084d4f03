# workload.py - the python3 workload of tests/real/run.sh, passed with -c.
# It allocates a little over 500 MB in total through malloc, in objects of
# more than 512 bytes (pymalloc serves smaller ones from its own mmap'd
# arenas): 100 rounds, each building 2000 bytes objects of 1-4 KiB that
# stay alive together (about 5 MB), a bytearray grown piece by piece
# (realloc), a dict, a list of strings joined into one, all dropped at the
# end of the round. It prints totals and a digest, which must not depend on
# the allocator, and loads a library with ctypes (dlopen) and fails to load
# another (dlerror).
import ctypes
import hashlib
import sys

ROUNDS = 100
BLOBS = 2000

h = hashlib.sha256()
total = 0
for r in range(ROUNDS):
    blobs = [bytes([(r + i) & 255]) * (1024 + (i * 37 + r) % 3072) for i in range(BLOBS)]
    total += sum(len(b) for b in blobs)
    grown = bytearray()
    for b in blobs[:300]:
        grown += b[:700]
    d = {(str(i) * 40).encode(): b[:600] for i, b in enumerate(blobs[::4])}
    text = ",".join(str(len(b)) * 100 for b in blobs[::8])
    h.update(blobs[r * 7 % BLOBS])
    h.update(bytes(grown[-1000:]))
    h.update(d[(str(r) * 40).encode()])
    h.update(text[-500:].encode())
    total += len(grown) + len(d) + len(text)
    del blobs, grown, d, text

libm = ctypes.CDLL("libm.so.6")
libm.sqrt.restype = ctypes.c_double
libm.sqrt.argtypes = [ctypes.c_double]
try:
    ctypes.CDLL("liballoc_cat_no_such_library.so")
    missing = "loaded?"
except OSError as e:
    missing = "OSError" if "liballoc_cat_no_such_library.so" in str(e) else "other error"
print("rounds", ROUNDS, "blobs", ROUNDS * BLOBS, "bytes", total)
print("sha256", h.hexdigest())
print("sqrt", libm.sqrt(2.0), "missing library:", missing)
sys.stdout.flush()
