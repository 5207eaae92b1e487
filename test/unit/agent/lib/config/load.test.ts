import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../../../../agent/src/lib/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'agent-config-'));
const TOKEN = 'a-token-of-16-chars-or-more';
const yamlFile = join(dir, 'agent.yaml');
writeFileSync(yamlFile, `mode: control\ntokens: [${TOKEN}]\nvolume_groups:\n  - name: labvg\n    thin_pool: {name: pool0, size_gib: 2}\nlisten: 127.0.0.1:9000\n`);
const jsonFile = join(dir, 'agent.json');
writeFileSync(jsonFile, JSON.stringify({ tokens: [TOKEN], volume_groups: [{ name: 'vg1' }], lock_type: 'none' }));

const cases: [string, { given: { argv: string[]; env?: Record<string, string> }; want: Record<string, unknown> }][] = [
  ['defaults from flags only', {
    given: { argv: ['--vg', 'labvg', '--token', TOKEN] },
    want: { mode: 'control', listen: '0.0.0.0:7480', lock_type: 'sanlock', lv_prefix: '', volume_groups: [{ name: 'labvg' }] },
  }],
  ['YAML file', { given: { argv: ['--config', yamlFile] }, want: { listen: '127.0.0.1:9000', volume_groups: [{ name: 'labvg', thin_pool: { name: 'pool0', size_gib: 2, create: true } }] } }],
  ['JSON file via env', { given: { argv: [], env: { SHAREDLVM_CONFIG: jsonFile } }, want: { lock_type: 'none', volume_groups: [{ name: 'vg1' }] } }],
  ['env overrides the file', { given: { argv: ['--config', yamlFile], env: { SHAREDLVM_MODE: 'host', SHAREDLVM_LISTEN: '0.0.0.0:1' } }, want: { mode: 'host', listen: '0.0.0.0:1' } }],
  ['flags override env', { given: { argv: ['--config', yamlFile, '--mode', 'all'], env: { SHAREDLVM_MODE: 'host' } }, want: { mode: 'all' } }],
  ['env lists', { given: { argv: [], env: { SHAREDLVM_VGS: 'a,b', SHAREDLVM_TOKENS: `${TOKEN},${TOKEN}x` } }, want: { volume_groups: [{ name: 'a' }, { name: 'b' }], tokens: [TOKEN, `${TOKEN}x`] } }],
  ['thin pool flags apply to the VGs', { given: { argv: ['--vg', 'v', '--token', TOKEN, '--thin-pool', 'p', '--thin-pool-size-gib', '0.5'] }, want: { volume_groups: [{ name: 'v', thin_pool: { name: 'p', size_gib: 0.5, create: true } }] } }],
];

for (const [name, { given, want }] of cases) {
  test(`loadConfig: ${name}`, () => {
    const { config } = loadConfig(given.argv, given.env ?? {});
    for (const [key, value] of Object.entries(want)) assert.deepEqual(config[key as keyof typeof config], value, key);
  });
}

const failures: [string, { given: { argv: string[]; env?: Record<string, string> }; want: RegExp }][] = [
  ['no token', { given: { argv: ['--vg', 'labvg'] }, want: /tokens/ }],
  ['short token', { given: { argv: ['--vg', 'labvg', '--token', 'short'] }, want: /at least 16/ }],
  ['no VG', { given: { argv: ['--token', TOKEN] }, want: /volume_groups/ }],
  ['bad VG name', { given: { argv: ['--vg', 'a/b', '--token', TOKEN] }, want: /not a valid VG name/ }],
  ['bad mode', { given: { argv: ['--vg', 'v', '--token', TOKEN, '--mode', 'spm'] }, want: /mode/ }],
  ['bad lock type', { given: { argv: ['--vg', 'v', '--token', TOKEN, '--lock-type', 'dlm'] }, want: /lock_type/ }],
  ['unknown flag', { given: { argv: ['--frobnicate'] }, want: /Unknown option/ }],
  ['missing file', { given: { argv: ['--config', join(dir, 'nope.yaml')] }, want: /cannot read config file/ }],
  ['unknown key in the file', { given: { argv: [], env: { SHAREDLVM_CONFIG: (() => { const f = join(dir, 'x.json'); writeFileSync(f, JSON.stringify({ tokens: [TOKEN], volume_groups: [{ name: 'v' }], colour: 'red' })); return f; })() } }, want: /colour|Unrecognized/ }],
];
for (const [name, { given, want }] of failures) {
  test(`loadConfig refuses: ${name}`, () => {
    assert.throws(() => loadConfig(given.argv, given.env ?? {}), (error: unknown) => error instanceof ConfigError && want.test(error.message));
  });
}

test('--help asks for the usage text', () => {
  assert.equal(loadConfig(['--help'], {}).help, true);
});
