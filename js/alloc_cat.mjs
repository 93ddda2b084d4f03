// alloc_cat.mjs - reads alloc_cat's counters out of a wasm32 instance, and
// the misuse reports of a checked build (AC_CHECKED: linked with
// build/wasm32-checked/liballoc_cat.a).
//
//   import { readStats, resetTrip, lastError, checkFreed, heapDamage } from './js/alloc_cat.mjs';
//   const stats = readStats(instance);   // or instance.exports
//
// The module must export `ac_stats_for_host` (link with
// -Wl,--export=ac_stats_for_host). Optional exports add fields:
//   ac_heap_info_for_host  -> stats.heap   (the layout: a walk, O(blocks))
//   ac_audit_for_host      -> stats.audit  (linked with build/wasm32-audit's library)
//   ac_stats_reset_trip    -> resetTrip(instance) works
//
// Each function takes an instance, its exports, or any object holding the
// exports and `memory`. A module that imports its memory (threads:
// -Wl,--import-memory; emscripten's -pthread) exports none, so pass the
// memory beside the exports: readStats({ ...instance.exports, memory }).
// Under emscripten pass the wasm exports: Module.asm in emscripten 3.1.6,
// and with -pthread { ...Module.asm, memory: Module.wasmMemory }. A memory
// is known by its shape (a grow function, a buffer that is an ArrayBuffer
// or a SharedArrayBuffer), so an instance made in another realm (an
// iframe, a node vm context) reads the same.
//
// Pointers the module returns are signed i32s in JavaScript, negative from
// 2 GiB on: `p >>> 0` is the offset into memory.buffer (this module reads
// every address so).
//
// After a trap (a checked build's report, or any other) the instance is
// not what it was: the host's call ends, but the module's C stack pointer
// (__stack_pointer) stays where the trap left it, each caught trap losing
// the frames it cut short (in README's checked example, 208 bytes for a
// double free in free(), 256 for a write after free thrown by
// checkFreed(): after some 300 traps the 64 KiB stack runs into the
// module's static data, the heap's own state among it); and in a build with
// atomics, a trap that is not a checked report (an out-of-bounds access in
// a damaged heap, say) leaves the heap's spin lock held, so every later
// call that takes it, readStats and heapDamage included, spins for ever.
// So read what happened - lastError(), and heapDamage() in a build without
// atomics - and then instantiate the module again.
//
// Each *_for_host function fills a static struct inside the module and
// returns its address; this module copies the numbers out. Nothing is
// allocated inside the heap being observed, so reading never changes what
// is read. The layouts are those of include/alloc_cat.h on wasm32 (checked
// there by _Static_assert): 32-bit size_t, 64-bit allocs and frees.

const STATS_FIELDS = [
  // [name, byte offset, bytes]
  ['in_use_bytes', 0, 4],
  ['peak_bytes', 4, 4],
  ['trip_peak_bytes', 8, 4],
  ['live_blocks', 12, 4],
  ['allocs', 16, 8],
  ['frees', 24, 8],
  ['heap_bytes', 32, 4],
  ['heap_pages', 36, 4],
];

const HEAP_FIELDS = [
  'spans', 'span_bytes', 'used_blocks', 'used_bytes', 'free_blocks', 'free_bytes',
  'largest_free_bytes', 'top_bytes', 'large_used', 'large_free',
];

const AUDIT_SIZE_ROWS = 257; // 0..255 bytes exactly, row 256 = 256 and more
const AUDIT_ALIGN_ROWS = 16; // AC_MALLOC_ALIGN (and less), twice that, ..., row 15 = << 15 and more
const AUDIT_ROW_BYTES = 12;  // live, peak, trip_peak: three 32-bit words

// A WebAssembly.Memory, known by its shape rather than by instanceof: a
// memory made in another realm (a node vm context, an iframe) is not an
// instance of this realm's WebAssembly.Memory. Its buffer is an
// ArrayBuffer, or a SharedArrayBuffer when the memory is shared (the
// Object.prototype.toString tag holds across realms as well).
function isMemory(m) {
  if (!m || typeof m.grow !== 'function') return false;
  const tag = Object.prototype.toString.call(m.buffer);
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]';
}

