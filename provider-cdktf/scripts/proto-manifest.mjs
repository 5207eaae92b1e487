// Hashes of what the protobuf code is generated from (the .proto files, the buf template, the
// ts-proto version) and of the generated files themselves.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PROTO_DIR = join(root, 'provider-cdktf/proto');
export const GENERATED_DIR = join(root, 'provider-cdktf/src/plugin/generated');

const sha = (text) => createHash('sha256').update(text).digest('hex');
const files = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)])).sort();

export function manifest() {
  const inputs = Object.fromEntries(files(PROTO_DIR).map((f) => [relative(root, f), sha(readFileSync(f))]));
  inputs['ts-proto'] = JSON.parse(readFileSync(join(root, 'node_modules/ts-proto/package.json'), 'utf8')).version;
  const outputs = Object.fromEntries(
    files(GENERATED_DIR).filter((f) => !f.endsWith('MANIFEST.json')).map((f) => [relative(root, f), sha(readFileSync(f))]),
  );
  return { generator: 'buf 1.75.0 + ts-proto (provider-cdktf/proto/buf.gen.yaml)', inputs, outputs };
}
