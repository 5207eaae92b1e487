// Nothing outside agent/src/lib/lvm/ builds lvm argv or reads lv_attr by position: the agent's sources
// are parsed with the TypeScript compiler (so comments and longer strings such as error messages do not
// count) and every lvm subcommand used as a string literal, every `runner.lvm(` / `runner.report(` call
// and every `lv_attr[n]` (or method call on lv_attr) is reported as file:line.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot } from '../../../../helpers/fake-lvm.js';

const SUBCOMMANDS = new Set([
  'lvcreate', 'lvchange', 'lvremove', 'lvrename', 'lvextend', 'lvconvert', 'pvmove', 'vgchange', 'lvs', 'vgs', 'pvs',
]);

type Rule = 'subcommand' | 'runner' | 'lv_attr';
interface Finding {
  rule: Rule;
  line: number;
  text: string;
}

/** What in `source` builds lvm argv or indexes lv_attr (code only: comments are trivia to the parser). */
export function findOffences(fileName: string, source: string): Finding[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const out: Finding[] = [];
  const add = (rule: Rule, node: ts.Node) => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    out.push({ rule, line, text: node.getText(file).replace(/\s+/g, ' ').slice(0, 100) });
  };
  const isLvAttr = (node: ts.Expression) => ts.isPropertyAccessExpression(node) && node.name.text === 'lv_attr';
  const visit = (node: ts.Node): void => {
    const literal = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
    if (literal && SUBCOMMANDS.has(node.text)) add('subcommand', node);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const { name, expression } = node.expression;
      const receiver = expression.getText(file).replace(/[!?\s]/g, '');
      const lvmCall = name.text === 'lvm' || name.text === 'report';
      if (lvmCall && /(^|\.)runner$/i.test(receiver)) add('runner', node.expression);
      if (isLvAttr(expression)) add('lv_attr', node.expression);
    }
    if (ts.isElementAccessExpression(node) && isLvAttr(node.expression)) add('lv_attr', node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

const scannerCases: [string, { given: string; want: Pick<Finding, 'rule' | 'line'>[] }][] = [
  ['argv with a subcommand', { given: "run('lvcreate', ['-y']);", want: [{ rule: 'subcommand', line: 1 }] }],
  ['a subcommand in a template without substitutions', {
    given: 'const s = `vgs`;',
    want: [{ rule: 'subcommand', line: 1 }],
  }],
  ['a comment or a longer message is fine', {
    given: "// lvchange -aey here\n/* 'lvremove' */\nthrow new Error('lvchange reported success but x');",
    want: [],
  }],
  ['runner.lvm / this.runner.report / options.runner!.lvm', {
    given: 'runner.lvm(a, b);\nthis.runner.report(k);\noptions.runner!.lvm(x);',
    want: [{ rule: 'runner', line: 1 }, { rule: 'runner', line: 2 }, { rule: 'runner', line: 3 }],
  }],
  ['the Lvm layer and other runner methods are fine', {
    given: 'this.lvm.activate(vg, [lv]);\nrunner.command(dd, []);',
    want: [],
  }],
  ['lv_attr by position, or through a string method', {
    given: "if (lv.lv_attr[4] === 'a') x();\nrow.lv_attr.charAt(0);",
    want: [{ rule: 'lv_attr', line: 1 }, { rule: 'lv_attr', line: 2 }],
  }],
  ['lv_attr passed to attr.ts is fine', { given: 'parseLvAttr(lv.lv_attr).active;\nlvKind(row.lv_attr);', want: [] }],
];
for (const [name, { given, want }] of scannerCases) {
  test(`scanner: ${name}`, () => {
    assert.deepEqual(findOffences('x.ts', given).map(({ rule, line }) => ({ rule, line })), want);
  });
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const root = repoRoot();
const lvmDir = join(root, 'agent', 'src', 'lib', 'lvm');
const scanned = sources(join(root, 'agent', 'src')).filter((path) => !path.startsWith(lvmDir + '/'));
const findings = scanned.flatMap((path) =>
  findOffences(path, readFileSync(path, 'utf8')).map((finding) => ({
    ...finding, where: `${relative(root, path)}:${finding.line}`,
  })),
);

const rules: [string, { given: Rule; want: string }][] = [
  ['no lvm subcommand is spelled as a string literal', {
    given: 'subcommand',
    want: 'build argv only in agent/src/lib/lvm/commands.ts',
  }],
  ['no runner.lvm( or runner.report( call', { given: 'runner', want: 'call an Lvm method (lvm/commands.ts) instead' }],
  ['no lv_attr indexed by position', { given: 'lv_attr', want: 'decode it with parseLvAttr/lvKind (lvm/attr.ts)' }],
];
for (const [name, { given, want }] of rules) {
  test(`outside agent/src/lib/lvm/: ${name}`, () => {
    assert.ok(scanned.length > 20, `only ${scanned.length} source files found under agent/src`);
    const offenders = findings.filter((finding) => finding.rule === given);
    const list = offenders.map((o) => `  ${o.where}: ${o.text}`).join('\n');
    assert.equal(offenders.length, 0, `${offenders.length} offender(s); ${want}:\n${list}`);
  });
}