function exportsOf(source) {
  const x = source && source.exports ? source.exports : source;
  if (!x || !isMemory(x.memory)) {
    throw new TypeError('alloc_cat: expected a wasm instance (or its exports) with its memory; ' +
      'a module that imports its memory is passed as { ...instance.exports, memory }');
  }
  return x;
}

// A trap (a WebAssembly.RuntimeError), by its tag and name: one from an
// instance made in another realm is not an instance of this realm's class
// either.
function isTrap(e) {
  return Object.prototype.toString.call(e) === '[object Error]' && e.name === 'RuntimeError';
}

// The exports of `source` after checking that they include the function
// `name`: else a TypeError that tells how to link it in.
function exportsWith(source, name) {
  const x = exportsOf(source);
  if (typeof x[name] !== 'function') {
    throw new TypeError(`alloc_cat: the module does not export ${name} (link with -Wl,--export=${name})`);
  }
  return x;
}

function auditRows(view, base, count, key, value) {
  const rows = [];
  for (let i = 0; i < count; i++) {
    const at = base + i * AUDIT_ROW_BYTES;
    const peak = view.getUint32(at + 4, true);
    if (peak === 0) continue; // never used: left out
    rows.push({
      [key]: value(i),
      live: view.getUint32(at, true),
      peak,
      trip_peak: view.getUint32(at + 8, true),
    });
  }
  return rows;
}

/**
 * The counters of the alloc_cat heap inside a wasm instance, as a plain
 * object with the field names of ac_stats_t (allocs and frees as Numbers),
 * plus `efficiency` (in_use_bytes / heap_bytes, 0 for an empty heap), and
 * `heap` (ac_heap_info_t; null when the heap is damaged, see heapDamage())
 * and `audit` when the module exports them.
 * audit.by_size lists the rows that were ever used as
 * { bytes, live, peak, trip_peak } (bytes 256 stands for 256 and more);
 * audit.by_align as { align, ... } (the first row, AC_MALLOC_ALIGN - 16, or 8
 * with 8-byte grains - stands for it and less, the last, 2^15 times that, for
 * it and more).
 */
export function readStats(source) {
  const x = exportsWith(source, 'ac_stats_for_host');
  const statsAt = x.ac_stats_for_host() >>> 0;
  const hasHeap = typeof x.ac_heap_info_for_host === 'function';
  const heapAt = hasHeap ? x.ac_heap_info_for_host() >>> 0 : 0;
  const auditAt = typeof x.ac_audit_for_host === 'function' ? x.ac_audit_for_host() >>> 0 : 0;
  // a view made after the calls: they never grow memory, but be safe
  const view = new DataView(x.memory.buffer);

  const out = {};
  for (const [name, at, bytes] of STATS_FIELDS) {
    out[name] = bytes === 8
      ? Number(view.getBigUint64(statsAt + at, true))
      : view.getUint32(statsAt + at, true);
  }
  out.efficiency = out.heap_bytes ? out.in_use_bytes / out.heap_bytes : 0;
  if (hasHeap && !heapAt) {
    out.heap = null; // a damaged heap is not walked: heapDamage() tells where
  } else if (heapAt) {
    out.heap = {};
    HEAP_FIELDS.forEach((name, i) => { out.heap[name] = view.getUint32(heapAt + 4 * i, true); });
  }
  if (auditAt) {
    const alignRowsAt = auditAt + AUDIT_SIZE_ROWS * AUDIT_ROW_BYTES;
    const firstAlign = view.getUint32(alignRowsAt + AUDIT_ALIGN_ROWS * AUDIT_ROW_BYTES, true);
    out.audit = {
      by_size: auditRows(view, auditAt, AUDIT_SIZE_ROWS, 'bytes', (i) => i),
      by_align: auditRows(view, alignRowsAt, AUDIT_ALIGN_ROWS, 'align', (i) => firstAlign * 2 ** i),
    };
  }
  return out;
}

