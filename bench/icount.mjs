// Runs one workload of one speed module once, unchecked, and prints the
// allocator calls it made (all of them, set-up included). bench/icount.sh
// runs this under valgrind at two scales.
//   node bench/icount.mjs build/bench/speed/alloc_cat.wasm churn-fifo 100
import { readFileSync } from 'node:fs';
import { instantiate, workloadNames, results, STATUS } from './harness.mjs';

const [file, workload, scale] = process.argv.slice(2);
if (!file || !workload || !scale) {
  console.error('usage: node bench/icount.mjs MODULE.wasm WORKLOAD SCALE_PERCENT');
  process.exit(2);
}
const ex = instantiate(new WebAssembly.Module(readFileSync(file)));
const names = workloadNames(ex);
const id = names.indexOf(workload);
if (id < 0) {
  console.error(`icount: no workload "${workload}"; there are: ${names.join(', ')}`);
  process.exit(2);
}
const status = ex.bench_run(id, Number(scale), 0, 0);
if (status) {
  console.error(`icount: ${workload} failed: ${STATUS[status] ?? `status ${status}`}`);
  process.exit(1);
}
console.log(results(ex).allOps); // every allocator call of the run
