// run_wasm.mjs - runs a freestanding wasm32 test module under node.
//
//   node tools/run_wasm.mjs module.wasm
//
// The module imports env.ac_test_write(ptr, len), env.ac_test_seed() and
// env.ac_test_scale(), exports its memory and ac_test_main(), which returns
// the number of failed tests (0 = success). AC_SEED and AC_TEST_SCALE are
// read from the environment as in the native runs.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node tools/run_wasm.mjs module.wasm');
  process.exit(2);
}

let memory = null;
const decoder = new TextDecoder();
const seed = process.env.AC_SEED !== undefined
  ? Number(process.env.AC_SEED) >>> 0
  : Math.floor(Date.now() / 1000) % 1000000;
const scale = Math.max(1, Number(process.env.AC_TEST_SCALE || 1) >>> 0);

const env = {
  ac_test_write(ptr, len) {
    process.stdout.write(decoder.decode(new Uint8Array(memory.buffer, ptr, len)));
  },
  ac_test_seed: () => seed,
  ac_test_scale: () => scale,
};

const { instance } = await WebAssembly.instantiate(readFileSync(file), { env });
memory = instance.exports.memory;
const failed = instance.exports.ac_test_main();
process.exitCode = failed === 0 ? 0 : 1;
