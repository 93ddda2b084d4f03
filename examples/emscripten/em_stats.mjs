// em_stats.mjs - js/alloc_cat.mjs reading the heap of an emscripten
// program: em_malloc.c built as a factory (-sMODULARIZE) that does not run
// main by itself, with the host functions exported:
//
//   make dist
//   emcc -O2 -sMALLOC=none -sALLOW_MEMORY_GROWTH=1 -sMODULARIZE -sINVOKE_RUN=0 \
//       -sEXPORTED_RUNTIME_METHODS=callMain \
//       -sEXPORTED_FUNCTIONS=_main,_ac_stats_for_host,_ac_heap_info_for_host,_ac_heap_damage_for_host \
//       -Idist examples/emscripten/em_malloc.c dist/alloc_cat.c -o em_stats.js
//   node --no-experimental-fetch examples/emscripten/em_stats.mjs em_stats.js
//
// The reader takes the module's wasm exports, which emscripten 3.1.6
// (Debian 12's) keeps as Module.asm, under their C names (no leading
// underscore); they include the memory. Ends with "N passed, N failed".
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { readStats, heapDamage } from '../../js/alloc_cat.mjs';

const path = process.argv[2];
if (!path) {
  console.error('usage: node --no-experimental-fetch examples/emscripten/em_stats.mjs em_stats.js');
  process.exit(2);
}
const createModule = createRequire(import.meta.url)(resolve(path));
const Module = await createModule();

let passed = 0, failed = 0;
function check(ok, what) {
  if (ok) passed++;
  else { failed++; console.log(`FAIL ${what}`); }
}

// before main: emscripten's start-up allocated nothing
let s = readStats(Module.asm);
check(s.allocs === 0 && s.heap_bytes === 0, `no allocation before main (${s.allocs})`);

check(Module.callMain([]) === 0, 'em_malloc.c passed its own checks');

// main's strdup and 48 blocks of 1 MiB, all freed; the peak is the 48
// blocks (the string was freed first), in one span grown past emscripten's
// initial 16 MiB
s = readStats(Module.asm);
check(s.allocs === 49 && s.frees === 49, `49 allocations, 49 frees (${s.allocs}, ${s.frees})`);
check(s.live_blocks === 0 && s.in_use_bytes === 0, `nothing live (${s.live_blocks} blocks)`);
check(s.peak_bytes === 48 * 1048576, `peak 48 MiB (${s.peak_bytes})`);
check(s.heap.spans === 1 && s.heap.used_blocks === 0, `one span, no block in use`);
check(s.heap_bytes > 48 * 1048576 && s.heap_bytes < Module.asm.memory.buffer.byteLength,
  `the heap (${s.heap_bytes} bytes) within the memory (${Module.asm.memory.buffer.byteLength})`);
check(heapDamage(Module.asm) === null, 'the heap is sound');

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
