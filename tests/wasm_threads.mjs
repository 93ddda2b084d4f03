// wasm_threads.mjs - alloc_cat's spin lock on wasm32 built with atomics,
// under node's worker threads (tests/wasm_threads.c).
//
//   node tests/wasm_threads.mjs locked.wasm [unlocked.wasm]
//
// Each round makes a fresh shared WebAssembly.Memory (one heap), starts
// WT_THREADS workers that each instantiate the module over it, point their
// instance's __stack_pointer at a stack of their own and, released
// together, run wt_run() on their own slots. A checker worker then takes
// ac_heap_check() and the counters: live blocks 0, allocs == frees, and
// allocs equal to the allocations the threads counted. The check runs in a
// worker, not here, so that a heap damaged into a loop costs a time limit
// and not the whole run; any worker that traps or outlives the limit fails
// its round.
//
// With unlocked.wasm (the same module built with -DAC_THREAD_SAFE=0) the
// rounds are run again and must fail: at least one of them, else the test
// does not exercise the lock (threads that never overlap, say). The count
// of failed rounds is printed.
//
// Environment: AC_SEED (the rounds' first seed; default from the clock),
// AC_TEST_SCALE (multiplies the operations per thread). Ends with
// "N passed, N failed" like the C tests, and exits 1 on any failure.
import { readFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readStats, heapDamage } from '../js/alloc_cat.mjs';

const WT_THREADS = 4;     // workers per round (tests/wasm_threads.c allows 8)
const INITIAL_PAGES = 8;  // -Wl,--initial-memory of the module's link
const MAXIMUM_PAGES = 1024; // -Wl,--max-memory
const LOCKED_ROUNDS = 4;
const UNLOCKED_ROUNDS = 6;
const OPS = 300000;       // per thread and round, times AC_TEST_SCALE
const LIMIT_MS = 15000;   // a worker still running then has failed (a round takes about 1 s)

// What wt_run() returns (its enum in tests/wasm_threads.c).
const RUN_ERRORS = [
  'no error',
  'an allocation returned NULL',
  'a block not aligned to 16 bytes',
  "a live block's stamp changed (another thread wrote into it, or it was handed out twice)",
  'realloc lost the bytes it had to keep',
  'calloc handed out a block that was not all zero',
  'a thread number out of range',
];

// ---- in a worker ---------------------------------------------------------

async function workerMain() {
  const { module, memory, thread, seed, ops, gate, task } = workerData;
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const x = instance.exports;
  // our own stack before anything else runs on this instance
  const top = x.wt_stack_top(thread);
  if (!top) throw new Error(`no stack for thread ${thread}`);
  x.__stack_pointer.value = top;
  if (task === 'check') {
    const view = { ...x, memory };
    const sound = x.ac_heap_check() !== 0;
    parentPort.postMessage({ sound, stats: readStats(view), damage: sound ? null : heapDamage(view) });
    return;
  }
  // wait at the gate so that every thread starts at once
  const flags = new Int32Array(gate);
  Atomics.add(flags, 1, 1);
  Atomics.notify(flags, 1);
  Atomics.wait(flags, 0, 0);
  const err = x.wt_run(thread, seed, ops);
  parentPort.postMessage({ err, op: x.wt_failed_op(thread), allocs: x.wt_allocs(thread) });
}

// ---- in the main thread --------------------------------------------------

// Runs one worker to its message; rejects on a trap, an early exit or the
// time limit (the worker is then stopped).
function runWorker(data) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: data });
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      worker.terminate().finally(() => fn(value));
    };
    const timer = setTimeout(() => {
      finish(reject, new Error(`${data.task} worker ${data.thread} still running after ${LIMIT_MS} ms`));
    }, LIMIT_MS);
    worker.on('message', (m) => finish(resolve, m));
    worker.on('error', (e) => finish(reject, new Error(`${data.task} worker ${data.thread}: ${e}`)));
    worker.on('exit', (code) => {
      finish(reject, new Error(`${data.task} worker ${data.thread} exited (${code}) without a result`));
    });
  });
}

