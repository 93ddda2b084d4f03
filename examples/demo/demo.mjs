// demo.mjs - runs the word-frequency demo's wasm modules under node, checks
// that they all print the same report - and the report this file computes
// on its own in JavaScript - and prints a side-by-side of module bytes, peak
// wasm pages and time, then alloc_cat's stats. Time is that of one run of the
// module's entry point, compiled beforehand (--no-liftoff: optimized code
// from the start, so that timings do not depend on when tier-up happens):
// the process's CPU time (process.cpuUsage, which other work on a shared
// machine disturbs much less than wall time) and the wall time.
//
//   node --no-turbo-fast-api-calls --no-wasm-lazy-compilation --no-liftoff demo.mjs \
//        [--runs N] [--report FILE] [--quiet]
//        [--report-module NAME=MODULE.wasm [--heapmap SVG]] INPUT NAME=MODULE.wasm...
//
// A module whose name contains "no libc" is a freestanding one
// (main_free.c); the others are WASI commands (main_hosted.c) that read
// INPUT through a preopened directory. The --report-module (the program
// built with alloc_cat's report, examples/demo/ac_report.c) runs once, not
// measured: its report must match too, and what it writes to stderr -
// alloc_cat's report - is shown; with --heapmap it also writes the SVG heap
// map of the moment its tables are complete. Exit status: 0 when every
// module ran and every report matched, 1 otherwise.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WASI } from 'node:wasi';

// ---- arguments ------------------------------------------------------------------
const args = process.argv.slice(2);
let runs = 7;
let reportFile = null;
let heapmapFile = null;
let reportModule = null;
let quiet = false;
const modules = [];
let input = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--runs') runs = Math.max(1, Number(args[++i]) | 0);
  else if (a === '--report') reportFile = args[++i];
  else if (a === '--heapmap') heapmapFile = resolve(args[++i]);
  else if (a === '--quiet') quiet = true;
  else if (a === '--report-module') reportModule = args[++i];
  else if (input === null) input = resolve(a);
  else {
    const eq = a.indexOf('=');
    if (eq < 0) throw new Error(`expected NAME=MODULE.wasm, got ${a}`);
    modules.push({ name: a.slice(0, eq), file: a.slice(eq + 1) });
  }
}
if (input === null || modules.length === 0) {
  console.error('usage: demo.mjs [--runs N] [--report FILE] [--quiet] ' +
    '[--report-module NAME=MODULE.wasm [--heapmap SVG]] INPUT NAME=MODULE.wasm...');
  process.exit(2);
}
const text = readFileSync(input);

// ---- the reference: the same analysis in JavaScript -------------------------------
// Mirrors wordfreq.c's definitions (see its header comment), byte for byte.
function reference(bytes) {
  const isLetter = (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  const words = new Map(); // key -> {count, lines: []}
  const pairs = new Map(); // key -> count
  const wordLenHist = new Array(17).fill(0);
  const sentenceHist = [];
  let nWords = 0, nSentences = 0, line = 1, longest = [], sentence = [];
  const endSentence = () => {
    if (sentence.length === 0) return;
    nSentences++;
    sentenceHist[sentence.length] = (sentenceHist[sentence.length] || 0) + 1;
    if (sentence.length > longest.length) longest = sentence;
    sentence = [];
  };
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const c = bytes[i];
    if (isLetter(c) || c === 39) {
      let start = i;
      while (i < n && (isLetter(bytes[i]) || bytes[i] === 39)) i++;
      let end = i;
      while (start < end && bytes[start] === 39) start++;
      while (end > start && bytes[end - 1] === 39) end--;
      if (end > start) {
        let w = '';
        for (let k = start; k < end; k++) {
          const b = bytes[k];
          w += String.fromCharCode(b >= 65 && b <= 90 ? b + 32 : b);
        }
        let e = words.get(w);
        if (!e) words.set(w, (e = { key: w, count: 0, lines: [] }));
        e.count++;
        if (e.lines[e.lines.length - 1] !== line) e.lines.push(line);
        nWords++;
        wordLenHist[Math.min(w.length, 16)]++;
        if (sentence.length) {
          const p = sentence[sentence.length - 1] + ' ' + w;
          pairs.set(p, (pairs.get(p) || 0) + 1);
        }
        sentence.push(w);
      }
      continue;
    }
    if (c === 10) line++;
    if (c === 46 || c === 33 || c === 63) endSentence();
    i++;
  }
  const nLines = n === 0 ? 0 : bytes[n - 1] === 10 ? line - 1 : line;
  endSentence();

  const cmpKey = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const byCount = (a, b) => b.count - a.count || cmpKey(a.key, b.key);
  const pad = (v, w) => String(v).padStart(w);
  const out = [];
  out.push(`words ${nWords}, distinct ${words.size}, distinct pairs ${pairs.size}, ` +
    `sentences ${nSentences}, lines ${nLines}\n\n`);
  out.push('most frequent words         count   lines  first lines\n');
  const ws = [...words.values()].sort(byCount);
  ws.slice(0, 20).forEach((e, k) => {
    out.push(`${pad(k + 1, 3)}  ${e.key.padEnd(20)}${pad(e.count, 8)}${pad(e.lines.length, 8)} ` +
      e.lines.slice(0, 5).map((l) => ' ' + l).join('') + '\n');
  });
  out.push(`words seen once: ${ws.filter((e) => e.count === 1).length}\n\n`);
  out.push('most frequent pairs                   count\n');
  const ps = [...pairs.entries()].map(([key, count]) => ({ key, count })).sort(byCount);
  ps.slice(0, 10).forEach((e, k) => out.push(`${pad(k + 1, 3)}  ${e.key.padEnd(30)}${pad(e.count, 8)}\n`));
  out.push('\nword lengths (letters: words)\n');
  for (let k = 1; k <= 16; k++) {
    out.push(`${pad(k, 4)}${k === 16 ? '+' : ':'}${pad(wordLenHist[k], 7)}${k % 4 === 0 ? '\n' : '   '}`);
  }
  out.push('sentence lengths (words: sentences)\n');
  let shown = 0;
  for (let k = 1; k < sentenceHist.length; k++) {
    if (!sentenceHist[k]) continue;
    out.push(`${pad(k, 4)}:${pad(sentenceHist[k], 7)}${++shown % 4 === 0 ? '\n' : '   '}`);
  }
  if (shown % 4) out.push('\n');
  out.push(`longest sentence (${longest.length} words): ${longest.join(' ')}\n`);
  let h = 2166136261;
  const fnv = (s) => {
    for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 16777619) >>> 0;
  };
  for (const e of [...words.values()].sort((a, b) => cmpKey(a.key, b.key))) {
    fnv(e.key);
    fnv(` ${e.count}\n`);
  }
  out.push(`checksum of the word table: 0x${h.toString(16).padStart(8, '0')}\n`);
  return Buffer.from(out.join(''), 'latin1');
}

