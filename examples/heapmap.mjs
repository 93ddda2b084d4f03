// heapmap.mjs - runs examples/heapmap.c built as freestanding wasm32 and
// copies its report and SVG heap map out of the instance's memory.
//
//   node examples/heapmap.mjs build/examples/heapmap.wasm [map.svg]
//
// Prints the report; writes the SVG (default build/heapmap-wasm.svg).
import { readFileSync, writeFileSync } from 'node:fs';

const [wasmPath, svgPath = 'build/heapmap-wasm.svg'] = process.argv.slice(2);
if (!wasmPath) {
  console.error('usage: node examples/heapmap.mjs module.wasm [map.svg]');
  process.exit(2);
}

const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const x = instance.exports;
if (x.heapmap_run() !== 0) {
  console.error('heapmap: the module\'s buffers were too small');
  process.exit(1);
}
const text = (ptr, len) => new TextDecoder().decode(new Uint8Array(x.memory.buffer, ptr, len));
process.stdout.write(text(x.heapmap_report(), x.heapmap_report_len()));
const svg = text(x.heapmap_svg(), x.heapmap_svg_len());
writeFileSync(svgPath, svg);
console.log(`heap map: ${svgPath} (${svg.length} bytes)`);
