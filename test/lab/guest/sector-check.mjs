// The lab's disk self-check, run in a guest (node is the host's, seen through the shared root):
// one writer per slot, each owning one block of a scratch device next to the other writer's block.
// Every write (O_DIRECT, as sanlock writes its leases) is read back at once; a read-back that is not
// what was just written is a lost update. A real SAN never loses one. Both guests run this at once.
//
//   node sector-check.mjs --dev /dev/vg/lv --slot 0|1 --block 4096 --writes 1000 --nonce N [--plant K]
//
// --plant K rewrites the block with write K-1's content right after write K (what a lost update
// looks like on disk), so the check can be shown to see one. Prints one JSON line; exit 2 on misuse.
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => {
  if (a.startsWith('--')) pairs.push([a.slice(2), all[i + 1]]);
  return pairs;
}, []));
const fail = (msg) => { process.stderr.write(`sector-check: ${msg}\n`); process.exit(2); };
const dev = args.dev ?? fail('--dev is required');
const slot = Number(args.slot);
const block = Number(args.block ?? 4096);
const writes = Number(args.writes ?? 1000);
const nonce = args.nonce ?? fail('--nonce is required');
const plant = args.plant === undefined ? -1 : Number(args.plant);
const startTimeoutMs = Number(args['start-timeout-ms'] ?? 30_000);
if (![0, 1].includes(slot) || !(block >= 512) || !(writes > 0)) fail('bad --slot, --block or --writes');
if (!/^[0-9a-z]{4,32}$/.test(nonce)) fail('--nonce: 4 to 32 of [0-9a-z]');

const fd = openSync(dev, constants.O_RDWR | constants.O_DIRECT);
const mine = slot * block;
const theirs = (1 - slot) * block;

// O_DIRECT wants the memory aligned too; node cannot ask for that, so find an aligned offset in a
// larger buffer by trying reads (a misaligned O_DIRECT read fails with EINVAL and reads nothing).
const big = Buffer.alloc(5 * block);
let base = -1;
for (let off = 0; off < block && base < 0; off += 16) {
  try {
    readSync(fd, big.subarray(off, off + block), 0, block, mine);
    base = off;
  } catch (e) { if (e.code !== 'EINVAL') throw e; }
}
if (base < 0) fail(`no aligned buffer for O_DIRECT reads of ${block} bytes on ${dev}`);
const wbuf = big.subarray(base, base + block);
const rbuf = big.subarray(base + block, base + 2 * block);
const obuf = big.subarray(base + 2 * block, base + 3 * block);

/** The whole block says who wrote it and which write it was, so any stale or torn read-back differs. */
function fill(buf, seq) {
  const line = Buffer.from(`${nonce} slot=${slot} seq=${seq}\n`);
  for (let i = 0; i < block; i += line.length) line.copy(buf, i, 0, Math.min(line.length, block - i));
}
/** The seq in a block written by this run (-1 when it is not this run's). */
function seqOf(buf) {
  const m = /^(\S+) slot=\d seq=(\d+)\n/.exec(buf.subarray(0, 80).toString('latin1'));
  return m && m[1] === nonce ? Number(m[2]) : -1;
}
function write(seq) {
  fill(wbuf, seq);
  if (writeSync(fd, wbuf, 0, block, mine) !== block) throw new Error('short write');
}

// Start together: announce (seq 0), then wait until the other writer has announced too.
write(0);
const waitStart = Date.now();
for (;;) {
  readSync(fd, obuf, 0, block, theirs);
  if (seqOf(obuf) >= 0) break;
  if (Date.now() - waitStart > startTimeoutMs) fail(`the other writer did not start within ${startTimeoutMs} ms`);
}

const started = Date.now();
const stale = [];
let lost = 0;
let theirLast = seqOf(obuf);
let overlap = 0; // read-backs during which the other writer was seen moving: proof that both ran at once
for (let seq = 1; seq <= writes; seq++) {
  write(seq);
  if (seq === plant) { write(seq - 1); fill(wbuf, seq); } // the planted lost update; wbuf holds write seq again
  readSync(fd, rbuf, 0, block, mine);
  if (!rbuf.equals(wbuf)) { lost++; if (stale.length < 10) stale.push({ seq, got: seqOf(rbuf) }); }
  readSync(fd, obuf, 0, block, theirs);
  const other = seqOf(obuf);
  if (other !== theirLast) { overlap++; theirLast = other; }
}
closeSync(fd);
const ms = Date.now() - started;
const waitMs = started - waitStart;
process.stdout.write(`${JSON.stringify({ slot, block, writes, lost, stale, overlap, waitMs, ms })}\n`);