// ---- running the modules -----------------------------------------------------------
const tmp = mkdtempSync(join(tmpdir(), 'alloc_cat-demo-'));

async function runWasi(mod, heapmap = null) {
  const outPath = join(tmp, 'out'), errPath = join(tmp, 'err');
  const stdout = openSync(outPath, 'w+'), stderr = openSync(errPath, 'w+');
  const preopens = { '/input': dirname(input) };
  const args = ['wordfreq'];
  if (heapmap) {
    preopens['/heapmap'] = dirname(heapmap);
    args.push('--heapmap', '/heapmap/' + basename(heapmap));
  }
  args.push('/input/' + basename(input));
  const wasi = new WASI({ version: 'preview1', args, env: {}, preopens, stdout, stderr, returnOnExit: true });
  const instance = await WebAssembly.instantiate(mod, { wasi_snapshot_preview1: wasi.wasiImport });
  const t0 = performance.now(), c0 = process.cpuUsage();
  const status = wasi.start(instance);
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t0, cpuMs = (cpu.user + cpu.system) / 1000;
  closeSync(stdout);
  closeSync(stderr);
  return { status, ms, cpuMs, out: readFileSync(outPath), err: readFileSync(errPath),
    pages: instance.exports.memory.buffer.byteLength / 65536 };
}

async function runFreestanding(mod, heapmap = null) {
  const chunks = { 1: [], 2: [], 3: [] };
  let memory = null;
  const env = {
    wf_write(fd, ptr, len) { // ptr: a signed i32, >>> 0 for the offset (as buf below)
      chunks[fd === 2 || fd === 3 ? fd : 1].push(Buffer.from(new Uint8Array(memory.buffer, ptr >>> 0, len)));
    },
  };
  const instance = await WebAssembly.instantiate(mod, { env });
  memory = instance.exports.memory;
  const t0 = performance.now(), c0 = process.cpuUsage();
  const buf = instance.exports.wf_input(text.length) >>> 0; // negative from 2 GiB on
  if (buf === 0) throw new Error('wf_input: out of memory');
  new Uint8Array(memory.buffer, buf, text.length).set(text);
  const status = instance.exports.wf_main(buf, text.length, heapmap ? 1 : 0);
  if (heapmap) writeFileSync(heapmap, Buffer.concat(chunks[3]));
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t0, cpuMs = (cpu.user + cpu.system) / 1000;
  return { status, ms, cpuMs, out: Buffer.concat(chunks[1]), err: Buffer.concat(chunks[2]),
    pages: memory.buffer.byteLength / 65536 };
}

