// gen_input.mjs - writes the demo's input: pseudo-English prose from fixed
// word lists (written for alloc_cat, no outside text), deterministic: the
// same bytes on every machine and every run (integer PRNG, no Math.random).
//
//   node examples/demo/gen_input.mjs > examples/demo/input.txt
//
// `make test` regenerates it and checks that it matches the committed file.

const TARGET_BYTES = 256 * 1024;

let state = 0x2545f491; // xorshift32
function rand() {
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state;
}
const below = (n) => rand() % n;
// Skewed toward the front of a list (the first words are the common ones).
function skewed(list, strength = 2) {
  let i = below(list.length);
  for (let k = 1; k < strength; k++) i = Math.min(i, below(list.length));
  return list[i];
}
const pick = (list) => list[below(list.length)];
const chance = (percent) => below(100) < percent;

const nouns = `cat heap block page word bump pointer list region kitten mouse
  house garden window river bridge lantern market baker clock tower village
  road night morning letter door chair table kettle bell shadow moon roof
  wall cellar ladder basket thread needle candle harbour boat island storm
  wind field orchard apple basket owl fox hen crow sparrow meadow hill
  valley forest stone path well cart wheel barrel book map compass key lock
  pocket coin ribbon scarf boot glove hat coat button mirror painting song
  story secret promise question answer reason number memory fragment chain
  header footer size offset bin grain span top fence counter ledger clerk
  merchant sailor miller weaver tailor potter smith teacher child neighbour
  stranger friend sister brother mother father cousin uncle aunt guest`.split(/\s+/);
const adjectives = `small quiet old young bright dark warm cold tired clever
  patient curious gentle stubborn careful lazy quick slow narrow wide long
  short heavy light empty full free busy silent noisy green grey golden
  silver crooked round square tall little ancient new strange familiar
  hidden open closed dusty shiny soft hard sleepy hungry loyal brave shy
  proud humble honest distant nearby late early rare common aligned packed
  fragmented contiguous tidy`.split(/\s+/);
const verbs = [ // base, past
  ['find', 'found'], ['keep', 'kept'], ['give', 'gave'], ['take', 'took'],
  ['watch', 'watched'], ['carry', 'carried'], ['open', 'opened'],
  ['close', 'closed'], ['follow', 'followed'], ['count', 'counted'],
  ['mend', 'mended'], ['free', 'freed'], ['split', 'split'],
  ['merge', 'merged'], ['grow', 'grew'], ['borrow', 'borrowed'],
  ['return', 'returned'], ['remember', 'remembered'], ['forget', 'forgot'],
  ['hide', 'hid'], ['chase', 'chased'], ['visit', 'visited'],
  ['paint', 'painted'], ['read', 'read'], ['write', 'wrote'],
  ['sell', 'sold'], ['buy', 'bought'], ['leave', 'left'], ['hear', 'heard'],
  ['see', 'saw'], ['guard', 'guarded'], ['measure', 'measured'],
  ['allocate', 'allocated'], ['release', 'released'], ['wake', 'woke'],
  ['call', 'called'], ['push', 'pushed'], ['pull', 'pulled'],
  ['lift', 'lifted'], ['drop', 'dropped'], ['sort', 'sorted'],
  ['fold', 'folded'], ['wrap', 'wrapped'], ['climb', 'climbed'],
];
const adverbs = `slowly quietly carefully suddenly gladly softly again
  twice never always often sometimes barely nearly quickly patiently
  gently finally together alone`.split(/\s+/);
const preps = `in on under over near beside behind across through into onto
  from with without toward past along`.split(/\s+/);
const dets = `the the the a a this that every each one another their her his
  our`.split(/\s+/);
const timeWords = `when after before while because although since until
  once`.split(/\s+/);
const said = `said asked whispered answered called replied muttered
  laughed`.split(/\s+/);

// Invented names from syllables: a long tail of rare words for the tables.
const onsets = ['b', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't',
  'v', 'w', 'z', 'br', 'dr', 'gl', 'kr', 'pl', 'st', 'th', 'tr', 'sh'];
const vowels = ['a', 'e', 'i', 'o', 'u', 'ae', 'ei', 'ou', 'ia'];
const codas = ['', '', 'n', 'l', 'r', 's', 'th', 'nd', 'm', 'x'];
const names = [];
const seen = new Set();
while (names.length < 900) {
  let n = '';
  const syllables = 2 + below(3);
  for (let s = 0; s < syllables; s++) n += pick(onsets) + pick(vowels) + (s === syllables - 1 ? pick(codas) : '');
  if (seen.has(n)) continue;
  seen.add(n);
  names.push(n[0].toUpperCase() + n.slice(1));
}

function nounPhrase() {
  let det = skewed(dets, 2);
  let p = '';
  if (chance(45)) p += skewed(adjectives) + ' ';
  if (chance(10)) p += skewed(adjectives) + ' ';
  p += skewed(nouns);
  if (det === 'a' && 'aeiou'.includes(p[0])) det = 'an';
  if (chance(12)) p += ' of ' + skewed(names, 3);
  return det + ' ' + p;
}
const subject = () => (chance(35) ? skewed(names, 3) : nounPhrase());
function clause() {
  const v = skewed(verbs);
  let c = subject() + ' ' + v[1] + ' ' + nounPhrase();
  if (chance(50)) c += ' ' + skewed(preps) + ' ' + nounPhrase();
  if (chance(25)) c += ' ' + skewed(adverbs);
  return c;
}
const cap = (s) => s[0].toUpperCase() + s.slice(1);

function sentence() {
  const r = below(100);
  if (r < 40) return cap(clause()) + '.';
  if (r < 55) return cap(pick(timeWords)) + ' ' + clause() + ', ' + clause() + '.';
  if (r < 65) return cap(clause()) + ' and ' + clause() + '.';
  if (r < 75) {
    const v = skewed(verbs);
    return 'Did ' + subject() + ' ' + v[0] + ' ' + nounPhrase() + '?';
  }
  if (r < 88) {
    return '"' + cap(clause()) + (chance(30) ? '!' : '.') + '" ' + pick(said) + ' ' + skewed(names, 3) + '.';
  }
  if (r < 94) return cap(nounPhrase()) + ' was ' + skewed(adjectives) + ', and ' + nounPhrase() + ' was ' + skewed(adjectives) + '.';
  return "It wasn't " + nounPhrase() + " that " + skewed(names, 3) + "'s " + skewed(nouns) + ' ' + skewed(verbs)[1] + '.';
}

// Wrap a paragraph at 72 columns.
function wrap(text) {
  const lines = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > 72) { lines.push(line); line = w; } else line = line ? line + ' ' + w : w;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

let out = '';
let chapter = 0;
while (out.length < TARGET_BYTES) {
  if (out.length === 0 || chance(4)) {
    chapter++;
    out += (out ? '\n' : '') + 'Chapter ' + chapter + ': The ' + cap(skewed(adjectives)) + ' ' + cap(skewed(nouns)) + '\n\n';
  }
  const n = 3 + below(6);
  const ss = [];
  for (let i = 0; i < n; i++) ss.push(sentence());
  out += wrap(ss.join(' ')) + '\n\n';
}
process.stdout.write(out);
