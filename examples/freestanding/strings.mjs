// strings.mjs - drives strings.wasm (a freestanding module: no libc, alloc_cat
// only) from JavaScript and checks every result.
//
//   node examples/freestanding/strings.mjs build/examples/strings.wasm
//
// Ends with "N passed, N failed".
import { readFileSync } from 'node:fs';

const { instance } = await WebAssembly.instantiate(readFileSync(process.argv[2]));
const x = instance.exports;
const enc = new TextEncoder(), dec = new TextDecoder();
let passed = 0, failed = 0;
function check(ok, what) {
  if (ok) passed++;
  else { failed++; console.log(`FAIL ${what}`); }
}

// Copies a JS string into a new allocation; views are made after every call
// because a memory.grow inside the module replaces memory.buffer. Pointers
// come back as signed i32s, negative from 2 GiB on: `>>> 0` makes each the
// offset into the memory (passed back to the module, either is the same).
function put(s) {
  const bytes = enc.encode(s);
  const p = x.str_alloc(bytes.length) >>> 0;
  if (p === 0) throw new Error('str_alloc: out of memory');
  new Uint8Array(x.memory.buffer, p, bytes.length).set(bytes);
  return [p, bytes.length];
}
const get = (p, n) => dec.decode(new Uint8Array(x.memory.buffer, p, n));

let seed = 12345; // deterministic: the same strings on every run
const rnd = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
const alphabet = ['a', 'b', 'c', 'z', ' ', 'é', 'ß', '猫', '🐈', '€'];
const word = (n) => Array.from({ length: n }, () => alphabet[rnd(alphabet.length)]).join('');

const baseline = x.live_blocks();
check(baseline === 0, `no live blocks before the first call (got ${baseline})`);

// reverse: many sizes, kept alive together so the heap holds many blocks
const kept = [];
const wrong = { aligned: [], reversed: [] };
for (let i = 0; i < 300; i++) {
  const s = word(i % 50 === 49 ? 5000 + rnd(20000) : rnd(64));
  const [p, n] = put(s);
  const r = x.str_reverse(p, n) >>> 0;
  if (r === 0 || r % 16 !== 0) wrong.aligned.push(i);
  if (get(r, n) !== [...s].reverse().join('')) wrong.reversed.push(i);
  x.str_free(p);
  kept.push(r);
}
check(wrong.aligned.length === 0, `300 reversed strings in 16-aligned blocks (not: ${wrong.aligned})`);
check(wrong.reversed.length === 0, `300 strings reversed by character (wrong: ${wrong.reversed})`);
check(x.live_blocks() === 300, `300 reversed strings live (got ${x.live_blocks()})`);

// join: grows through realloc; every second kept string is freed first, so the
// heap has holes to reuse
for (let i = 0; i < kept.length; i += 2) x.str_free(kept[i]);
const badJoins = [];
for (let i = 0; i < 100; i++) {
  const a = word(rnd(200)), b = word(rnd(3000));
  const [pa, na] = put(a), [pb, nb] = put(b);
  const j = x.str_join(pa, na, pb, nb) >>> 0;
  if (j === 0 || get(j, na + nb) !== a + b) badJoins.push(i);
  x.str_free(pa); x.str_free(pb); x.str_free(j);
}
check(badJoins.length === 0, `100 joins grown by realloc between freed holes (wrong: ${badJoins})`);

// a block larger than the memory the module started with: memory.grow
const pagesBefore = x.memory.buffer.byteLength / 65536;
const big = 'cat'.repeat(1 << 20); // 3 MiB
const [pb, nb] = put(big);
const rb = x.str_reverse(pb, nb) >>> 0;
check(x.memory.buffer.byteLength / 65536 > pagesBefore + 90, 'the memory grew for 6 MiB of strings');
check(get(rb, nb) === 'tac'.repeat(1 << 20), 'a 3 MiB string reversed');
x.str_free(pb); x.str_free(rb);

for (let i = 1; i < kept.length; i += 2) x.str_free(kept[i]);
check(x.live_blocks() === 0, `every block freed (live ${x.live_blocks()})`);
check(x.in_use_bytes() === 0, `no bytes in use (got ${x.in_use_bytes()})`);

// out of memory: NULL, and the heap still works afterwards
check(x.str_alloc(0x7fffffff) === 0, 'a 2 GiB request returns NULL');
const [pa] = put('still alive');
check(get(pa, 11) === 'still alive', 'allocation works after a failed one');
x.str_free(pa);

// Strings above 2 GiB, where the pointers come back negative: blocks as
// large as the build takes (1 GiB - 64 bytes; 64 MiB - 64 with
// AC_AUDIT_SIZES) take the heap past 2 GiB. The memory grows, but nothing
// writes into the blocks, so the system commits next to none of it; they
// stay allocated (a checked build would fill them when freed).
const huge = [];
for (let size = 0x3fffffc0, end = 0; end < 2 ** 31;) {
  const p = x.str_alloc(size) >>> 0;
  if (p === 0 && size > 0x3ffffc0) size = 0x3ffffc0;
  else if (p === 0) break;
  else huge.push(p), end = p + size;
}
const [ph, nh] = put('above 2 GiB');
check(ph >= 2 ** 31, `a string at or above 2 GiB (at ${ph}, after ${huge.length} large blocks)`);
const rh = x.str_reverse(ph, nh) >>> 0;
check(rh >= 2 ** 31 && get(rh, nh) === 'BiG 2 evoba', 'reversed above 2 GiB');
x.str_free(ph); x.str_free(rh);
check(x.live_blocks() === huge.length, `the large blocks alone live (${x.live_blocks()})`);

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