const expected = reference(text);
let ok = true;
const results = [];
for (const m of modules) {
  results.push({ name: m.name, file: m.file, bytes: statSync(m.file).size, times: [], cpuTimes: [], pages: 0, problems: [],
    free: m.name.includes('no libc'), mod: await WebAssembly.compile(readFileSync(m.file)) });
}
// Runs alternate between the modules so that a change in the machine's load
// affects them alike.
for (let k = 0; k < runs; k++) {
  for (const r of results) {
    const one = r.free ? await runFreestanding(r.mod) : await runWasi(r.mod);
    r.times.push(one.ms);
    r.cpuTimes.push(one.cpuMs);
    if (k === 0) {
      Object.assign(r, { out: one.out, err: one.err, pages: one.pages, status: one.status });
    } else if (!one.out.equals(r.out) || one.pages !== r.pages) {
      r.problems.push(`run ${k + 1} differs from run 1`);
    }
  }
}
for (const r of results) {
  if (r.status !== 0) r.problems.push(`exit status ${r.status}`);
  if (!r.out.equals(expected)) r.problems.push('report differs from the JavaScript reference');
  if (r.problems.length) ok = false;
}
// alloc_cat's report and the heap map: the report module, run once, not
// measured (its reporting code is not part of the comparison).
let extra = null;
if (reportModule) {
  const eq = reportModule.indexOf('=');
  const name = reportModule.slice(0, eq), file = reportModule.slice(eq + 1);
  const mod = await WebAssembly.compile(readFileSync(file));
  if (heapmapFile) rmSync(heapmapFile, { force: true });
  const one = name.includes('no libc') ? await runFreestanding(mod, heapmapFile) : await runWasi(mod, heapmapFile);
  extra = { name, err: one.err, problems: [] };
  if (one.status !== 0) extra.problems.push(`exit status ${one.status}`);
  if (!one.out.equals(expected)) extra.problems.push('report differs from the JavaScript reference');
  if (heapmapFile) {
    let svg = '';
    try { svg = readFileSync(heapmapFile, 'latin1'); } catch { /* checked below */ }
    if (!svg.startsWith('<svg') || !svg.trimEnd().endsWith('</svg>')) {
      extra.problems.push(`no heap map in ${heapmapFile}`);
    } else {
      const paths = (svg.match(/<path /g) || []).length;
      extra.heapmap = `heap map while the tables are live: ${heapmapFile} ` +
        `(${(svg.length / 1024).toFixed(0)} KiB, ${paths} spans and blocks; open it in a browser)`;
    }
  }
  if (extra.problems.length) ok = false;
}
rmSync(tmp, { recursive: true, force: true });
if (reportFile) writeFileSync(reportFile, results[0].out);

// ---- printing -----------------------------------------------------------------------
const lines = results[0].out.toString('latin1').split('\n');
if (!quiet) {
  console.log(`--- the report (${basename(input)}, ${text.length} bytes): first 16 of ${lines.length - 1} lines` +
    (reportFile ? `, all in ${reportFile}` : ''));
  console.log(lines.slice(0, 16).join('\n'));
  console.log('...\n');
}
const col = 22;
const row = (label, cells) => console.log(label.padEnd(24) + cells.map((c) => String(c).padStart(col)).join(''));
const best = (t) => Math.min(...t);
const median = (t) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)];
row('', results.map((r) => r.name));
row('module bytes', results.map((r) => r.bytes));
row('peak wasm pages', results.map((r) => `${r.pages} (${(r.pages / 16).toFixed(2)} MiB)`));
row(`CPU time, median of ${runs}`, results.map((r) => `${median(r.cpuTimes).toFixed(2)} ms`));
row(`wall time, best of ${runs}`, results.map((r) => `${best(r.times).toFixed(2)} ms`));
row('report', results.map((r) => (r.problems.length ? 'MISMATCH' : 'same as reference')));
for (const r of results) for (const p of r.problems) console.log(`${r.name}: ${p}`);
if (extra) for (const p of extra.problems) console.log(`${extra.name}: ${p}`);
const load = loadavg()[0], cores = cpus().length;
if (load > cores / 2) {
  console.log(`(load average ${load.toFixed(1)} on ${cores} cores: other work shares the machine, times are noisy)`);
}
if (ok) {
  const n = results.length + (extra ? 1 : 0);
  console.log((n > 1 ? `all ${n} reports identical, and identical` : 'the report is identical') +
    ` to the JavaScript reference (${expected.length} bytes; ${lines[lines.length - 2]})`);
}
if (extra && !quiet) {
  console.log(`\n--- ${extra.name} (the same program with alloc_cat's report, run once more): its stderr`);
  process.stdout.write(extra.err.toString('latin1'));
  if (extra.heapmap) console.log(extra.heapmap);
}
process.exitCode = ok ? 0 : 1;
