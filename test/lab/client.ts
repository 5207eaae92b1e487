// The two-node lab: start/stop the QEMU guests and run commands in them.
// Tests import labExec/labSpawn/labAgentUrl; the Makefile drives up/down/status through cli.ts.
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, openSync, closeSync, ftruncateSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { labHttp } from './http.js';

export type LabNode = 'a' | 'b';
export const LAB_NODES: readonly LabNode[] = ['a', 'b'];
export const LAB_VG = 'labvg';
export const LAB_PVS = ['/dev/vda', '/dev/vdb'] as const;
export const LAB_HOST_IDS: Record<LabNode, number> = { a: 1, b: 2 };
/** Logical and physical sector size of the shared disks. 4 KiB like a SAN's atomic unit: with 512-byte
 *  sectors two guests writing adjacent sectors of one 4 KiB host block lose updates (qemu's
 *  read-modify-write), which broke sanlock's leases (facts/lab.md, HAZARD). */
export const LAB_SECTOR_SIZE = 4096;
/** Set to 1 to let labUp stop a lab that another checkout started and boot it from this one. */
export const LAB_TAKEOVER_ENV = 'LAB_TAKEOVER';
// Host ports on 127.0.0.1; LAB_PORT_BASE (and LAB_RUN) let a second lab run beside the first.
const portBase = Number(process.env.LAB_PORT_BASE ?? 17400);
const EXEC_PORTS: Record<LabNode, number> = { a: portBase, b: portBase + 1 };
const AGENT_PORTS: Record<LabNode, number> = { a: portBase + 80, b: portBase + 81 };
export const GUEST_AGENT_PORT = 7480;

export interface ExecResult { code: number; stdout: string; stderr: string; durationMs: number }
export interface ExecOptions { stdin?: string; timeoutMs?: number; env?: Record<string, string> }

/** The checkout this file belongs to (dist/test/lab/ or test/lab/ -> repo root). */
export const projectDir = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();
export const labRunDir = process.env.LAB_RUN ?? '/var/tmp/sharedlvm-lab';
export const labCacheDir = process.env.LAB_CACHE ?? '/var/cache/sharedlvm-lab';
const diskSize = 8 * 1024 ** 3;

export function labAgentUrl(node: LabNode): string { return `http://127.0.0.1:${AGENT_PORTS[node]}`; }
/** How one guest reaches the other's agent: QEMU's user network maps 10.0.2.2 to the host's loopback. */
export function labAgentUrlFromGuest(node: LabNode): string { return `http://10.0.2.2:${AGENT_PORTS[node]}`; }

function token(): string {
  const file = join(labRunDir, 'token');
  if (!existsSync(file)) throw new Error(`the lab is not up (no ${file}): run make lab-up`);
  return readFileSync(file, 'utf8').trim();
}

async function post(node: LabNode, path: string, body: unknown, timeoutMs: number): Promise<unknown> {
  let reply;
  try {
    reply = await labHttp(`http://127.0.0.1:${EXEC_PORTS[node]}${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${token()}` }, body, timeoutMs: timeoutMs + 10_000,
    });
  } catch (e) {
    throw new Error(`lab exec server on node ${node} unreachable: ${(e as Error).message}`);
  }
  if (typeof reply.body !== 'object' || reply.body === null) throw new Error(`lab exec server on node ${node}: unreadable answer (${reply.status})`);
  if (reply.status >= 400) throw new Error(`lab exec server on node ${node}: ${reply.status} ${(reply.body as { error?: string }).error ?? ''}`);
  return reply.body;
}

/** Runs argv (no shell) as root in a guest; resolves with its exit code and output, never throws on a non-zero exit. */
export async function labExec(node: LabNode, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return await post(node, '/exec', { argv, stdin: opts.stdin, env: opts.env, timeoutMs }, timeoutMs) as ExecResult;
}

