#!/usr/bin/env node
// CDKTF bindings from the provider's own schema, as terraform reports it:
//   `make provider` (the mirror) -> `terraform providers schema -json` -> cdktf's provider generator.
//
//   node provider-cdktf/scripts/gen-cdktf-bindings.mjs           write provider-cdktf/bindings/src/
//   node provider-cdktf/scripts/gen-cdktf-bindings.mjs --check   fail when the committed bindings differ
//
// This is what `cdktf get` does (same generator, same constraint), except for one thing: `cdktf get`
// also records the exact provider version it found (0.1.<build time>, which moves with every source
// change) in every file and pins required_providers to it. We hand the generator the schema without
// provider_versions, so the bindings carry only the constraint `~> 0.1`: they change when an
// attribute, type or description changes, never because the provider was rebuilt.
//
// The generator comes from the tool package provider-cdktf/cdktf-cli/ (`npm ci` there; the Makefile
// target does it), kept out of the root install because cdktf-cli is ~420 MB.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const toolDir = join(root, 'provider-cdktf/cdktf-cli');
const bindingsSrc = join(root, 'provider-cdktf/bindings/src');
export const SOURCE = 'sharedlvm/shared-lvm';
// Terraform derives a resource's provider local name from its type's first word (shared_lvm_volume ->
// "shared"), so the bindings must declare the provider under that name for resources to find it.
export const LOCAL_NAME = 'shared';
export const VERSION_CONSTRAINT = '~> 0.1';
const FQPN = `registry.terraform.io/${SOURCE}`;
const check = process.argv.includes('--check');

const cliConfig = join(process.env.SHAREDLVM_TF_MIRROR ?? join(root, '.terraform-mirror'), 'terraformrc');
// @cdktf/commons runs `terraform version` as it loads: it too must see the mirror's CLI config.
Object.assign(process.env, { TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' });

function providerSchema() {
  if (!existsSync(cliConfig)) throw new Error(`${cliConfig} is missing: run \`make provider\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'cdktf-schema-'));
  try {
    writeFileSync(join(dir, 'main.tf'), `terraform {\n  required_providers {\n    ${LOCAL_NAME} = {\n      source  = "${SOURCE}"\n      version = "${VERSION_CONSTRAINT}"\n    }\n  }\n}\n`);
    const tf = (args) => execFileSync('terraform', args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      tf(['init', '-input=false', '-backend=false', '-no-color']);
    } catch (e) {
      if (e.code === 'ENOENT') throw new Error('terraform is not on PATH: generating the bindings needs the real terraform binary (v1.11.4)');
      throw new Error(`terraform init failed:\n${e.stdout}\n${e.stderr}`);
    }
    const schema = JSON.parse(tf(['providers', 'schema', '-json']));
    const ours = schema.provider_schemas?.[FQPN];
    if (!ours) throw new Error(`terraform reported no schema for ${FQPN}`);
    // Only our provider; no provider_versions (see the header).
    return { format_version: schema.format_version, provider_schemas: { [FQPN]: ours } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function generate(schema, outDir) {
  if (!existsSync(join(toolDir, 'node_modules/@cdktf/provider-generator'))) {
    throw new Error(`the cdktf tool package is not installed: run \`npm ci --prefix ${relative(root, toolDir)}\` (or \`make cdktf-bindings\`)`);
  }
  const require = createRequire(join(toolDir, 'package.json'));
  const { TerraformProviderGenerator, CodeMaker } = require('@cdktf/provider-generator');
  const { ConstructsMakerTarget, TerraformProviderConstraint, Language } = require('@cdktf/commons');
  const constraint = new TerraformProviderConstraint({ name: LOCAL_NAME, source: SOURCE, version: VERSION_CONSTRAINT });
  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, schema);
  generator.generate(ConstructsMakerTarget.from(constraint, Language.TYPESCRIPT));
  await code.save(outDir);
  // The schema the code came from, for review and for a readable drift report.
  writeFileSync(join(outDir, 'schema.json'), JSON.stringify(schema, null, 2) + '\n');
}

const files = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

function compare(committedDir, freshDir) {
  const problems = [];
  const want = new Map(files(freshDir).map((f) => [relative(freshDir, f), readFileSync(f, 'utf8')]));
  const have = existsSync(committedDir) ? new Map(files(committedDir).map((f) => [relative(committedDir, f), readFileSync(f, 'utf8')])) : new Map();
  for (const [name, text] of want) {
    if (!have.has(name)) problems.push(`${name} is missing`);
    else if (have.get(name) !== text) problems.push(`${name} is out of date`);
  }
  for (const name of have.keys()) if (!want.has(name)) problems.push(`${name} is not generated any more`);
  return problems;
}

const schema = providerSchema();
if (check) {
  const fresh = mkdtempSync(join(tmpdir(), 'cdktf-bindings-'));
  try {
    await generate(schema, fresh);
    const problems = compare(bindingsSrc, fresh);
    if (problems.length > 0) {
      for (const p of problems) console.error(`cdktf bindings: ${relative(root, bindingsSrc)}/${p}`);
      try {
        execFileSync('diff', ['-u', join(bindingsSrc, 'schema.json'), join(fresh, 'schema.json')], { stdio: ['ignore', 'inherit', 'ignore'] });
      } catch { /* diff exits 1 when the files differ: that is the point */ }
      console.error(`${problems.length} file(s) differ from the provider's schema: run \`make cdktf-bindings\` and commit`);
      process.exit(1);
    }
    console.error('cdktf bindings match the provider schema');
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
} else {
  rmSync(bindingsSrc, { recursive: true, force: true });
  mkdirSync(bindingsSrc, { recursive: true });
  await generate(schema, bindingsSrc);
  console.error(`cdktf bindings written to ${relative(root, bindingsSrc)}`);
}
