// test_js.mjs - js/alloc_cat.mjs against wasm32 modules built with
// alloc_cat (examples/js_stats.c, plain, with AC_AUDIT_SIZES and with
// AC_CHECKED, checked over a shared memory that the host makes and the
// module imports, and with AC_AUDIT_SIZES in 8-byte grains): exact counters
// through a scripted sequence driven from JavaScript, and the checked
// build's reports as a host reads them, from this realm and from another
// one.
//
//   node tests/test_js.mjs plain.wasm audit.wasm checked.wasm shared.wasm audit8.wasm
//
// Ends with "N passed, N failed" like the C tests.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import assert from 'node:assert/strict';
import { readStats, resetTrip, lastError, checkFreed, heapDamage } from '../js/alloc_cat.mjs';

const [plainPath, auditPath, checkedPath, sharedPath, audit8Path] = process.argv.slice(2);
if (!plainPath || !auditPath || !checkedPath || !sharedPath || !audit8Path) {
  console.error('usage: node tests/test_js.mjs plain.wasm audit.wasm checked.wasm shared.wasm audit8.wasm');
  process.exit(2);
}
const plainBytes = readFileSync(plainPath);
const auditBytes = readFileSync(auditPath);
const checkedBytes = readFileSync(checkedPath);
const sharedBytes = readFileSync(sharedPath);
const load = async (bytes) => (await WebAssembly.instantiate(bytes, {})).instance;

// The shared module over a fresh shared memory of its own: 2 pages at
// first (its data and stack take 65 KiB), 256 at most (its
// -Wl,--max-memory, which an imported memory must not exceed).
async function loadShared() {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 256, shared: true });
  const { instance } = await WebAssembly.instantiate(sharedBytes, { env: { memory } });
  return { instance, memory };
}

// Instantiates in another realm (a node vm context, as an iframe would be
// in a browser): its instances, memories and traps are not instances of
// this realm's WebAssembly classes.
const otherRealm = vm.createContext({});
const loadElsewhere = vm.runInContext(
  '(bytes) => WebAssembly.instantiate(bytes, {}).then((r) => r.instance)', otherRealm);

let passed = 0;
let failed = 0;
async function test(name, fn) {
  process.stdout.write(`js.${name} ...`);
  try {
    await fn();
    passed++;
    console.log(' ok');
  } catch (e) {
    failed++;
    console.log(`  FAILED\n    ${String(e.stack || e).split('\n').slice(0, 8).join('\n    ')}`);
  }
}

// The span's first block: 12 mod 16, a word of room before it (heap.c).
const firstBlock = (base) => ((base + 4 + 4 + 15) & ~15) - 4;

