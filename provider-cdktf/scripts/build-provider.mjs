#!/usr/bin/env node
// `make provider`: bundles the provider into one executable file and installs it into a filesystem
// mirror that terraform reads offline (TF_CLI_CONFIG_FILE=.terraform-mirror/terraformrc).
//
// Versioning: the bundle's content hash decides. Unchanged sources reuse the installed version (same
// bytes, so lock files stay valid); changed sources get a new, higher version 0.1.<UTC timestamp> and
// older versions stay in the mirror untouched, so an existing lock file never sees changed bytes.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const mirror = resolve(process.env.SHAREDLVM_TF_MIRROR ?? join(root, '.terraform-mirror'));
export const NAMESPACE = 'sharedlvm';
export const TYPE = 'shared-lvm';
const platform = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
const KEEP_VERSIONS = 10;
const MAGIC_COOKIE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

// grpc-js requires @grpc/proto-loader (and with it protobufjs, ~130 KB) only inside its channelz and
// ORCA services, which the provider never registers: leave it out of the bundle, parsed on every launch.
const withoutProtoLoader = {
  name: 'without-proto-loader',
  setup(b) {
    b.onResolve({ filter: /^@grpc\/proto-loader$/ }, () => ({ path: 'proto-loader', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'throw new Error("@grpc/proto-loader is not bundled with the shared-lvm provider (channelz/ORCA are not served)");',
      loader: 'js',
    }));
  },
};

async function bundle(version) {
  const out = await build({
    entryPoints: [join(root, 'provider-cdktf/src/main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    write: false,
    define: { __SHAREDLVM_PROVIDER_VERSION__: JSON.stringify(version) },
    plugins: [withoutProtoLoader],
    logLevel: 'warning',
  });
  return wrapWithLoader(out.outputFiles[0].text);
}

// The executable is a small loader followed by the bundle, each bundle line behind `//`: V8 skips
// comments almost for free, where a 400 KB string literal costs a 5 ms scan. The loader reads the
// bundle back from its own file and compiles it with V8's code cache from code-cache.bin beside it,
// made at build time (compiling the bundle costs about 40 ms per launch, and terraform launches the
// provider 3-5 times per command). A missing or rejected cache (another node) means a normal compile.
const MARKER = '//--- bundle (each line behind //) ---';
function wrapWithLoader(code) {
  if (/[\r\u2028\u2029]/.test(code)) throw new Error('bundle contains a line terminator other than \\n; cannot hide it in // comments');
  const loader = `#!/usr/bin/env node
"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { join, dirname } = require("node:path");
const { Script } = require("node:vm");
const { wrap } = require("node:module");
const self = readFileSync(__filename, "utf8");
const source = self.slice(self.indexOf("\\n${MARKER}\\n") + ${MARKER.length + 2}).split("\\n").map((line) => line.slice(2)).join("\\n");
const cacheFile = join(dirname(__filename), "code-cache.bin");
const makeCache = process.env.SHAREDLVM_PROVIDER_MAKE_CODE_CACHE === "1";
let cachedData;
if (!makeCache) { try { cachedData = readFileSync(cacheFile); } catch {} }
const script = new Script(wrap(source), { filename: __filename + "#bundle", cachedData });
if (makeCache) {
  // build time: run to the handshake line, then keep what V8 compiled on the way
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => { writeFileSync(cacheFile, script.createCachedData()); write(chunk, ...rest); process.exit(0); };
}
script.runInThisContext()(exports, require, module, __filename, __dirname);
`;
  return Buffer.from(`${loader}${MARKER}\n${code.split('\n').map((line) => '//' + line).join('\n')}`);
}

const providerDir = join(mirror, 'registry.terraform.io', NAMESPACE, TYPE);
const probe = await bundle('0.0.0');
const contentHash = createHash('sha256').update(probe).digest('hex').slice(0, 16);

const installed = existsSync(providerDir) ? readdirSync(providerDir) : [];
let version = installed.find((v) => {
  const f = join(providerDir, v, platform, '.content-hash');
  return existsSync(f) && readFileSync(f, 'utf8').trim() === contentHash;
});
if (version) {
  console.error(`provider unchanged: ${NAMESPACE}/${TYPE} ${version} (${contentHash})`);
} else {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  version = `0.1.${stamp}`;
  const dir = join(providerDir, version, platform);
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, `terraform-provider-${TYPE}_v${version}`);
  writeFileSync(exe, await bundle(version));
  chmodSync(exe, 0o755);
  // The bundle is CommonJS: keep node from reading it as ESM under an enclosing "type": "module".
  writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  writeFileSync(join(dir, '.content-hash'), contentHash + '\n');
  execFileSync(exe, [], {
    env: { ...process.env, TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE, PLUGIN_PROTOCOL_VERSIONS: '6', TF_DISABLE_PLUGIN_TLS: '1', PLUGIN_CLIENT_CERT: '', SHAREDLVM_PROVIDER_MAKE_CODE_CACHE: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 60_000,
  });
  console.error(`provider built: ${NAMESPACE}/${TYPE} ${version} (${contentHash}) -> ${exe}`);
  // Bound the mirror's growth; the newest versions (and so any recent lock file) stay.
  const versions = readdirSync(providerDir).sort((a, b) => (a.length - b.length) || a.localeCompare(b));
  for (const old of versions.slice(0, Math.max(0, versions.length - KEEP_VERSIONS))) rmSync(join(providerDir, old), { recursive: true, force: true });
}

const rc = join(mirror, 'terraformrc');
writeFileSync(
  rc,
  `# Generated by make provider: install ${NAMESPACE}/${TYPE} offline from this mirror.\n` +
    `provider_installation {\n` +
    `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/${NAMESPACE}/*"]\n  }\n` +
    `  direct {\n    exclude = ["registry.terraform.io/${NAMESPACE}/*"]\n  }\n` +
    `}\n`,
);
writeFileSync(join(mirror, 'VERSION'), version + '\n');
console.log(version);
