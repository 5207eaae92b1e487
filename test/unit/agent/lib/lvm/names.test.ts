import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lvNameProblem, tagProblem, vgNameProblem } from '../../../../../agent/src/lib/lvm/names.js';

const lvCases: [string, { given: string; want: string | null }][] = [
  ['plain name', { given: 'vol-1', want: null }],
  ['all allowed characters', { given: 'A+b_c.d-9', want: null }],
  ['empty', { given: '', want: 'must not be empty' }],
  ['slash', { given: 'a/b', want: 'may contain only letters, digits and + _ . -' }],
  ['dot dot', { given: '..', want: 'must not be . or ..' }],
  ['single dot', { given: '.', want: 'must not be . or ..' }],
  ['space', { given: 'a b', want: 'may contain only letters, digits and + _ . -' }],
  ['shell substitution', { given: '$(reboot)', want: 'may contain only letters, digits and + _ . -' }],
  ['leading dash (looks like an option)', { given: '-an', want: 'must not start with -' }],
  ['reserved prefix snapshot', { given: 'snapshot1', want: 'must not start with "snapshot" (reserved by lvm)' }],
  ['reserved prefix pvmove', { given: 'pvmove0', want: 'must not start with "pvmove" (reserved by lvm)' }],
  ['reserved sub-LV suffix', { given: 'x_tdata', want: 'must not contain "_tdata" (reserved by lvm)' }],
  ['too long', { given: 'a'.repeat(128), want: 'must be at most 127 characters' }],
  ['longest allowed', { given: 'a'.repeat(127), want: null }],
];

for (const [name, { given, want }] of lvCases) {
  test(`lvNameProblem: ${name}`, () => assert.equal(lvNameProblem(given), want));
}

const vgCases: [string, { given: string; want: string | null }][] = [
  ['lab VG', { given: 'labvg', want: null }],
  ['VG may start with snapshot', { given: 'snapshotvg', want: null }],
  ['newline', { given: 'vg\n', want: 'may contain only letters, digits and + _ . -' }],
];
for (const [name, { given, want }] of vgCases) {
  test(`vgNameProblem: ${name}`, () => assert.equal(vgNameProblem(given), want));
}

const tagCases: [string, { given: string; want: string | null }][] = [
  ['every allowed character', { given: 'aZ09_+.-/=!:&#', want: null }],
  ['comma (lvm separates tags with it)', { given: 'a,b', want: 'may contain only letters, digits and _ + . - / = ! : & #' }],
  ['space', { given: 'a b', want: 'may contain only letters, digits and _ + . - / = ! : & #' }],
  ['1024 characters', { given: 'x'.repeat(1024), want: null }],
  ['1025 characters', { given: 'x'.repeat(1025), want: 'must be at most 1024 characters' }],
];
for (const [name, { given, want }] of tagCases) {
  test(`tagProblem: ${name}`, () => assert.equal(tagProblem(given), want));
}