/** Like labExec but throws with the command's stderr when it exits non-zero. */
export async function labRun(node: LabNode, argv: string[], opts: ExecOptions = {}): Promise<string> {
  const r = await labExec(node, argv, opts);
  if (r.code !== 0) throw new Error(`node ${node}: ${argv.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Waits up to `graceMs` for a guest process (already sent SIGTERM) to exit, then kills it. */
export async function labAwaitExit(node: LabNode, pid: number, graceMs = 15_000): Promise<void> {
  const alive = async () => (await labExec(node, ['kill', '-0', String(pid)])).code === 0;
  for (const deadline = Date.now() + graceMs; Date.now() < deadline && (await alive());) await sleep(500);
  if (!(await alive())) return;
  await labExec(node, ['kill', '-9', String(pid)]);
  for (let i = 0; i < 20 && (await alive()); i++) await sleep(250);
}

/** Starts a detached background process in a guest. */
export async function labSpawn(node: LabNode, argv: string[], opts: { env?: Record<string, string>; logFile?: string } = {}): Promise<{ pid: number }> {
  return await post(node, '/spawn', { argv, env: opts.env, logFile: opts.logFile }, 10_000) as { pid: number };
}

function pidOf(node: LabNode): number | undefined {
  const file = join(labRunDir, `${node}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  try {
    // A killed qemu stays a zombie until the sandbox's init reaps it: that is gone, not running.
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    return state === 'Z' ? undefined : pid;
  } catch { return undefined; }
}

export function consoleTail(node: LabNode, lines = 40): string {
  const file = join(labRunDir, `${node}.console`);
  if (!existsSync(file)) return '(no console log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

export async function labIsUp(): Promise<boolean> {
  if (!LAB_NODES.every((n) => pidOf(n) !== undefined) || !existsSync(join(labRunDir, 'ready'))) return false;
  try {
    for (const n of LAB_NODES) if ((await labExec(n, ['true'], { timeoutMs: 5000 })).code !== 0) return false;
    return true;
  } catch { return false; }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stderr.write(`[lab] ${msg}\n`);

export class LabError extends Error {}

function qemuArgs(node: LabNode, tok: string, freshDirs: string[], project: string, sectorSize: number): string[] {
  const run = (f: string) => join(labRunDir, f);
  const append = [
    'console=ttyS0', 'quiet', 'mitigations=off', 'panic=-1',
    `lab.node=${node}`, `lab.hostid=${LAB_HOST_IDS[node]}`, `lab.token=${tok}`,
    `lab.project=${project}`, `lab.fresh=${freshDirs.join(':')}`,
  ].join(' ');
  const disks = LAB_PVS.flatMap((_, i) => [
    '-drive', `file=${run(`shared${i}.raw`)},format=raw,if=none,id=d${i},cache=none,aio=native`,
    '-device', [`virtio-blk-pci,drive=d${i},share-rw=on`,
      `logical_block_size=${sectorSize}`, `physical_block_size=${sectorSize}`].join(','),
  ]);
  return [
    '-name', `sharedlvm-lab-${node}`,
    '-accel', 'tcg,thread=multi,tb-size=64', '-cpu', 'max', '-M', 'q35', '-smp', '1', '-m', '1024',
    '-nodefaults', '-no-user-config', '-no-reboot', '-display', 'none',
    '-serial', `file:${run(`${node}.console`)}`,
    '-monitor', `unix:${run(`${node}.monitor`)},server,nowait`,
    '-pidfile', run(`${node}.pid`), '-daemonize',
    '-kernel', join(labCacheDir, 'vmlinux'), '-initrd', join(labCacheDir, 'initramfs.cpio.gz'), '-append', append,
    '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    '-virtfs', `local,path=${join(labCacheDir, 'layer')},mount_tag=layer,security_model=none,readonly=on,multidevs=remap`,
    ...freshDirs.flatMap((dir, i) => ['-virtfs', `local,path=${dir},mount_tag=fresh${i},security_model=none,readonly=on,multidevs=remap`]),
    ...disks,
    '-netdev', `user,id=n0,hostfwd=tcp:127.0.0.1:${EXEC_PORTS[node]}-:7400,hostfwd=tcp:127.0.0.1:${AGENT_PORTS[node]}-:${GUEST_AGENT_PORT}`,
    '-device', 'virtio-net-pci,netdev=n0',
  ];
}

async function waitReady(node: LabNode, deadline: number): Promise<void> {
  const file = join(labRunDir, `${node}.console`);
  while (Date.now() < deadline) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (/LAB-(STAGE1-)?FAILED/.test(text)) throw new LabError(`node ${node} failed to boot:\n${consoleTail(node)}`);
    if (text.includes('LAB-READY')) return;
    if (pidOf(node) === undefined) throw new LabError(`node ${node}: qemu exited during boot:\n${consoleTail(node)}`);
    await sleep(250);
  }
  throw new LabError(`node ${node}: no LAB-READY within the boot timeout:\n${consoleTail(node)}`);
}

/** Fails loudly when a node's lockspace for the VG is not really started (see facts: silent misconfigurations). */
export async function checkLockspace(node: LabNode): Promise<void> {
  const status = await labExec(node, ['sanlock', 'client', 'status']);
  const want = `s lvm_${LAB_VG}:${LAB_HOST_IDS[node]}:`;
  if (status.code !== 0 || !status.stdout.includes(want)) {
    throw new LabError(`node ${node}: sanlock has no lockspace line "${want}..." for ${LAB_VG}:\n${status.stdout}${status.stderr}\n--- console ---\n${consoleTail(node)}`);
  }
  const info = await labExec(node, ['lvmlockctl', '--info']);
  if (info.code !== 0 || !info.stdout.includes(`VG ${LAB_VG}`)) {
    throw new LabError(`node ${node}: lvmlockd does not list VG ${LAB_VG}:\n${info.stdout}${info.stderr}\n--- console ---\n${consoleTail(node)}`);
  }
}

async function mustRun(node: LabNode, argv: string[], timeoutMs = 120_000): Promise<ExecResult> {
  const r = await labExec(node, argv, { timeoutMs });
  if (r.code !== 0) throw new LabError(`node ${node}: ${argv.join(' ')} exited ${r.code}:\n${r.stderr}\n--- console ---\n${consoleTail(node)}`);
  return r;
}

async function createSharedVg(): Promise<void> {
  // vgcreate makes the PVs itself: a separate pvcreate would need a global lock that no lockspace
  // holds yet. Large metadata areas: the default 1020 KiB fills at about 1,400 LVs.
  await mustRun('a', ['vgcreate', '-q', '--shared', '--metadatasize', '64m', LAB_VG, ...LAB_PVS], 180_000);
  // Without udev the first lock-start may fail with "invalid parameters for sanlock": retry once.
  log('vgcreate --shared done on a');
  // vgcreate --shared started the lockspace on a; b joins it (11-12 s with io timeout 3).
  for (const node of ['b'] as const) {
    const args = ['vgchange', '--lock-start', LAB_VG];
    let r = await labExec(node, args, { timeoutMs: 180_000 });
    if (r.code !== 0) { log(`node ${node}: lock-start failed once (${r.stderr.trim()}), retrying`); r = await labExec(node, args, { timeoutMs: 180_000 }); }
    if (r.code !== 0) throw new LabError(`node ${node}: lock-start of ${LAB_VG} failed:\n${r.stderr}\n--- console ---\n${consoleTail(node)}`);
  }
  for (const node of LAB_NODES) await checkLockspace(node);
  // A lock round trip across nodes: a lock-start that only looked fine fails here.
  await mustRun('a', ['lvcreate', '-q', '-an', '-L', '4m', '-n', 'labprobe', LAB_VG]);
  await mustRun('b', ['lvremove', '-q', '-y', `${LAB_VG}/labprobe`]);
}

function readRunFile(name: string): string | undefined {
  const file = join(labRunDir, name);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** The checkout that booted the lab in labRunDir (its guests run that checkout's scripts). */
export function labOwner(): string | undefined { return readRunFile('project'); }

/** The sector size the lab's disks were made with; a lab from before it was recorded has 512. */
function recordedSectorSize(): number { return Number(readRunFile('sector-size') ?? 512); }

/** What each guest says of each shared disk's sector sizes that is not LAB_SECTOR_SIZE (none: all right). */
export async function labSectorProblems(): Promise<string[]> {
  const problems: string[] = [];
  for (const node of LAB_NODES) {
    for (const pv of LAB_PVS) {
      const r = await labExec(node, ['blockdev', '--getss', '--getpbsz', pv], { timeoutMs: 10_000 });
      const got = r.stdout.trim().split(/\s+/).map(Number);
      if (r.code !== 0 || got.length !== 2 || got.some((n) => n !== LAB_SECTOR_SIZE)) {
        const said = r.code === 0 ? `${got.join('/')} bytes logical/physical` : r.stderr.trim();
        problems.push(`node ${node} ${pv}: ${said}`);
      }
    }
  }
  return problems;
}

/** labIsUp asked up to three times, 3 s apart: under load one 5 s probe of a guest can miss. */
async function labAnswers(): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    if (await labIsUp()) return true;
    if (attempt === 3) return false;
    await sleep(3000);
  }
}

function notOurs(owner: string | undefined): string {
  return `the running lab was started from ${owner ?? 'another checkout'}, not from ${projectDir}: another run may be`
    + ` using it, and its guests would see this checkout only through a cached share. Stop it from its checkout`
    + ` (make lab-down there), or restart it from this one with ${LAB_TAKEOVER_ENV}=1 make lab-up.`;
}

/** For test suites: the lab is up, was booted from this checkout, and has SAN-like sectors. Never starts or
 *  restarts it: `make test` / `make lab-up` do, once per run. */
export async function requireLab(what = 'the lab tests'): Promise<void> {
  if (!(await labAnswers())) {
    throw new LabError(`the lab is not up: run \`make lab-up\` (make test does it) before ${what}`);
  }
  const owner = labOwner();
  if (owner !== projectDir) throw new LabError(`${what}: ${notOurs(owner)}`);
  const sectors = recordedSectorSize();
  if (sectors !== LAB_SECTOR_SIZE) {
    throw new LabError(`${what}: the running lab's disks have ${sectors}-byte sectors, not ${LAB_SECTOR_SIZE}`
      + ' (adjacent-sector writes from two guests can be lost): run `make lab-up`, it rebuilds them');
  }
}

export interface UpOptions { freshDirs?: string[]; bootTimeoutMs?: number }

/** Starts the lab unless it is already up. Idempotent: reuses a lab this checkout booted when its disks have
 *  LAB_SECTOR_SIZE sectors, rebuilds it (new disks, new VG) when they do not, and refuses to touch a lab
 *  another checkout booted unless LAB_TAKEOVER=1. Leaves nothing running when it fails. */
export async function labUp(opts: UpOptions = {}): Promise<void> {
  const owner = labOwner();
  if (LAB_NODES.some((n) => pidOf(n) !== undefined)) {
    if (owner !== projectDir) {
      if (process.env[LAB_TAKEOVER_ENV] !== '1') throw new LabError(notOurs(owner));
      log(`${LAB_TAKEOVER_ENV}=1: restarting the lab started from ${owner ?? 'another checkout'} from ${projectDir}`);
    } else if (await labAnswers()) {
      const problems = await labSectorProblems();
      if (problems.length === 0) { log('already up'); return; }
      log(`the running lab's disks do not have ${LAB_SECTOR_SIZE}-byte sectors (${problems.join('; ')}):`
        + ' rebuilding it with new disks and a new VG');
    } else {
      log('a half-started lab is running: stopping it first');
    }
    await labDown();
  }
  const t0 = Date.now();
  await promisify(execFile)('bash', [join(projectDir, 'test/lab/build-image.sh')], { maxBuffer: 1 << 24 })
    .catch((e: { stderr?: string }) => { throw new LabError(`building the guest image failed:\n${e.stderr ?? e}`); });
  log(`guest image ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  rmSync(labRunDir, { recursive: true, force: true });
  mkdirSync(labRunDir, { recursive: true });
  const tok = randomBytes(24).toString('hex');
  writeFileSync(join(labRunDir, 'token'), tok, { mode: 0o600 });
  writeFileSync(join(labRunDir, 'project'), projectDir);
  // Recorded with the disks: labStartNode boots a node again with the same sector size.
  writeFileSync(join(labRunDir, 'sector-size'), String(LAB_SECTOR_SIZE));
  for (let i = 0; i < LAB_PVS.length; i++) {
    const fd = openSync(join(labRunDir, `shared${i}.raw`), 'w');
    ftruncateSync(fd, diskSize); // sparse: costs only what the guests write
    closeSync(fd);
  }
  const freshDirs = [...new Set([projectDir, ...(opts.freshDirs ?? (process.env.LAB_FRESH_DIRS ?? '').split(':').filter(Boolean))])];
  try {
    for (const node of LAB_NODES) {
      const code = await new Promise<number>((ok) => {
        const args = qemuArgs(node, tok, freshDirs, projectDir, LAB_SECTOR_SIZE);
        const p = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'inherit', 'inherit'] });
        p.on('exit', (c) => ok(c ?? 1));
        p.on('error', () => ok(127));
      });
      if (code !== 0) throw new LabError(`qemu for node ${node} exited ${code}`);
    }
    const deadline = Date.now() + (opts.bootTimeoutMs ?? 180_000);
    await Promise.all(LAB_NODES.map((n) => waitReady(n, deadline)));
    log(`guests ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    await createSharedVg();
    writeFileSync(join(labRunDir, 'ready'), new Date().toISOString());
    log(`shared VG ${LAB_VG} lock-started on both nodes; lab up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    await labDown();
    throw e;
  }
}

/** Stops every guest this lab started, by pid, and waits until they are gone. A lab another checkout
 *  booted is left alone unless LAB_TAKEOVER=1 (`make test` runs lab-down even when its lab-up refused). */
export async function labDown(): Promise<void> {
  const owner = labOwner();
  if (LAB_NODES.some((n) => pidOf(n) !== undefined) && owner !== projectDir && process.env[LAB_TAKEOVER_ENV] !== '1') {
    throw new LabError(`not stopping it: ${notOurs(owner)}`);
  }
  for (const node of LAB_NODES) {
    const pid = pidOf(node);
    if (pid === undefined) continue;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && pidOf(node) !== undefined; i++) await sleep(100);
    if (pidOf(node) !== undefined) { process.kill(pid, 'SIGKILL'); await sleep(200); }
    log(`node ${node} (qemu pid ${pid}) stopped`);
  }
  for (const f of ['ready', 'sector-size', 'shared0.raw', 'shared1.raw']) rmSync(join(labRunDir, f), { force: true });
}

/** Kills one node's qemu at once (a host failure), keeping its disks and the other node running. */
export async function labKill(node: LabNode): Promise<void> {
  const pid = pidOf(node);
  if (pid !== undefined) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && pidOf(node) !== undefined; i++) await sleep(100);
}

export async function labStatus(): Promise<string> {
  const lines: string[] = [];
  for (const node of LAB_NODES) {
    const pid = pidOf(node);
    lines.push(`node ${node}: ${pid ? `qemu pid ${pid}` : 'not running'}; exec 127.0.0.1:${EXEC_PORTS[node]}, agent ${labAgentUrl(node)}`);
    if (pid) {
      try {
        const r = await labExec(node, ['sanlock', 'client', 'status'], { timeoutMs: 10_000 });
        lines.push(...r.stdout.trim().split('\n').map((l) => `  ${l}`));
      } catch (e) { lines.push(`  exec server unreachable: ${(e as Error).message}`); }
    }
  }
  lines.push(existsSync(join(labRunDir, 'ready')) ? `ready since ${readFileSync(join(labRunDir, 'ready'), 'utf8')}` : 'not ready');
  return lines.join('\n');
}

/** Boots one node again after labKill (same qemu arguments, the shared disks keep their data) and waits
 *  for its READY line. Like a rebooted host it starts sanlock and lvmlockd but joins no lockspace: that
 *  is the job of whatever runs on it next (the host agent's restore). The checkout and fresh folders
 *  are those the other, still running node was booted with. */
export async function labStartNode(node: LabNode, opts: { bootTimeoutMs?: number } = {}): Promise<void> {
  if (pidOf(node) !== undefined) throw new LabError(`node ${node} is still running`);
  const other = LAB_NODES.find((n) => n !== node)!;
  const otherPid = pidOf(other);
  const append = otherPid ? readFileSync(`/proc/${otherPid}/cmdline`, 'utf8').split('\0') : [];
  const param = (name: string) => append.join(' ').split(' ').find((p) => p.startsWith(`lab.${name}=`))?.slice(name.length + 5);
  const project = param('project') ?? projectDir;
  const freshDirs = param('fresh')?.split(':').filter(Boolean) ?? [projectDir];
  // A stale READY line or monitor socket from the killed run must not be mistaken for the new one.
  for (const file of [`${node}.console`, `${node}.monitor`]) rmSync(join(labRunDir, file), { force: true });
  const code = await new Promise<number>((ok) => {
    const args = qemuArgs(node, token(), freshDirs, project, recordedSectorSize());
    const p = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('exit', (c) => ok(c ?? 1));
    p.on('error', () => ok(127));
  });
  if (code !== 0) throw new LabError(`qemu for node ${node} exited ${code}`);
  await waitReady(node, Date.now() + (opts.bootTimeoutMs ?? 120_000));
}