await test('counters_exact', async () => {
  const inst = await load(plainBytes);
  const x = inst.exports;
  const counters = (s) => [s.in_use_bytes, s.peak_bytes, s.trip_peak_bytes, s.live_blocks,
    s.allocs, s.frees];
  let s = readStats(inst);
  assert.deepEqual(counters(s), [0, 0, 0, 0, 0, 0]);
  assert.equal(s.heap_bytes, 0); // no heap before the first allocation
  assert.equal(s.efficiency, 0);

  const a = x.malloc(100);
  const b = x.malloc(200);
  x.free(a);
  s = readStats(inst);
  assert.deepEqual(counters(s), [200, 300, 300, 1, 2, 1]);
  resetTrip(inst);
  assert.deepEqual(counters(readStats(inst)), [200, 300, 200, 1, 2, 1]);
  const c = x.malloc(50);
  s = readStats(inst);
  assert.deepEqual(counters(s), [250, 300, 250, 2, 3, 1]);

  // the heap is the memory from __heap_base to the end
  const base = x.__heap_base.value;
  const end = x.memory.buffer.byteLength;
  assert.equal(s.heap_bytes, end - base);
  assert.equal(s.heap_pages, Math.ceil((end - base) / 65536));
  assert.equal(s.efficiency, 250 / (end - base));
  assert.equal(a - 4, firstBlock(base)); // the first block
  assert.deepEqual(s.heap, {
    spans: 1,
    span_bytes: end - firstBlock(base),
    used_blocks: 2,
    used_bytes: 208 + 64,
    free_blocks: 1,
    free_bytes: 48, // c took the high end of a's 112 bytes
    largest_free_bytes: 48,
    top_bytes: end - firstBlock(base) - 112 - 208,
    large_used: 0,
    large_free: 0,
  });

  // beyond a page: memory grows, the backend bytes follow exactly
  const big = x.malloc(200000);
  s = readStats(inst);
  const grown = x.memory.buffer.byteLength;
  assert.ok(grown >= end + 3 * 65536);
  assert.equal(s.heap_bytes, grown - base);
  assert.equal(s.heap_pages, Math.ceil((grown - base) / 65536));
  assert.deepEqual(counters(s), [200250, 200250, 200250, 3, 4, 1]);
  assert.equal(s.heap.large_used, 1);
  // realloc in place at the top: no alloc, no free; calloc counts the product
  assert.equal(x.realloc(big, 230000), big);
  const z = x.calloc(1000, 3);
  assert.deepEqual(counters(readStats(inst)), [233250, 233250, 233250, 4, 5, 1]);
  x.free(big);
  x.free(b);
  x.free(c);
  x.free(z);
  s = readStats(inst);
  assert.deepEqual(counters(s), [0, 233250, 233250, 0, 5, 5]);
  assert.equal(s.heap.used_blocks, 0);
  assert.equal('audit' in s, false); // not an audit build
});

await test('reading_changes_nothing', async () => {
  const inst = await load(plainBytes);
  const x = inst.exports;
  const p = x.malloc(1000);
  const first = readStats(inst);
  const again = readStats(inst.exports);
  assert.deepEqual(again, first);
  assert.equal(again.allocs, 1);
  assert.equal(again.heap.used_blocks, 1);
  x.free(p);
});

await test('audit_rows', async () => {
  const inst = await load(auditBytes);
  const x = inst.exports;
  const z1 = x.malloc(0);
  const z2 = x.malloc(0);
  const big = x.malloc(300);
  const three = x.calloc(1, 3);
  let s = readStats(inst);
  assert.deepEqual(s.audit.by_size, [
    { bytes: 0, live: 2, peak: 2, trip_peak: 2 },
    { bytes: 3, live: 1, peak: 1, trip_peak: 1 },
    { bytes: 256, live: 1, peak: 1, trip_peak: 1 }, // 256 and more
  ]);
  assert.deepEqual(s.audit.by_align, [{ align: 16, live: 4, peak: 4, trip_peak: 4 }]);
  x.free(z1);
  resetTrip(inst);
  x.free(big);
  s = readStats(inst);
  assert.deepEqual(s.audit.by_size, [
    { bytes: 0, live: 1, peak: 2, trip_peak: 1 },
    { bytes: 3, live: 1, peak: 1, trip_peak: 1 },
    { bytes: 256, live: 0, peak: 1, trip_peak: 1 },
  ]);
  assert.deepEqual(s.audit.by_align, [{ align: 16, live: 2, peak: 4, trip_peak: 3 }]);
  assert.deepEqual([s.in_use_bytes, s.live_blocks], [3, 2]);
  x.free(z2);
  x.free(three);
});

// with 8-byte grains (-DAC_MALLOC_ALIGN_BYTES=8, emscripten's and 32-bit
// Arm's default) the alignment rows count from 8: row 3 is 64
await test('audit_rows_8_byte_grains', async () => {
  const inst = await load(readFileSync(audit8Path));
  const x = inst.exports;
  const one = x.malloc(1);
  const a64 = x.aligned_alloc(64, 1);
  assert.equal(a64 % 64, 0);
  const s = readStats(inst);
  assert.deepEqual(s.audit.by_align, [
    { align: 8, live: 1, peak: 1, trip_peak: 1 },
    { align: 64, live: 1, peak: 1, trip_peak: 1 },
  ]);
  assert.equal(s.heap.used_bytes, 16 + 16); // 1 byte takes the least block, 16 bytes, either way
  x.free(one);
  x.free(a64);
});

