// Registry-style docs (the layout tfplugindocs produces) from the provider's own schema descriptions
// and the examples under examples/resources/<type>/ and examples/data-sources/<type>/.
//   node dist/provider-cdktf/src/docs/gen-docs.js [outDir]   (default: docs/)
// `npm run check:provider-generated` fails when the committed docs differ from what this writes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttributeDef, NestedBlockDef, SchemaDef } from '../framework/schema.js';
import type { TfType } from '../plugin/values.js';
import { providerDef, providerSchema } from '../provider.js';

const root = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

function typeName(t: TfType): string {
  if (t === 'string') return 'String';
  if (t === 'number') return 'Number';
  if (t === 'bool') return 'Boolean';
  const [kind, inner] = t;
  if (kind === 'object') return 'Object';
  const label = { list: 'List', set: 'Set', map: 'Map' }[kind];
  return `${label} of ${typeName(inner)}`;
}

function attributeLine(name: string, a: AttributeDef, nestedLink?: string): string {
  const extra: string[] = [];
  if (a.sensitive) extra.push('Sensitive');
  const modifiers = (a.planModifiers ?? []).map((m) => m.description).filter((d) => d.startsWith('Changing'));
  const validators = (a.validators ?? []).map((v) => v.description);
  let text = `- \`${name}\` (${typeName(a.type)}${extra.length ? `, ${extra.join(', ')}` : ''}) ${a.description}`;
  if (validators.length) text += ` Value ${validators.join('; ')}.`;
  if (modifiers.length && !a.description.includes('replaces')) text += ` ${modifiers.join(' ')}`;
  if (nestedLink) text += ` (see [below for nested schema](#${nestedLink}))`;
  return text;
}

function schemaSection(schema: { attributes: Record<string, AttributeDef>; blocks?: Record<string, NestedBlockDef> }, anchorPrefix = 'nestedblock--'): string {
  const groups: Record<'Required' | 'Optional' | 'Read-Only', string[]> = { Required: [], Optional: [], 'Read-Only': [] };
  const sorted = Object.entries(schema.attributes).sort(([a], [b]) => a.localeCompare(b));
  for (const [name, a] of sorted) {
    const group = a.required ? 'Required' : a.optional ? 'Optional' : 'Read-Only';
    groups[group].push(attributeLine(name, a));
  }
  const nested: string[] = [];
  for (const [name, b] of Object.entries(schema.blocks ?? {})) {
    groups.Optional.push(`- \`${name}\` (Block${b.nesting === 'list' ? ', List' : ''}) ${b.description} (see [below for nested schema](#${anchorPrefix}${name}))`);
    nested.push(`<a id="${anchorPrefix}${name}"></a>\n### Nested Schema for \`${name}\`\n\n${schemaSection(b, `${anchorPrefix}${name}--`).trim()}\n`);
  }
  let out = '';
  for (const [title, lines] of Object.entries(groups)) {
    if (lines.length) out += `### ${title}\n\n${lines.join('\n')}\n\n`;
  }
  return out + nested.join('\n');
}

function example(kind: string, type: string, file: string): string | null {
  const path = join(root, 'examples', kind, type, file);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : null;
}

function firstSentence(text: string): string {
  return (/^.*?\.(\s|$)/s.exec(text)?.[0] ?? text).trim();
}

function page(kind: 'resources' | 'data-sources', type: string, schema: SchemaDef): string {
  const label = kind === 'resources' ? 'Resource' : 'Data Source';
  const usage = example(kind, type, kind === 'resources' ? 'resource.tf' : 'data-source.tf');
  const importSh = kind === 'resources' ? example(kind, type, 'import.sh') : null;
  let out = `---\npage_title: "${type} ${label} - shared-lvm"\nsubcategory: ""\ndescription: |-\n  ${firstSentence(schema.description)}\n---\n\n`;
  out += `# ${type} (${label})\n\n${schema.description}\n\n`;
  if (usage) out += `## Example Usage\n\n\`\`\`terraform\n${usage}\n\`\`\`\n\n`;
  out += `<!-- generated from the provider schema by provider-cdktf/src/docs/gen-docs.ts: edit the descriptions there -->\n## Schema\n\n${schemaSection(schema).trim()}\n`;
  if (importSh) out += `\n## Import\n\nImport is supported using the following syntax:\n\n\`\`\`shell\n${importSh}\n\`\`\`\n`;
  return out;
}

export function generateDocs(outDir: string): string[] {
  const written: string[] = [];
  const write = (rel: string, text: string) => {
    const path = join(outDir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    written.push(rel);
  };
  const usage = example('provider', '', 'provider.tf');
  let provider = `---\npage_title: "shared-lvm Provider"\ndescription: |-\n  ${firstSentence(providerSchema.description)}\n---\n\n# shared-lvm Provider\n\n${providerSchema.description}\n\n`;
  provider += 'Resource types start with `shared_lvm_`, so terraform derives the local name `shared`: declare it as\n`shared = { source = "sharedlvm/shared-lvm" }` in `required_providers`.\n\n';
  if (usage) provider += `## Example Usage\n\n\`\`\`terraform\n${usage}\n\`\`\`\n\n`;
  provider += `## Schema\n\n${schemaSection(providerSchema).trim()}\n`;
  write('provider.md', provider);
  for (const r of providerDef.resources) write(`resources/${r.typeName.replace(/^shared_lvm_/, '')}.md`, page('resources', r.typeName, r.schema));
  for (const d of providerDef.dataSources) write(`data-sources/${d.typeName.replace(/^shared_lvm_/, '')}.md`, page('data-sources', d.typeName, d.schema));
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? join(root, 'docs'));
  for (const f of generateDocs(outDir)) process.stderr.write(`wrote ${join(outDir, f)}\n`);
}
