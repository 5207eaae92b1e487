// A snapshot of a volume attached to one host is made on that host, under the same rules as the volume
// service's: a taken snapshot name is a 409 name_taken before the host is asked anything. Over the fake
// lvm, with a host agent in memory that makes the snapshot through its own Lvm.
import assert from 'node:assert/strict';
import { after, beforeEach, test } from 'node:test';
import { pino } from 'pino';
import { AttachmentService } from '../../../../../agent/src/lib/attachments/orchestrator.js';
import { validateConfig } from '../../../../../agent/src/lib/config/load.js';
import { AgentError } from '../../../../../agent/src/lib/errors.js';
import type { HostVolume } from '../../../../../agent/src/lib/host/activation.js';
import { HostRegistry, type HostAgent } from '../../../../../agent/src/lib/hosts/client.js';
import { Lvm } from '../../../../../agent/src/lib/lvm/commands.js';
import { Runner } from '../../../../../agent/src/lib/lvm/runner.js';
import { VolumeService } from '../../../../../agent/src/lib/volumes/service.js';
import { FAKE_LVM, FAKE_TOOLS, FakeLvm, MIB } from '../../../../helpers/fake-lvm.js';

const fake = new FakeLvm();
after(() => fake.cleanup());

function holder(log: string[], lvm: Lvm): HostAgent {
  const view = { active: true, lock_mode: 'exclusive' } as HostVolume;
  const refused = async (): Promise<never> => {
    throw new Error('not expected in this test');
  };
  return {
    name: 'b',
    createSnapshot: async (vg, lv, body) => {
      log.push(`b snapshot ${lv} ${body.snapshot_lv_name}`);
      await lvm.createCowSnapshot({
        vg, origin: lv, name: body.snapshot_lv_name, tags: body.tags ?? [], cowBytes: body.cow_size_bytes ?? 0,
      });
      return view;
    },
    activate: refused, deactivate: refused, refresh: refused, extend: refused, deleteSnapshot: refused,
    revert: refused, startMove: refused, moveStatus: refused, lockStatus: refused,
  };
}

let log: string[];
let attachments: AttachmentService;
beforeEach(() => {
  fake.setState({
    labvg: {
      lvs: {
        'vol-one': { attr: 'owi-------', size: 64 * MIB, tags: ['slvm.name=one', 'slvm.att=b:rw'] },
        'snap-s1': { attr: 'swi-------', size: 64 * MIB, origin: 'vol-one', tags: ['slvm.name=nightly'] },
      },
    },
  });
  log = [];
  const config = validateConfig({
    tokens: ['t'.repeat(32)], volume_groups: [{ name: 'labvg' }], lvm: { path: FAKE_LVM, timeout_ms: 10_000 },
    log_level: 'silent', cache_ttl_ms: 60_000,
  });
  const logger = pino({ level: 'silent' });
  const runner = new Runner({ lvmPath: FAKE_LVM, timeoutMs: 10_000 });
  const volumes = new VolumeService({ config, runner, logger, tools: FAKE_TOOLS });
  const hosts = new HostRegistry(config, undefined, [holder(log, new Lvm(runner))]);
  attachments = new AttachmentService({ config, volumes, runner, logger, hosts });
});

test('holder snapshot: a name taken by another snapshot of the VG is a 409 name_taken, the host is not asked', async () => {
  await assert.rejects(attachments.createSnapshot({ volume_id: 'one', name: 'nightly' }), (error: unknown) => {
    assert.ok(error instanceof AgentError);
    assert.equal(error.code, 'name_taken');
    assert.match(error.message, /id s1/);
    return true;
  });
  assert.deepEqual(log, []);
});

test('holder snapshot: a free name is made on the holding host', async () => {
  const { object, created } = await attachments.createSnapshot({ volume_id: 'one', name: 'weekly', id: 's2' });
  assert.equal(created, true);
  assert.equal(object.name, 'weekly');
  assert.deepEqual(log, ['b snapshot vol-one snap-s2']);
});
