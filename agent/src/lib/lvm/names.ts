// LVM's own naming rules (lvm2 lib/misc/lvm-string.c), checked before any command runs so that a bad
// name is a 400 and never reaches lvm.

const NAME_CHARS = /^[A-Za-z0-9+_.-]+$/;
const TAG_CHARS = /^[A-Za-z0-9_+.\-/=!:&#]+$/;
export const NAME_MAX = 127;
export const TAG_MAX = 1024;

// Suffixes lvm reserves for its hidden sub-LVs; an LV name must not contain them.
const RESERVED_LV_SUBSTRINGS = [
  '_cdata', '_cmeta', '_corig', '_cpool', '_cvol', '_wcorig', '_imeta', '_iorig', '_mimage', '_mlog',
  '_pmspare', '_rimage', '_rmeta', '_tdata', '_tmeta', '_vdata', '_vorigin',
];
const RESERVED_LV_PREFIXES = ['snapshot', 'pvmove'];

/** Returns why `name` is not a valid VG/LV base name, or null when it is. */
function baseNameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > NAME_MAX) return `must be at most ${NAME_MAX} characters`;
  if (!NAME_CHARS.test(name)) return 'may contain only letters, digits and + _ . -';
  if (name.startsWith('-')) return 'must not start with -';
  if (name === '.' || name === '..') return 'must not be . or ..';
  return null;
}

export function vgNameProblem(name: string): string | null {
  return baseNameProblem(name);
}

export function lvNameProblem(name: string): string | null {
  const base = baseNameProblem(name);
  if (base) return base;
  for (const prefix of RESERVED_LV_PREFIXES) if (name.startsWith(prefix)) return `must not start with "${prefix}" (reserved by lvm)`;
  for (const part of RESERVED_LV_SUBSTRINGS) if (name.includes(part)) return `must not contain "${part}" (reserved by lvm)`;
  return null;
}

export function tagProblem(tag: string): string | null {
  if (tag.length === 0) return 'must not be empty';
  if (tag.length > TAG_MAX) return `must be at most ${TAG_MAX} characters`;
  if (!TAG_CHARS.test(tag)) return 'may contain only letters, digits and _ + . - / = ! : & #';
  return null;
}

export function isValidLvName(name: string): boolean {
  return lvNameProblem(name) === null;
}