const hex = (n) => `0x${n.toString(16)}`;

// A fresh checked instance with a 100-byte block `a` freed (a 128-byte
// free block, its header at a - 8) between the heap's start and `guard`.
async function checkedWithFreed() {
  const inst = await load(checkedBytes);
  const x = inst.exports;
  const a = x.malloc(100);
  const guard = x.malloc(100);
  x.free(a);
  assert.ok(a && guard);
  return { inst, x, a };
}

// A checked build's report, read after the trap that follows it.
await test('checked_last_error', async () => {
  const { inst, x, a } = await checkedWithFreed();
  assert.equal(lastError(inst), '');
  assert.equal(checkFreed(inst), true);
  assert.throws(() => x.free(a), WebAssembly.RuntimeError);
  assert.equal(lastError(inst), `alloc_cat: double free of ${hex(a)} in free`);
});

// checkFreed() finds a write into freed memory that nothing takes again,
// and throws the report, the trap its cause.
await test('checked_check_freed', async () => {
  const { inst, x, a } = await checkedWithFreed();
  assert.equal(checkFreed(inst.exports), true);
  new Uint8Array(x.memory.buffer)[a + 50] = 0x78;
  assert.throws(() => checkFreed(inst), (e) => {
    assert.equal(e.message,
      `alloc_cat: write after free at ${hex(a + 50)}: freed memory there holds 0x78, not the fill 0xdb`);
    assert.ok(e.cause instanceof WebAssembly.RuntimeError);
    return true;
  });
});

// Two writes after free, in two freed blocks: each checkFreed() throws the
// report of its own. The trap of the first, caught here, leaves the
// instance able to report the second (a latch that stayed set after the
// first report once made the second a bare trap, lastError() still naming
// the first); each report restores the fill, so a third check finds none.
await test('checked_check_freed_twice', async () => {
  const inst = await load(checkedBytes);
  const x = inst.exports;
  const a = x.malloc(100);
  const guardA = x.malloc(100);
  const b = x.malloc(100);
  const guardB = x.malloc(100);
  assert.ok(a && guardA && b && guardB);
  x.free(a);
  x.free(b);
  const bytes = new Uint8Array(x.memory.buffer);
  bytes[a + 50] = 0x78;
  bytes[b + 60] = 0x79;
  const named = (at, found) => (e) => {
    assert.equal(e.message, `alloc_cat: write after free at ${hex(at)}: freed memory there ` +
      `holds ${hex(found)}, not the fill 0xdb`);
    assert.ok(e.cause instanceof WebAssembly.RuntimeError);
    return true;
  };
  assert.throws(() => checkFreed(inst), named(a + 50, 0x78));
  assert.throws(() => checkFreed(inst), named(b + 60, 0x79));
  assert.equal(lastError(inst), `alloc_cat: write after free at ${hex(b + 60)}: freed memory ` +
    'there holds 0x79, not the fill 0xdb');
  assert.equal(checkFreed(inst), true);
});

// The same write after free twice: the second report has the first's text,
// and is still thrown as a report (checkFreed once told a report by a text
// that changed, and threw the second trap bare); a check that finds
// nothing leaves lastError() as it was.
await test('checked_check_freed_same_report', async () => {
  const { inst, x, a } = await checkedWithFreed();
  const text = `alloc_cat: write after free at ${hex(a + 50)}: freed memory there holds 0x78, ` +
    'not the fill 0xdb';
  for (let round = 0; round < 2; round++) {
    new Uint8Array(x.memory.buffer)[a + 50] = 0x78;
    assert.throws(() => checkFreed(inst), (e) => {
      assert.equal(e.message, text);
      assert.ok(e.cause instanceof WebAssembly.RuntimeError);
      return true;
    });
  }
  assert.equal(checkFreed(inst), true);
  assert.equal(lastError(inst), text);
});