// One round over a fresh memory: '' when the heap came through, else what
// went wrong (every worker's trouble, then the check's).
async function round(module, seed, ops) {
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const gate = new SharedArrayBuffer(8); // [0] open, [1] workers waiting
  const flags = new Int32Array(gate);
  const runs = [];
  let ended = 0; // workers that ended before the gate opened count as waiting
  for (let thread = 0; thread < WT_THREADS; thread++) {
    runs.push(runWorker({ module, memory, thread, seed, ops, gate, task: 'run' })
      .then((m) => m, (e) => ({ failure: e.message }))
      .finally(() => { ended++; }));
  }
  // open the gate once all are waiting (or the time limit has passed)
  const deadline = Date.now() + LIMIT_MS;
  while (Atomics.load(flags, 1) + ended < WT_THREADS && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  Atomics.store(flags, 0, 1);
  Atomics.notify(flags, 0);
  const results = await Promise.all(runs);

  const problems = [];
  let expected = 0;
  results.forEach((m, thread) => {
    if (m.failure) problems.push(m.failure);
    else if (m.err) problems.push(`thread ${thread}, operation ${m.op}: ${RUN_ERRORS[m.err] || m.err}`);
    else expected += m.allocs;
  });
  if (problems.length) return problems.join('; ');

  let c;
  try {
    // on thread 0's stack: the threads have all ended
    c = await runWorker({ module, memory, thread: 0, task: 'check' });
  } catch (e) {
    return e.message;
  }
  const s = c.stats;
  if (!c.sound) problems.push(`ac_heap_check() is false: ${c.damage}`);
  if (s.live_blocks !== 0) problems.push(`${s.live_blocks} live blocks, expected 0`);
  if (s.in_use_bytes !== 0) problems.push(`${s.in_use_bytes} bytes in use, expected 0`);
  if (s.allocs !== s.frees) problems.push(`allocs ${s.allocs} != frees ${s.frees}`);
  if (s.allocs !== expected) problems.push(`allocs ${s.allocs}, the threads counted ${expected}`);
  if (!problems.length) {
    console.log(`    ${s.allocs} allocations, heap ${s.heap_pages} pages (${s.heap_bytes} bytes)`);
  }
  return problems.join('; ');
}

async function main() {
  const [lockedPath, unlockedPath] = process.argv.slice(2);
  if (!lockedPath) {
    console.error('usage: node tests/wasm_threads.mjs locked.wasm [unlocked.wasm]');
    process.exit(2);
  }
  const seed0 = process.env.AC_SEED !== undefined
    ? Number(process.env.AC_SEED) >>> 0
    : Math.floor(Date.now() / 1000) % 1000000;
  const scale = Math.max(1, Number(process.env.AC_TEST_SCALE || 1) >>> 0);
  const ops = OPS * scale;
  console.log(`wasm_threads: seed ${seed0}, ${WT_THREADS} threads x ${ops} operations a round`);

  let passed = 0;
  let failed = 0;
  const report = (name, problem) => {
    if (problem) {
      failed++;
      console.log(`wasm_threads.${name} ...  FAILED\n    ${problem}`);
    } else {
      passed++;
      console.log(`wasm_threads.${name} ... ok`);
    }
  };

  const locked = new WebAssembly.Module(readFileSync(lockedPath));
  for (let r = 0; r < LOCKED_ROUNDS; r++) {
    const seed = (seed0 + r) >>> 0;
    report(`locked_round_${r} (seed ${seed})`, await round(locked, seed, ops));
  }

  if (unlockedPath) {
    const unlocked = new WebAssembly.Module(readFileSync(unlockedPath));
    let caught = 0;
    for (let r = 0; r < UNLOCKED_ROUNDS; r++) {
      const seed = (seed0 + r) >>> 0;
      const problem = await round(unlocked, seed, ops);
      if (problem) caught++;
      console.log(`    without the lock, round ${r} (seed ${seed}): ${problem || 'came through'}`);
    }
    report(`unlocked_caught (${caught} of ${UNLOCKED_ROUNDS} rounds failed)`,
      caught ? '' : 'no round failed without the lock: the test does not exercise it');
  }

  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

if (isMainThread) await main();
else await workerMain();
