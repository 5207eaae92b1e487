// Name rules the agent enforces, checked at plan time so that a bad name fails before any change.
// Each pattern is the contract's (openapi/sharedlvm.yaml components.schemas.<name>.pattern); a unit
// test fails when they drift apart.
import { stringLength, stringMatches, type Validator } from '../framework/validators.js';

export const CONTRACT_PATTERNS = {
  ObjectId: '^[a-z0-9][a-z0-9-]{0,63}$',
  ObjectName: '^(?!\\.{1,2}$)[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$',
  VgName: '^(?!\\.{1,2}$)[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$',
  UserTag: '^[A-Za-z0-9_+.\\-/=!:&#]+$',
  PvPath: '^/dev/[A-Za-z0-9/_.+-]{1,120}$',
} as const;

export const objectIdValidators: Validator[] = [
  stringMatches(new RegExp(CONTRACT_PATTERNS.ObjectId), 'must be an id: lower-case letters, digits and dashes, at most 64 characters'),
];
export const objectNameValidators: Validator[] = [
  stringLength(1, 100),
  stringMatches(new RegExp(CONTRACT_PATTERNS.ObjectName), 'must use letters, digits and `+ _ . -` only, not start with `-`, and not be `.` or `..`'),
];
export const vgNameValidators: Validator[] = [
  stringLength(1, 127),
  stringMatches(new RegExp(CONTRACT_PATTERNS.VgName), 'must be an LVM volume group name (letters, digits and `+ _ . -`)'),
];
export const userTagValidator: Validator = stringMatches(
  new RegExp(CONTRACT_PATTERNS.UserTag),
  'must use LVM tag characters only (letters, digits and `_ + . - / = ! : & #`)',
);

export const pvPathValidator: Validator = stringMatches(
  new RegExp(CONTRACT_PATTERNS.PvPath),
  'must be a physical volume\'s device path as LVM names it, e.g. `/dev/vdb`',
);

export const GIB = 1024 ** 3;