// A damaged heap structure: false, no report; heapDamage() tells where,
// and readStats() leaves the layout out.
await test('checked_check_freed_damaged', async () => {
  const { inst, x, a } = await checkedWithFreed();
  assert.equal(heapDamage(inst), null);
  const view = new DataView(x.memory.buffer);
  const size = view.getUint32(a - 8, true); // the free block's header: its size
  assert.equal(size, 128);
  view.setUint32(a - 8, size + 32, true); // its footer is now 32 bytes on, in the guard
  view.setUint32(a + 148, 0x41414141, true); // the guard's bytes there
  assert.equal(checkFreed(inst), false);
  assert.equal(lastError(inst), '');
  assert.equal(heapDamage(inst),
    `alloc_cat: heap damaged at ${hex(a + 148)}: a free block's footer that does not hold its ` +
    `size (it holds 0x41414141; block ${hex(a)})`);
  const s = readStats(inst);
  assert.equal(s.heap, null);
  assert.equal(s.live_blocks, 1); // the counters still read
  view.setUint32(a - 8, size, true);
  assert.equal(checkFreed(inst), true);
  assert.equal(heapDamage(inst), null);
  assert.equal(readStats(inst).heap.free_blocks, 1);
});

// Any build names a damaged heap: the plain one here, an overrun of 4
// bytes over the next block's header.
await test('plain_heap_damage', async () => {
  const inst = await load(plainBytes);
  const x = inst.exports;
  const a = x.malloc(24);
  const b = x.malloc(24);
  assert.equal(heapDamage(inst), null);
  const view = new DataView(x.memory.buffer);
  const good = view.getUint32(b - 4, true);
  view.setUint32(b - 4, 0x41414141, true);
  assert.equal(heapDamage(inst),
    `alloc_cat: heap damaged at ${hex(b - 4)}: a block's header that holds no valid size or ` +
    `state (it holds 0x41414141; block ${hex(b)})`);
  assert.equal(readStats(inst).heap, null);
  view.setUint32(b - 4, good, true);
  assert.equal(heapDamage(inst), null);
  assert.equal(readStats(inst).heap.used_blocks, 2);
  x.free(a);
  x.free(b);
});

// A module whose memory is imported (shared here, as threaded programs
// have it) exports none: readStats(instance) says how to pass the memory,
// and the exports with the memory beside them read as any module's.
await test('imported_memory', async () => {
  const { instance, memory } = await loadShared();
  const x = instance.exports;
  assert.equal(x.memory, undefined);
  assert.throws(() => readStats(instance),
    { name: 'TypeError', message: /\{ \.\.\.instance\.exports, memory \}/ });
  const a = x.malloc(100);
  const b = x.malloc(200);
  x.free(a);
  const s = readStats({ ...x, memory });
  assert.deepEqual([s.in_use_bytes, s.peak_bytes, s.live_blocks, s.allocs, s.frees],
    [200, 300, 1, 2, 1]);
  assert.equal(s.heap.used_blocks, 1);
  assert.equal(s.heap_bytes, memory.buffer.byteLength - x.__heap_base.value);
  assert.equal(heapDamage({ ...x, memory }), null);
  x.free(b);
  assert.equal(readStats({ ...x, memory }).live_blocks, 0);
});

// Browsers' TextDecoder refuses a view of a SharedArrayBuffer, which
// node's accepts: the reports of a module over shared memory are read
// here with a decoder that refuses them as browsers do.
class BrowserTextDecoder extends TextDecoder {
  decode(input, options) {
    const buffer = ArrayBuffer.isView(input) ? input.buffer : input;
    if (Object.prototype.toString.call(buffer) === '[object SharedArrayBuffer]') {
      throw new TypeError("Failed to execute 'decode' on 'TextDecoder': The provided " +
        'ArrayBufferView value must not be shared.');
    }
    return super.decode(input, options);
  }
}

