// bench/onebuild_test.mjs MODULE.wasm:OPTIONS... - tests the -DCOUNTERS and
// -DSPANS options of the issue 8 experiment bench/onebuild.c, which
// bench-onebuild measures: OPTIONS is "counters", "spans" or both joined by
// "+". Each module (onebuild.c, bench/rt.c and bench/onebuild_other.c, which
// grows memory itself as other code in a program may) runs a scripted
// sequence with exact counters, exact addresses around memory grown by
// others (spans) and 12 seeds of random operations against a model.
// Prints "ok"/"FAIL" per check and ends with "N passed, N failed".
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

let bytes, COUNTERS, SPANS;
const PAGE = 65536;

async function fresh() {
    const { instance } = await WebAssembly.instantiate(bytes, {});
    const x = instance.exports;
    const mem = () => new DataView(x.memory.buffer);
    const u8 = () => new Uint8Array(x.memory.buffer);
    const stats = () => {
        const p = x.ob_stats(), d = mem();
        return {
            in_use: d.getUint32(p, true), peak: d.getUint32(p + 4, true), trip: d.getUint32(p + 8, true),
            allocs: Number(d.getBigUint64(p + 16, true)), frees: Number(d.getBigUint64(p + 24, true)),
            heap: d.getUint32(p + 32, true),
        };
    };
    return { x, mem, u8, stats, hb: x.heap_base() };
}

function expectStats(t, want, what) {
    if (!COUNTERS) return;
    const s = t.stats();
    for (const k of Object.keys(want)) assert.equal(s[k], want[k], `${what}: ${k} ${s[k]} != ${want[k]}`);
}

// ---- 1. a scripted sequence, exact counters ----
async function scripted() {
    const t = await fresh(), x = t.x;
    const E0 = x.memory.buffer.byteLength;
    const a = x.malloc(100);
    assert.equal(a, t.hb + 16, 'first block right after __heap_base');
    expectStats(t, { in_use: 100, trip: 100, allocs: 1, frees: 0 }, 'malloc 100');
    const b = x.malloc(200);
    expectStats(t, { in_use: 300, trip: 300, allocs: 2, frees: 0 }, 'malloc 200');
    const c = x.calloc(3, 10);
    for (let i = 0; i < 30; i++) assert.equal(t.u8()[c + i], 0);
    expectStats(t, { in_use: 330, trip: 330, allocs: 3 }, 'calloc 3x10');
    x.free(a);
    expectStats(t, { in_use: 230, allocs: 3, frees: 1, trip: 330 }, 'free 100');
    const b2 = x.realloc(b, 150);
    assert.equal(b2, b, 'shrink in place');
    expectStats(t, { in_use: 180, allocs: 3, frees: 1, trip: 330 }, 'realloc 200->150');
    const b3 = x.realloc(b2, 1000); // c follows: moves (malloc + free)
    assert.notEqual(b3, b2, 'moved');
    expectStats(t, { in_use: 1030, allocs: 4, frees: 2, trip: 1180 }, 'realloc 150->1000 (moved)');
    const b4 = x.realloc(b3, 5000); // at the top: in place
    assert.equal(b4, b3, 'grown at the top');
    expectStats(t, { in_use: 5030, allocs: 4, frees: 2, trip: 5030 }, 'realloc 1000->5000 (top)');
    const b5 = x.realloc(b4, 0);
    assert.equal(b5, b4);
    expectStats(t, { in_use: 30, allocs: 4, frees: 2, trip: 5030 }, 'realloc 5000->0');
    const d = x.aligned_alloc(256, 77);
    assert.equal(d % 256, 0);
    expectStats(t, { in_use: 107, allocs: 5, frees: 2, trip: 5030 }, 'aligned_alloc 256, 77');
    if (COUNTERS) {
        x.ob_stats_reset_trip();
        expectStats(t, { trip: 107, peak: 5030 }, 'reset trip');
    }
    const e = x.malloc(50);
    expectStats(t, { in_use: 157, trip: 157, peak: 5030, allocs: 6 }, 'malloc 50');
    x.free(0);
    expectStats(t, { in_use: 157, frees: 2 }, 'free(NULL)');
    assert.equal(x.malloc(0x80000000), 0);
    assert.equal(x.realloc(e, 0x7fffffff), 0);
    assert.equal(x.aligned_alloc(48, 10), 0);
    expectStats(t, { in_use: 157, allocs: 6, frees: 2 }, 'failures count nothing');
    // a growing realloc in place into a free next chunk
    const f = x.malloc(3000), g = x.malloc(4000), h = x.malloc(3000);
    assert.equal(g, f + 3008); assert.equal(h, g + 4016);
    x.free(g);
    const f2 = x.realloc(f, 5000);
    assert.equal(f2, f, 'grown into the next free chunk');
    expectStats(t, { in_use: 157 + 5000 + 3000, allocs: 9, frees: 3 }, 'realloc into next');
    for (const p of [c, d, e, f2, h, b5]) x.free(p);
    expectStats(t, { in_use: 0, allocs: 9, frees: 9, peak: 10157, trip: 10157 }, 'all freed');
    // without spans ob_stats() derives heap bytes from the memory size
    // itself (all growth is the heap's): only a spans build counts them
    if (SPANS) expectStats(t, { heap: x.memory.buffer.byteLength - t.hb }, 'heap bytes');
    assert.ok(x.memory.buffer.byteLength >= E0);
}

