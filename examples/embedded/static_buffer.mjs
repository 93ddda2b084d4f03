// static_buffer.mjs - runs the freestanding wasm32 build of static_buffer.c.
//   node examples/embedded/static_buffer.mjs static_buffer.wasm
import { readFileSync } from 'node:fs';

let memory;
const env = {
  print(ptr, len) { process.stdout.write(new TextDecoder().decode(new Uint8Array(memory.buffer, ptr, len))); },
};
const { instance } = await WebAssembly.instantiate(readFileSync(process.argv[2]), { env });
memory = instance.exports.memory;
process.exitCode = instance.exports.run();
