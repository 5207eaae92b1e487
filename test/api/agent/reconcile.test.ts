// POST /v1/reconcile over the production wiring and the fake lvm: what it settles, what it leaves
// alone (an attached volume, a healthy one), the report and the metric.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import request from 'supertest';
import { encodeTags } from '../../../agent/src/lib/lvm/tags.js';
import { FakeLvm, GIB, type FakeLv } from '../../helpers/fake-lvm.js';
import { AUTH, testApp } from '../../helpers/agent-app.js';

const fake = new FakeLvm();
after(() => fake.cleanup());

const tags = (name: string, extra: Parameters<typeof encodeTags>[0] = {}) =>
  encodeTags({ name, createdAt: '2026-11-30T00:00:00.000Z', requestHash: 'x', ...extra });
const thick = (name: string, extra: Partial<FakeLv> = {}): FakeLv => ({ attr: '-wi-------', size: GIB, pv: '/dev/vda', tags: tags(name), ...extra });

test('reconcile removes a half-made volume, deactivates what the control node holds for itself, keeps attachments', async () => {
  fake.setState({
    labvg: {
      lvs: {
        'vol-half': thick('half', { tags: tags('half', { creating: true }) }),
        // Left active on this (the control) node by an interrupted copy: nobody needs it.
        'vol-leftover': thick('leftover', { locks: { local: 'ex' } }),
        // Attached to a host: never touched, wherever it is active.
        'vol-attached': thick('attached', { locks: { local: 'ex' }, tags: tags('attached', { attachments: ['local:rw'] }) }),
        'vol-healthy': thick('healthy'),
        'adopting': thick('x', { tags: encodeTags({ name: 'adopting', source: 'adopted:adopting' }) }),
      },
    },
  });
  const { app, metrics } = testApp();
  const answer = await request(app).post('/v1/reconcile').set(AUTH);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const steps = answer.body.steps.map((step: { action: string; lv: string }) => `${step.action} ${step.lv}`).sort();
  assert.deepEqual(steps, ['deactivated vol-leftover', 'removed_half_made vol-half', 'stripped_tags adopting']);
  assert.deepEqual(answer.body.errors, []);
  const lvs = fake.state().vgs.labvg!.lvs;
  assert.equal(lvs['vol-half'], undefined);
  assert.equal(fake.locks('labvg', 'vol-leftover').local, undefined);
  assert.equal(fake.locks('labvg', 'vol-attached').local, 'ex');
  assert.deepEqual(lvs.adopting!.tags, []);
  assert.ok(lvs['vol-healthy']);
  const text = await metrics.registry.metrics();
  assert.match(text, /sharedlvm_reconcile_steps_total\{action="deactivated"\} 1/);

  // A second pass finds nothing to do.
  const again = await request(app).post('/v1/reconcile').set(AUTH);
  assert.deepEqual(again.body.steps, []);
});

test('reconcile in host mode is refused (the control agent owns the metadata)', async () => {
  fake.setState({ labvg: {} });
  const { app } = testApp({ mode: 'host' });
  const answer = await request(app).post('/v1/reconcile').set(AUTH);
  assert.equal(answer.status, 403);
  assert.equal(answer.body.code, 'forbidden_in_mode');
});
