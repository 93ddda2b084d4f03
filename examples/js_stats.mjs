// js_stats.mjs - reads alloc_cat's counters from JavaScript while a wasm
// module works (examples/js_stats.c, built by `make js-example`).
//
//   node examples/js_stats.mjs [build/examples/js_stats.wasm]
import { readFileSync } from 'node:fs';
import { readStats, resetTrip } from '../js/alloc_cat.mjs';

const path = process.argv[2] || 'build/examples/js_stats.wasm';
const { instance } = await WebAssembly.instantiate(readFileSync(path), {});
const x = instance.exports;

// Copies a string into the module's memory (the module's own malloc),
// lets the module take its words, and frees the copy. A pointer comes back
// as a signed i32, negative from 2 GiB on: `>>> 0` makes it the offset.
function addWords(text) {
  const bytes = new TextEncoder().encode(text);
  const p = x.malloc(bytes.length) >>> 0;
  new Uint8Array(x.memory.buffer, p, bytes.length).set(bytes);
  const distinct = x.words_add(p, bytes.length);
  x.free(p);
  return distinct;
}

function show(step) {
  const s = readStats(instance);
  console.log(`${step.padEnd(34)} in use ${String(s.in_use_bytes).padStart(6)} B`
    + ` in ${String(s.live_blocks).padStart(4)} blocks, peak ${String(s.peak_bytes).padStart(6)}`
    + `, trip ${String(s.trip_peak_bytes).padStart(6)}, heap ${s.heap_bytes} B`
    + ` (${s.heap_pages} pages), free blocks ${s.heap.free_blocks}`);
  return s;
}

show('fresh module (no heap until malloc)');
const vocabulary = 'alloc cat heap span block free top bump page wasm node trip peak'.split(' ');
let text = '';
for (let i = 0; i < 3000; i++) text += `${vocabulary[(i % 500) % vocabulary.length]}${i % 500} `;
console.log(`distinct words: ${addWords(text)}`);
show('after 3000 words (500 distinct)');
resetTrip(instance);
show('trip reset');
x.words_clear();
show('words cleared');
addWords('one two three two one');
show('5 words (3 distinct) this trip');
console.log('\nreadStats(instance) =', readStats(instance));
