// run_wasi.mjs - runs a wasm32-wasi command module under node's WASI.
//
//   node --no-turbo-fast-api-calls tools/run_wasi.mjs module.wasm [args...]
//
// The module sees its arguments, no environment and no preopened
// directories; its stdout and stderr are node's. The exit status is the
// module's. (node 18 needs --experimental-wasi-unstable-preview1 as well;
// node 20 accepts the flag and ignores it.)
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const file = process.argv[2];
if (!file) {
  console.error('usage: node tools/run_wasi.mjs module.wasm [args...]');
  process.exit(2);
}
const wasi = new WASI({
  version: 'preview1',
  args: [file, ...process.argv.slice(3)],
  env: {},
  returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, {
  wasi_snapshot_preview1: wasi.wasiImport,
});
process.exitCode = wasi.start(instance);
