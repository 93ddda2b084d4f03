// harness.mjs - what the JavaScript side needs to drive a bench module (a
// build of bench/harness.c): a fresh instance, and the harness's workload
// names, what a run measured and what its status codes mean. Shared by
// bench/run.mjs and bench/icount.mjs.

// A fresh instance (a fresh heap) of a compiled module, initialised.
export function instantiate(mod) {
  const ex = new WebAssembly.Instance(mod, { env: { bench_now: () => performance.now() } }).exports;
  ex._initialize();
  return ex;
}

// The workload names, in the harness's order (index = workload number).
export function workloadNames(ex) {
  const out = [];
  for (let i = 0; i < ex.bench_count(); i++) {
    const p = ex.bench_name(i) >>> 0;
    // bench_name() allocates nothing, so this view stays valid for the name.
    const mem = new Uint8Array(ex.memory.buffer);
    const e = mem.indexOf(0, p);
    out.push(Buffer.from(mem.subarray(p, e)).toString());
  }
  return out;
}

// What the last bench_run() of an instance measured: bench_result()'s
// fields, numbered as bench/harness.c's enum field.
export function results(ex) {
  const f = (i) => ex.bench_result(i);
  return {
    ms: f(0), ops: f(1), peak: f(2), failLive: f(3), failSize: f(4), allOps: f(6),
    failBlocks: f(7), fragBase: f(8), fragLive: f(9), moves: f(10),
  };
}

// bench_run()'s status codes (bench/harness.c), by number; 7 is a trap,
// which run.mjs records itself.
export const STATUS = ['ok', 'NULL (out of memory)', 'misaligned block', 'block corrupted',
  'calloc not zeroed', 'bad arguments', 'harness out of slots', 'trap'];