// ---- 2. spans: exact addresses around memory grown by others ----
async function spans() {
    const t = await fresh(), x = t.x, hb = t.hb;
    const E0 = x.memory.buffer.byteLength;
    assert.equal(E0 % 16, 0); assert.equal(hb % 16, 0);
    const a = x.malloc(1000);
    assert.equal(a, hb + 16);
    t.u8().fill(0x5a, a, a + 1000);
    const o1 = x.grow_other(1);
    assert.equal(o1 * PAGE, E0);
    const others = [[E0, E0 + PAGE]];
    t.u8().fill(0xab, E0, E0 + PAGE);
    // too big for the first span: a new span after the other's page
    const b = x.malloc(200000);
    assert.equal(b, E0 + PAGE + 16, 'new span starts after the other page');
    t.u8().fill(0x6b, b, b + 200000);
    const E1 = x.memory.buffer.byteLength;
    assert.equal(E1, E0 + PAGE + Math.ceil((200000 + 16) / PAGE) * PAGE, 'pages just enough');
    // the fence at E0 - 4: in use, with PFREE (the closed top before it is free)
    assert.equal(t.mem().getUint32(E0 - 4, true), 1 | 2, 'fence');
    // the closed top is a free chunk from a's end to the fence
    const aEnd = hb + 12 + 1008;
    assert.equal(t.mem().getUint32(aEnd, true), E0 - 4 - aEnd, 'closed top is a free chunk');
    // free a: one free chunk [hb+12, E0-4), not merged across the fence
    x.free(a);
    const whole = E0 - 4 - (hb + 12);
    const n = whole - 4 - 15; // REQ(n) == whole
    const big = x.malloc(n + 16); // one grain more: must not fit there
    assert.notEqual(big, hb + 16, 'no merge across the fence');
    x.free(big);
    const c = x.malloc(n);
    assert.equal(c, hb + 16, 'the whole first span reused');
    for (let i = E0; i < E0 + PAGE; i++) if (t.u8()[i] !== 0xab) assert.fail(`other page damaged at ${i}`);
    for (let i = b; i < b + 200000; i++) if (t.u8()[i] !== 0x6b) assert.fail(`block b damaged at ${i}`);
    // realloc at the top while another grew memory: moves to a new span
    const top = x.malloc(1000); // at the top of span 2
    assert.equal(top, b + 200016, 'next to b');
    t.u8().fill(0x77, top, top + 1000);
    const o2 = x.grow_other(2);
    t.u8().fill(0xcd, o2 * PAGE, (o2 + 2) * PAGE);
    others.push([o2 * PAGE, (o2 + 2) * PAGE]);
    const s0 = COUNTERS ? t.stats() : null;
    const moved = x.realloc(top, 300000);
    assert.equal(moved, (o2 + 2) * PAGE + 16, 'realloc moved to the new span');
    for (let i = 0; i < 1000; i++) assert.equal(t.u8()[moved + i], 0x77);
    if (COUNTERS) {
        const s1 = t.stats();
        assert.equal(s1.allocs, s0.allocs + 1); assert.equal(s1.frees, s0.frees + 1);
        assert.equal(s1.in_use, s0.in_use - 1000 + 300000);
        const other = others.reduce((s, [l, h]) => s + h - l, 0);
        assert.equal(s1.heap, x.memory.buffer.byteLength - hb - other, 'heap bytes leave the others out');
    }
    // the old top of span 2 (where `top` was) is now a free chunk before a fence
    const E2 = o2 * PAGE;
    assert.equal(t.mem().getUint32(E2 - 4, true) & 1, 1, 'fence of span 2');
    for (const [l, h] of others) for (let i = l; i < h; i++) {
        const want = l === E0 ? 0xab : 0xcd;
        if (t.u8()[i] !== want) assert.fail(`other memory damaged at ${i}`);
    }
}

