// The agent's configuration, validated once at start-up. File keys use snake_case like the API.
import { z } from 'zod';
import { lvNameProblem, vgNameProblem } from '../lvm/names.js';

const vgName = z.string().refine((value) => vgNameProblem(value) === null, { message: 'not a valid VG name' });
const lvName = z.string().refine((value) => lvNameProblem(value) === null, { message: 'not a valid LV name' });

export const thinPoolConfig = z.strictObject({
  /** LV name of the thin pool in this VG. */
  name: lvName,
  /** Size used when the agent creates the pool on the first thin volume. */
  size_gib: z.number().positive().max(1_048_576).default(1),
  /** Create the pool when it is missing (else thin creates fail with 422). */
  create: z.boolean().default(true),
});

export const volumeGroupConfig = z.strictObject({
  name: vgName,
  thin_pool: thinPoolConfig.optional(),
});

export const hostConfig = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/),
  url: z.url(),
  token: z.string().min(1),
});

export const agentConfig = z.strictObject({
  mode: z.enum(['control', 'host', 'all']).default('control'),
  listen: z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'host:port').default('0.0.0.0:7480'),
  tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
  tokens: z.array(z.string().min(16, 'tokens must be at least 16 characters')).min(1, 'at least one bearer token is required'),
  lock_type: z.enum(['sanlock', 'none']).default('sanlock'),
  volume_groups: z.array(volumeGroupConfig).min(1, 'at least one volume group is required'),
  /** Prefix of every LV the agent creates (`<prefix>vol-<id>`), so several deployments can share a VG. */
  lv_prefix: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$|^$/, 'lower-case letters, digits and - (max 32)').default(''),
  /** How long a cached VG report answers reads before it is re-read. */
  cache_ttl_ms: z.number().int().min(0).max(3_600_000).default(5_000),
  /** `sync`: a create answers from the re-read of the VG (one more lvm call, ~0.5 s in the lab).
   *  `async`: an empty volume's create answers from what lvcreate committed (size rounded to
   *  extents as lvm does, without lv_uuid) and the re-read runs right after in the VG's queue. */
  reread_after_create: z.enum(['sync', 'async']).default('sync'),
  lvm: z.strictObject({
    path: z.string().min(1).default('lvm'),
    timeout_ms: z.number().int().positive().default(120_000),
    /** Extra `--config` for every lvm command. */
    config: z.string().optional(),
  }).default({ path: 'lvm', timeout_ms: 120_000 }),
  /** Limit for data copies (clone, create from a thick snapshot) and wipes. */
  copy_timeout_ms: z.number().int().positive().default(3_600_000),
  body_limit_bytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Host agents the control agent orchestrates (attachments). */
  hosts: z.array(hostConfig).default([]),
  /** This host's name in attachment records (host and all modes); default: the system host name. */
  host_name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/).optional(),
  /** Host mode: lock tools, start-up restore, calls to host agents. */
  host_agent: z.strictObject({
    lvmlockctl_path: z.string().min(1).default('lvmlockctl'),
    sanlock_path: z.string().min(1).default('sanlock'),
    /** Lock-start the VGs and re-activate this host's attachments before listening. */
    restore_on_start: z.boolean().default(true),
    lock_start_timeout_ms: z.number().int().positive().default(300_000),
    /** Timeout of one call from the control agent to a host agent. */
    call_timeout_ms: z.number().int().positive().default(180_000),
  }).default({ lvmlockctl_path: 'lvmlockctl', sanlock_path: 'sanlock', restore_on_start: true, lock_start_timeout_ms: 300_000, call_timeout_ms: 180_000 }),
});

export type AgentConfig = z.infer<typeof agentConfig>;
export type AgentConfigInput = z.input<typeof agentConfig>;
export type VolumeGroupConfig = z.infer<typeof volumeGroupConfig>;
