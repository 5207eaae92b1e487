// Runs INSIDE a lab guest next to the agent (started by bench/agent-latency.ts): times the agent's
// create and GET against raw lvm commands with the same arguments, all measured in the guest.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface Options {
  url: string;
  token: string;
  vg: string;
  prefix: string;
  iterations: number;
  getIterations: number;
  lvsIterations: number;
  sizeGib: number;
  extentBytes: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
const LV_FIELDS = 'vg_name,lv_name,lv_uuid,lv_attr,lv_size,origin,origin_size,pool_lv,data_percent,metadata_percent,lv_tags,lv_time';
const env = { ...process.env, LC_ALL: 'C', LVM_SUPPRESS_FD_WARNINGS: '1' };

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function lvm(args: string[]): Promise<number> {
  const started = now();
  await run('lvm', args, { env });
  return now() - started;
}

async function http(method: string, path: string, body?: unknown): Promise<{ ms: number; status: number }> {
  const started = now();
  const response = await fetch(`${options.url}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
  await response.arrayBuffer();
  return { ms: now() - started, status: response.status };
}

/** The same lvcreate arguments the agent uses for an empty thick volume (same tag count and lengths). */
function rawCreateArgs(name: string): string[] {
  const bytes = Math.ceil((options.sizeGib * 2 ** 30) / options.extentBytes) * options.extentBytes;
  const tags = [`slvm.name=${'b'.repeat(8)}`, `slvm.created=${new Date().toISOString()}`, `slvm.req=${'0'.repeat(16)}`];
  return ['lvcreate', '-y', '-an', '-Zn', '-Wn', '--setautoactivation', 'n', '-L', `${bytes}b`, '-n', name, ...tags.flatMap((t) => ['--addtag', t]), options.vg];
}

async function main(): Promise<void> {
  const raw: number[] = [];
  const agent: number[] = [];
  for (let i = 0; i < options.iterations; i++) {
    const rawName = `${options.prefix}raw-${i}`;
    const agentBody = { id: `bench-${i}`, name: 'b'.repeat(8), vg: options.vg, size_gib: options.sizeGib };
    const doRaw = async () => {
      raw.push(await lvm(rawCreateArgs(rawName)));
      await lvm(['lvremove', '-y', `${options.vg}/${rawName}`]);
    };
    const doAgent = async () => {
      const created = await http('POST', '/v1/volumes', agentBody);
      if (created.status !== 201) throw new Error(`agent create answered ${created.status}`);
      agent.push(created.ms);
      // Queued behind any deferred re-read: when it returns, the agent is idle again.
      const deleted = await http('DELETE', `/v1/volumes/bench-${i}`);
      if (deleted.status !== 204) throw new Error(`agent delete answered ${deleted.status}`);
    };
    // Alternate the order so drift in the guest's speed hits both sides alike.
    if (i % 2 === 0) {
      await doRaw();
      await doAgent();
    } else {
      await doAgent();
      await doRaw();
    }
  }

  const created = await http('POST', '/v1/volumes', { id: 'bench-get', name: 'get', vg: options.vg, size_gib: options.sizeGib });
  if (created.status !== 201) throw new Error(`agent create answered ${created.status}`);
  for (let i = 0; i < 5; i++) await http('GET', '/v1/volumes/bench-get'); // warm-up (JIT, connection)
  const gets: number[] = [];
  for (let i = 0; i < options.getIterations; i++) {
    const reply = await http('GET', '/v1/volumes/bench-get');
    if (reply.status !== 200) throw new Error(`agent get answered ${reply.status}`);
    gets.push(reply.ms);
  }
  const lvsTimes: number[] = [];
  for (let i = 0; i < options.lvsIterations; i++) {
    lvsTimes.push(await lvm(['lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', LV_FIELDS, `${options.vg}/${options.prefix}vol-bench-get`]));
  }
  // Also timed from the host when the agent is on the forwarded port; removed by removeOurLvs.
  process.stdout.write(`${JSON.stringify({
    create: { raw_ms: raw, agent_ms: agent, raw_median_ms: median(raw), agent_median_ms: median(agent), ratio: median(agent) / median(raw) },
    get: { agent_ms: gets, lvs_ms: lvsTimes, agent_median_ms: median(gets), lvs_median_ms: median(lvsTimes), ratio: median(gets) / median(lvsTimes) },
  })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
