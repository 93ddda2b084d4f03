// run_wasi.mjs - runs a WASI command module under node, the current
// directory preopened as ".". Exit status: the module's.
//
//   node --no-turbo-fast-api-calls examples/run_wasi.mjs module.wasm [args...]
//
// (--no-turbo-fast-api-calls: node 20 has a use-after-free in fast API calls
// once a WASI program grows its memory.)
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node run_wasi.mjs module.wasm [args...]');
  process.exit(2);
}
const wasi = new WASI({
  version: 'preview1', args: [file, ...args], env: {}, preopens: { '.': '.' }, returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