await test('shared_memory_reports', async () => {
  const { instance, memory } = await loadShared();
  const x = { ...instance.exports, memory };
  const nodeDecoder = globalThis.TextDecoder;
  globalThis.TextDecoder = BrowserTextDecoder;
  try {
    assert.throws(() => new TextDecoder().decode(new Uint8Array(memory.buffer, 0, 1)), TypeError);
    assert.equal(lastError(x), '');
    const a = x.malloc(100);
    const guard = x.malloc(100);
    assert.ok(a && guard);
    x.free(a);
    assert.throws(() => x.free(a), WebAssembly.RuntimeError);
    assert.equal(lastError(x), `alloc_cat: double free of ${hex(a)} in free`);

    new Uint8Array(memory.buffer)[a + 50] = 0x78;
    assert.throws(() => checkFreed(x), {
      message: `alloc_cat: write after free at ${hex(a + 50)}: freed memory there holds 0x78, ` +
        'not the fill 0xdb',
    });

    const view = new DataView(memory.buffer);
    const size = view.getUint32(a - 8, true);
    assert.equal(size, 128);
    view.setUint32(a - 8, size + 32, true); // as in checked_check_freed_damaged
    view.setUint32(a + 148, 0x41414141, true);
    assert.equal(heapDamage(x),
      `alloc_cat: heap damaged at ${hex(a + 148)}: a free block's footer that does not hold ` +
      `its size (it holds 0x41414141; block ${hex(a)})`);
    view.setUint32(a - 8, size, true);
    assert.equal(heapDamage(x), null);
    assert.equal(checkFreed(x), true);
  } finally {
    globalThis.TextDecoder = nodeDecoder;
  }
});

// An instance made in another realm: read as one made here, and
// checkFreed() knows that realm's trap for the report's cause.
await test('another_realm', async () => {
  const plain = await loadElsewhere(plainBytes);
  assert.equal(plain.exports.memory instanceof WebAssembly.Memory, false);
  const p = plain.exports.malloc(100);
  let s = readStats(plain);
  assert.deepEqual([s.in_use_bytes, s.live_blocks, s.allocs, s.heap.used_blocks], [100, 1, 1, 1]);
  assert.equal(heapDamage(plain), null);
  plain.exports.free(p);
  resetTrip(plain);
  s = readStats(plain.exports);
  assert.deepEqual([s.in_use_bytes, s.trip_peak_bytes, s.frees], [0, 0, 1]);

  const checked = await loadElsewhere(checkedBytes);
  const x = checked.exports;
  const a = x.malloc(100);
  const guard = x.malloc(100);
  assert.ok(a && guard);
  x.free(a);
  new Uint8Array(x.memory.buffer)[a + 50] = 0x78;
  assert.throws(() => checkFreed(checked), (e) => {
    assert.equal(e.message, `alloc_cat: write after free at ${hex(a + 50)}: freed memory there ` +
      'holds 0x78, not the fill 0xdb');
    assert.equal(e.cause instanceof WebAssembly.RuntimeError, false); // the other realm's
    assert.equal(e.cause.name, 'RuntimeError');
    return true;
  });
  assert.equal(lastError(checked), `alloc_cat: write after free at ${hex(a + 50)}: freed ` +
    'memory there holds 0x78, not the fill 0xdb');
});

await test('bad_sources', async () => {
  assert.throws(() => readStats({}), TypeError);
  assert.throws(() => readStats(null), TypeError);
  // a memory's shape, not just its name
  assert.throws(() => readStats({ memory: { buffer: new ArrayBuffer(8) } }), TypeError);
  assert.throws(() => readStats({ memory: { buffer: new Uint8Array(8), grow() {} } }), TypeError);
  const memory = new WebAssembly.Memory({ initial: 1 });
  assert.throws(() => readStats({ memory }), /ac_stats_for_host/);
  assert.throws(() => resetTrip({ memory }), /ac_stats_reset_trip/);
  assert.throws(() => lastError({ memory }), /ac_last_error/);
  assert.throws(() => checkFreed({ memory }), /ac_heap_check_freed/);
  assert.throws(() => heapDamage({ memory }), /-Wl,--export=ac_heap_damage_for_host/);
  // the plain module exports neither
  const plain = await load(plainBytes);
  assert.throws(() => checkFreed(plain), /ac_heap_check_freed/);
  assert.throws(() => lastError(plain), /ac_last_error/);
});

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
