// harness.mjs - what the JavaScript side needs to drive a bench module (a
// build of bench/harness.c): a fresh instance, and the harness's workload
// names and what its status codes mean. Shared by bench/run.mjs and
// bench/icount.mjs.

// A fresh instance (a fresh heap) of a compiled module, initialised.
export function instantiate(mod) {
  const ex = new WebAssembly.Instance(mod, { env: { bench_now: () => performance.now() } }).exports;
  ex._initialize();
  return ex;
}

// The workload names, in the harness's order (index = workload number).
export function workloadNames(ex) {
  const out = [];
  const mem = () => new Uint8Array(ex.memory.buffer);
  for (let i = 0; i < ex.bench_count(); i++) {
    const p = ex.bench_name(i) >>> 0;
    let e = p;
    while (mem()[e]) e++;
    out.push(Buffer.from(mem().subarray(p, e)).toString());
  }
  return out;
}

// bench_run()'s status codes (bench/harness.c), by number; 7 is a trap,
// which run.mjs records itself.
export const STATUS = ['ok', 'NULL (out of memory)', 'misaligned block', 'block corrupted',
  'calloc not zeroed', 'bad arguments', 'harness out of slots', 'trap'];
