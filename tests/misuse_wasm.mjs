// misuse_wasm.mjs - each kind of misuse in tests/misuse_kinds.h, committed
// by a checked wasm32 build (tests/misuse_wasm.c), each in a fresh
// instance: the call must end in a trap (RuntimeError: unreachable), and
// the line kept for ac_last_error() - or written by a hook that returned -
// must be the kind's, naming the address the module told before the
// misuse; and a second write after free in an instance whose first trap
// was caught is reported too. Ends with "N passed, N failed" like the C tests.
//
//   node tests/misuse_wasm.mjs misuse.wasm
import { readFileSync } from 'node:fs';

const path = process.argv[2];
if (!path) {
  console.error('usage: node tests/misuse_wasm.mjs misuse.wasm');
  process.exit(2);
}
const module = await WebAssembly.compile(readFileSync(path));
const load = async () => (await WebAssembly.instantiate(module, {})).exports;
const text = (x, p) => {
  const m = new Uint8Array(x.memory.buffer);
  let end = p >>> 0;
  while (m[end]) end++;
  return new TextDecoder().decode(m.subarray(p >>> 0, end));
};

// Commits kind i in instance x: how the call ended ('unreachable' for a
// trap), the line the kind must produce with the address told, and the
// hook's line (empty when no hook ran).
const commit = (x, i) => {
  let trap = 'no trap';
  try {
    x.misuse_commit(i);
  } catch (e) {
    trap = e instanceof WebAssembly.RuntimeError ? e.message : String(e);
  }
  const address = '0x' + (x.misuse_told() >>> 0).toString(16);
  return { trap, expected: text(x, x.misuse_format(i)).replace('%s', address),
    said: text(x, x.misuse_said()) };
};

let passed = 0;
let failed = 0;
const count = (await load()).misuse_count();
for (let i = 0; i < count; i++) {
  const x = await load();
  const name = text(x, x.misuse_name(i));
  const { trap, expected, said } = commit(x, i);
  const got = said || text(x, x.ac_last_error());
  const ok = trap === 'unreachable' && got === expected;
  console.log(`misuse.${name} ... ${ok ? 'ok' : 'FAILED'}\n    message: ${got || '(none)'}`);
  if (!ok) console.log(`    expected: ${expected}`);
  console.log(`    then ${trap === 'unreachable' ? 'trapped (unreachable)' : trap}`);
  if (ok) passed++;
  else failed++;
}
// Then two writes after free in one instance, a hook installed that
// returns: the first one's trap is caught here, as a host may, and the
// second must still reach the hook, with its own address (a latch that
// stayed set after the first report made it a bare trap).
{
  const x = await load();
  const names = Array.from({ length: count }, (_, i) => text(x, x.misuse_name(i)));
  const lines = [];
  for (const name of ['freed_data_hook_checks', 'freed_data_hook_allocates']) {
    const { trap, expected, said } = commit(x, names.indexOf(name));
    lines.push({ trap, got: said, expected });
  }
  const ok = lines.every((l) => l.trap === 'unreachable' && l.got === l.expected);
  console.log(`misuse.hook_reports_again_after_a_caught_trap ... ${ok ? 'ok' : 'FAILED'}`);
  for (const l of lines) {
    console.log(`    message: ${l.got || '(none)'}, then ${l.trap}`);
    if (l.got !== l.expected) console.log(`    expected: ${l.expected}`);
  }
  if (ok) passed++;
  else failed++;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