/** Starts a new trip (ac_stats_reset_trip); the module must export it. */
export function resetTrip(source) {
  exportsWith(source, 'ac_stats_reset_trip').ac_stats_reset_trip();
}

/** The exports to pass to wasm-ld so that readStats sees everything (and heapDamage works). */
export const LINK_EXPORTS = [
  'ac_stats_for_host', 'ac_heap_info_for_host', 'ac_audit_for_host', 'ac_stats_reset_trip',
  'ac_heap_damage_for_host',
];

const ERROR_MESSAGE_BYTES = 200; // the report's buffer in src/malloc.c, NUL included

/**
 * The last misuse report of a checked build (ac_last_error), "" if none.
 * On wasm32 the default hook keeps the report's line there and traps: a
 * host that catches the trap (a WebAssembly.RuntimeError) reads here what
 * it was, and then makes a new instance (see "After a trap" above). Takes
 * no lock. The module must export ac_last_error.
 */
export function lastError(source) {
  const x = exportsWith(source, 'ac_last_error');
  return textAt(x, x.ac_last_error() >>> 0, ERROR_MESSAGE_BYTES);
}

// The NUL-terminated text at `at` in the module's memory, at most `bytes`.
// Decoded from a copy: browsers' TextDecoder refuses a view of a
// SharedArrayBuffer (a shared memory: modules built with atomics), which
// node accepts.
function textAt(x, at, bytes) {
  const view = new Uint8Array(x.memory.buffer, at, bytes);
  const end = view.indexOf(0);
  return new TextDecoder().decode(view.slice(0, end < 0 ? bytes : end));
}

const DAMAGE_TEXT_BYTES = 256; // ac_heap_damage_for_host()'s buffer, NUL included

/**
 * Where the heap is damaged: null when ac_heap_check() finds it sound,
 * else the line of ac_heap_damage_format(), e.g. "alloc_cat: heap damaged
 * at 0x11048: a free block's footer that does not hold its size (it holds
 * 0x41414141; block 0x11020)". Any build. O(blocks). The module must export
 * ac_heap_damage_for_host.
 */
export function heapDamage(source) {
  const x = exportsWith(source, 'ac_heap_damage_for_host');
  const at = x.ac_heap_damage_for_host() >>> 0;
  return at ? textAt(x, at, DAMAGE_TEXT_BYTES) : null;
}

/**
 * Runs ac_heap_check_freed(): true when the heap is sound and, in a
 * checked build, no freed memory was written and no block in use was
 * written past its end; false when the heap's structure is damaged. When
 * it finds a write after free or such an overrun the module reports it
 * and traps: this throws an Error whose message is the report
 * (as lastError() reads it), the trap as its cause. O(blocks + free bytes)
 * in checked builds. The module must export ac_heap_check_freed and
 * ac_last_error.
 */
export function checkFreed(source) {
  const x = exportsWith(source, 'ac_heap_check_freed');
  // The report's buffer is emptied for the call (its first byte, put back
  // after a call that reports nothing), so that a report is told from an
  // earlier one with the same text: the same byte written after free again.
  const at = exportsWith(x, 'ac_last_error').ac_last_error() >>> 0;
  const before = new Uint8Array(x.memory.buffer);
  const first = before[at];
  before[at] = 0;
  try {
    return x.ac_heap_check_freed() !== 0;
  } catch (trap) {
    const report = lastError(x);
    if (isTrap(trap) && report) throw new Error(report, { cause: trap });
    throw trap;
  } finally {
    const bytes = new Uint8Array(x.memory.buffer);
    if (bytes[at] === 0) bytes[at] = first;
  }
}

/** The exports to pass to wasm-ld for lastError and checkFreed (checked builds). */
export const CHECK_EXPORTS = ['ac_last_error', 'ac_heap_check_freed'];
