// The agent's one error model: every failure becomes an AgentError with a stable code and an HTTP
// status; problem.ts turns it into an RFC 9457 problem body (http/problem.ts sends it), and the
// provider turns that into a diagnostic.

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden_in_mode'
  | 'not_found'
  | 'already_exists'
  | 'idempotency_conflict'
  | 'name_taken'
  | 'has_snapshots'
  | 'has_attachments'
  | 'shrink_not_supported'
  | 'locked_by_other_host'
  | 'lock_conflict'
  | 'in_use'
  | 'insufficient_space'
  | 'metadata_full'
  | 'lock_unavailable'
  | 'not_applicable'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'lvm_timeout'
  | 'lvm_failed'
  | 'internal'
  // attachments and host mode
  | 'not_multiattach'
  | 'multi_attached'
  | 'shared_activation_refused'
  | 'thin_pool_busy'
  | 'migration_in_progress'
  | 'host_unreachable';

/** Status and title per code: the single table the API, the docs and the tests rely on. */
export const ERROR_CODES: Record<ErrorCode, { status: number; title: string }> = {
  bad_request: { status: 400, title: 'Invalid request' },
  unauthorized: { status: 401, title: 'Missing or invalid bearer token' },
  forbidden_in_mode: { status: 403, title: 'Operation not allowed in this agent mode' },
  not_found: { status: 404, title: 'Not found' },
  already_exists: { status: 409, title: 'Already exists' },
  idempotency_conflict: { status: 409, title: 'Id or idempotency key already used with other parameters' },
  name_taken: { status: 409, title: 'Name already taken in this volume group' },
  has_snapshots: { status: 409, title: 'Volume has snapshots' },
  has_attachments: { status: 409, title: 'Volume is attached' },
  shrink_not_supported: { status: 409, title: 'Volumes can only grow' },
  locked_by_other_host: { status: 409, title: 'LV locked by other host' },
  lock_conflict: { status: 409, title: 'LV lock held in an incompatible mode' },
  in_use: { status: 409, title: 'LV in use' },
  insufficient_space: { status: 507, title: 'Insufficient free space in the volume group' },
  metadata_full: { status: 507, title: 'Volume group metadata area is full' },
  lock_unavailable: { status: 503, title: 'VG lock unavailable (lvmlockd/sanlock)' },
  not_applicable: { status: 422, title: 'Not applicable to this object' },
  body_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  lvm_timeout: { status: 504, title: 'LVM command timed out' },
  lvm_failed: { status: 500, title: 'LVM command failed' },
  internal: { status: 500, title: 'Internal error' },
  not_multiattach: { status: 409, title: 'Volume is attached and not multiattach' },
  multi_attached: { status: 409, title: 'Volume is attached to several hosts (shared locks)' },
  shared_activation_refused: { status: 409, title: 'Shared activation is not safe for this LV' },
  thin_pool_busy: { status: 409, title: 'Thin pool is active on another host' },
  migration_in_progress: { status: 409, title: 'A migration of this volume is in progress' },
  host_unreachable: { status: 502, title: 'Host agent unreachable or failing' },
};

export interface InputError {
  /** JSON pointer into the request: /body/size_gib, /query/vg, /path/id, /header/idempotency-key. */
  pointer: string;
  message: string;
}

export interface LvmFailure {
  exit_code: number | null;
  stderr: string;
  command: string[];
}

export class AgentError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly errors?: InputError[];
  readonly lvm?: LvmFailure;
  /** name_taken: the id of the object that has the name. */
  readonly existingId?: string;

  constructor(
    code: ErrorCode,
    detail: string,
    extra: { errors?: InputError[]; lvm?: LvmFailure; cause?: unknown; existingId?: string } = {},
  ) {
    super(detail, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'AgentError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.title = ERROR_CODES[code].title;
    if (extra.errors) this.errors = extra.errors;
    if (extra.lvm) this.lvm = extra.lvm;
    if (extra.existingId) this.existingId = extra.existingId;
  }
}

export const notFound = (what: string) => new AgentError('not_found', `${what} not found`);
export const badRequest = (detail: string, errors?: InputError[]) => new AgentError('bad_request', detail, errors ? { errors } : {});
