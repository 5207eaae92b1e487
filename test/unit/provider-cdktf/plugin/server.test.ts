// The plugin process as terraform sees it: handshake line, AutoMTLS that verifies the client
// certificate, GetProviderSchema over the unix socket, and GRPCController.Shutdown.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Metadata, credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { makeServerCertificate } from '../../../../provider-cdktf/src/plugin/cert.js';
import { GRPCControllerClient } from '../../../../provider-cdktf/src/plugin/generated/grpc_controller.js';
import { ProviderClient, type GetProviderSchema_Response } from '../../../../provider-cdktf/src/plugin/generated/tfplugin6.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../../../provider-cdktf/src/plugin/handshake.js';
import { repoRoot } from '../../../helpers/fake-lvm.js';

const main = join(repoRoot(), 'dist/provider-cdktf/src/main.js');

function launch(env: Record<string, string>): Promise<{ child: ChildProcess; line: string; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve({ child, line: out.split('\n')[0] as string, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`provider exited ${code} before the handshake: ${err}`)));
  });
}

function pemOf(derBase64NoPad: string): string {
  const b64 = Buffer.from(derBase64NoPad, 'base64').toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
}

function schemaOf(address: string, creds: ChannelCredentials): Promise<GetProviderSchema_Response> {
  const client = new ProviderClient(`unix://${address}`, creds, { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' });
  return new Promise((resolve, reject) =>
    client.getProviderSchema({}, new Metadata(), { deadline: Date.now() + 5000 }, (err, res) => {
      client.close();
      return err ? reject(err) : resolve(res);
    }),
  );
}

function shutdown(address: string, creds: ChannelCredentials): Promise<void> {
  const client = new GRPCControllerClient(`unix://${address}`, creds, { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' });
  return new Promise((resolve, reject) => client.shutdown({}, (err) => (client.close(), err ? reject(err) : resolve())));
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', resolve)));

test('plugin server: run by hand it explains itself and exits 1', async () => {
  const child = spawn(process.execPath, [main], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  assert.equal(await exited(child), 1);
  assert.match(err, /plugin for Terraform/);
  assert.equal(out, '', 'nothing on stdout');
});

test('plugin server: AutoMTLS accepts terraform\'s certificate only, serves the schema, stops on Shutdown', async () => {
  const terraformCert = makeServerCertificate(); // plays terraform's client certificate
  const stranger = makeServerCertificate();
  const { child, line, stderr } = await launch({ [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '6,5', PLUGIN_CLIENT_CERT: terraformCert.certPem });
  try {
    const [core, proto, network, address, protocol, cert] = line.split('|');
    assert.deepEqual([core, proto, network, protocol], ['1', '6', 'unix', 'grpc']);
    assert.ok(address && existsSync(address), 'socket exists');
    assert.ok(cert && !cert.endsWith('='), 'server cert as base64 without padding');
    const serverPem = pemOf(cert);

    const good = credentials.createSsl(Buffer.from(serverPem), Buffer.from(terraformCert.keyPem), Buffer.from(terraformCert.certPem));
    const schema = await schemaOf(address, good);
    assert.deepEqual(Object.keys(schema.resourceSchemas ?? {}).sort(), ['shared_lvm_attachment', 'shared_lvm_snapshot', 'shared_lvm_volume']);
    assert.deepEqual(Object.keys(schema.dataSourceSchemas ?? {}).sort(), ['shared_lvm_volume', 'shared_lvm_volume_group']);

    const bad = credentials.createSsl(Buffer.from(serverPem), Buffer.from(stranger.keyPem), Buffer.from(stranger.certPem));
    await assert.rejects(schemaOf(address, bad), 'a client certificate other than terraform\'s is refused');

    await shutdown(address, good);
    assert.equal(await exited(child), 0);
    assert.ok(!existsSync(address), 'socket removed');
    for (const logLine of stderr().trim().split('\n')) {
      const entry = JSON.parse(logLine) as Record<string, unknown>;
      assert.ok(entry['@level'] && entry['@message'] && entry['@timestamp'], `hclog JSON line: ${logLine}`);
    }
  } finally {
    child.kill('SIGKILL');
  }
});

test('plugin server: plaintext when TLS is disabled, and SIGTERM stops it cleanly', async () => {
  const { child, line } = await launch({ [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5,6' });
  const address = line.split('|')[3] as string;
  assert.ok(line.endsWith('|grpc|'), 'empty certificate field');
  const schema = await schemaOf(address, credentials.createInsecure());
  assert.ok(schema.provider?.block?.attributes?.some((a) => a.name === 'endpoint'));
  child.kill('SIGTERM');
  assert.equal(await exited(child), 0);
  assert.ok(!existsSync(address), 'socket removed on SIGTERM');
});