// ---- 3. random operations against a model ----
function rng(seed) {
    let s = seed >>> 0;
    return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}
async function random(seed, ops) {
    const t = await fresh(), x = t.x, r = rng(seed);
    const live = new Map(); // payload -> {n, tag}
    const others = [];
    let inUse = 0, peak = 0, allocs = 0, frees = 0, growths = 0, moves = 0;
    const fillB = (p, n, tag) => { const u = t.u8(); for (let i = 0; i < n; i++) u[p + i] = (tag + i * 7) & 255; };
    const checkB = (p, n, tag, upto = n) => {
        const u = t.u8();
        for (let i = 0; i < Math.min(n, upto); i++)
            if (u[p + i] !== ((tag + i * 7) & 255)) assert.fail(`seed ${seed}: block ${p} (${n}) damaged at +${i}`);
    };
    const size = () => {
        const k = r() % 100;
        if (k < 60) return r() % 128;
        if (k < 90) return r() % 2048;
        if (k < 98) return r() % 40000;
        return r() % 300000;
    };
    // the model's in-use bytes change by delta, its peak follows
    const use = (delta) => { inUse += delta; if (inUse > peak) peak = inUse; };
    let tagc = 1;
    for (let op = 0; op < ops; op++) {
        const k = r() % 100, keys = [...live.keys()];
        if (SPANS && k === 0 && r() % 4 === 0) {
            const pages = 1 + r() % 3, old = x.grow_other(pages);
            assert.notEqual(old, 0xffffffff);
            others.push([old * PAGE, (old + pages) * PAGE]);
            t.u8().fill(0xee, old * PAGE, (old + pages) * PAGE);
            growths++;
        } else if (k < 40 || keys.length === 0) {
            let n = size(); const kind = r() % 10;
            let p, al = 16;
            if (kind === 0) {
                const cnt = 1 + r() % 4, sz = n >>> 2;
                p = x.calloc(cnt, sz);
                n = cnt * sz;
                for (let i = 0; i < n; i++) if (t.u8()[p + i]) assert.fail('calloc not zeroed');
            } else if (kind === 1) { al = 1 << (5 + r() % 8); p = x.aligned_alloc(al, n); }
            else p = x.malloc(n);
            assert.notEqual(p, 0);
            assert.equal(p % al, 0, 'aligned');
            const tag = tagc++;
            fillB(p, n, tag);
            live.set(p, { n, tag });
            allocs++; use(n);
        } else if (k < 70) {
            const p = keys[r() % keys.length], b = live.get(p);
            checkB(p, b.n, b.tag);
            x.free(p);
            live.delete(p);
            frees++; use(-b.n);
        } else {
            const p = keys[r() % keys.length], b = live.get(p);
            const n = r() % 2 ? size() : Math.max(0, b.n + (r() % 64) - 20);
            checkB(p, b.n, b.tag);
            const q = x.realloc(p, n);
            assert.notEqual(q, 0);
            assert.equal(q % 16, 0);
            checkB(q, b.n, b.tag, n);
            if (q !== p) {
                moves++;
                // malloc(n) then free(p), as alloc_cat's move
                allocs++; use(n);
                frees++; use(-b.n);
            } else {
                use(n - b.n);
            }
            live.delete(p);
            fillB(q, n, b.tag);
            live.set(q, { n, tag: b.tag });
        }
        if (COUNTERS) {
            const s = t.stats();
            if (s.in_use !== inUse || s.allocs !== allocs || s.frees !== frees || s.peak !== peak)
                assert.fail(`seed ${seed} op ${op}: ${JSON.stringify(s)} vs model ${JSON.stringify({ inUse, allocs, frees, peak })}`);
        }
        if (op % 2000 === 1999 || op === ops - 1) {
            // every block intact, no overlaps between blocks and others' memory
            const iv = [...live].map(([p, b]) => [p - 4, p + b.n, 'b']).concat(others.map(([l, h]) => [l, h, 'o']));
            iv.sort((u, v) => u[0] - v[0]);
            for (let i = 1; i < iv.length; i++) if (iv[i][0] < iv[i - 1][1]) assert.fail(`seed ${seed}: overlap ${iv[i - 1]} ${iv[i]}`);
            for (const [p, b] of live) checkB(p, b.n, b.tag);
            for (const [l, h] of others) for (let i = l; i < h; i += 61) if (t.u8()[i] !== 0xee) assert.fail('other memory damaged');
            if (COUNTERS) {
                let sum = 0; for (const b of live.values()) sum += b.n;
                assert.equal(t.stats().in_use, sum, 'in_use == sum of requested');
                const other = others.reduce((s, [l, h]) => s + h - l, 0);
                if (SPANS) assert.equal(t.stats().heap, x.memory.buffer.byteLength - t.hb - other, 'heap bytes');
            }
        }
    }
    // free everything: then in_use 0, and one big block fits again
    for (const [p, b] of live) { checkB(p, b.n, b.tag); x.free(p); frees++; }
    if (COUNTERS) {
        const s = t.stats();
        assert.equal(s.in_use, 0); assert.equal(s.allocs, allocs); assert.equal(s.frees, frees); assert.equal(s.peak, peak);
    }
    return { growths, moves, allocs, pages: x.memory.buffer.byteLength / PAGE };
}

let passed = 0, failed = 0;
async function check(name, fn) {
    try {
        const detail = await fn();
        console.log(`ok   ${name}${detail ? `: ${detail}` : ''}`);
        passed++;
    } catch (e) {
        console.log(`FAIL ${name}: ${e.message}`);
        failed++;
    }
}
for (const arg of process.argv.slice(2)) {
    const [file, options = ''] = arg.split(':');
    bytes = readFileSync(file);
    COUNTERS = options.split('+').includes('counters');
    SPANS = options.split('+').includes('spans');
    const name = file.split('/').pop();
    await check(`${name} scripted sequence${COUNTERS ? ', exact counters' : ''}`, scripted);
    if (SPANS) await check(`${name} spans: exact addresses, fences, realloc across spans`, spans);
    for (let seed = 1; seed <= 12; seed++)
        await check(`${name} random seed ${seed}: 6000 operations against a model`, async () => {
            const r = await random(seed, 6000);
            return `${r.growths} foreign growths, ${r.moves} moved reallocs`;
        });
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
