// Benchmark (issue 5, item 8), part 1: provider launch-to-handshake time divided by an empty
// `node -e 0`. Terraform launches the provider 3-5 times per command, so this is the user's wait.
//   make provider && node dist/bench/provider-launch.js [runs]
// The provider runs as terraform starts it: magic cookie, protocol versions, and a client
// certificate, so AutoMTLS (key + certificate generation) is part of the measured time.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeServerCertificate } from '../provider-cdktf/src/plugin/cert.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../provider-cdktf/src/plugin/handshake.js';
import { projectDir } from '../test/lab/client.js';

export function installedProvider(): string {
  const mirror = join(projectDir, '.terraform-mirror');
  const version = readFileSync(join(mirror, 'VERSION'), 'utf8').trim();
  const dir = join(mirror, 'registry.terraform.io', 'sharedlvm', 'shared-lvm', version, 'linux_amd64');
  const exe = readdirSync(dir).find((f) => f.startsWith('terraform-provider-'));
  if (!exe) throw new Error(`no provider in ${dir}: run make provider`);
  return join(dir, exe);
}

/** Milliseconds from spawn to the first stdout line (the handshake), then the process is stopped. */
function timeToHandshake(exe: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(exe, [], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (!/^1\|6\|unix\|/.test(out)) reject(new Error(`unexpected handshake: ${out}`));
        child.kill('SIGTERM');
        child.on('close', () => resolve(ms));
      }
    });
    child.on('error', reject);
  });
}

function timeToExit(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
  });
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 20);
  const exe = installedProvider();
  const env = {
    ...process.env,
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    PLUGIN_PROTOCOL_VERSIONS: '5,6',
    PLUGIN_MIN_PORT: '10000',
    PLUGIN_MAX_PORT: '25000',
    PLUGIN_CLIENT_CERT: makeServerCertificate().certPem, // stands in for terraform's client certificate
  };
  const provider: number[] = [];
  const node: number[] = [];
  await timeToHandshake(exe, env); // warm the file cache
  await timeToExit(process.execPath, ['-e', '0']);
  for (let i = 0; i < runs; i++) {
    // interleaved, so machine noise hits both alike
    node.push(await timeToExit(process.execPath, ['-e', '0']));
    provider.push(await timeToHandshake(exe, env));
  }
  const p = median(provider);
  const n = median(node);
  console.log(JSON.stringify({ runs, provider_handshake_ms_median: +p.toFixed(1), node_e0_ms_median: +n.toFixed(1), ratio: +(p / n).toFixed(2), goal: 1.3 }));
}

if (process.argv[1]?.endsWith('provider-launch.js')) await main();
