// The provider block: where the control agent is and how to talk to it.
import { readFileSync } from 'node:fs';
import { createAgentClient, type AgentClient } from './client/agent-client.js';
import type { ProviderDef } from './framework/resource.js';
import type { SchemaDef } from './framework/schema.js';
import { parseDuration } from './framework/timeouts.js';
import { duration, stringMatches } from './framework/validators.js';
import { str } from './framework/model.js';
import { attachmentResource } from './resources/attachment.js';
import { snapshotResource } from './resources/snapshot.js';
import { volumeResource } from './resources/volume.js';
import { volumeGroupDataSource } from './data-sources/volume-group.js';
import { volumeDataSource } from './data-sources/volume.js';
import { PROVIDER_VERSION } from './version.js';

/** Terraform takes a resource's provider from the first word of its type: `shared_lvm_volume` -> `shared`. */
export const PROVIDER_TYPE_NAME = 'shared';

export const providerSchema: SchemaDef = {
  version: 0,
  description:
    'The shared-lvm provider manages volumes, snapshots and attachments on an LVM volume group that lives on a ' +
    'LUN every host sees (lvmlockd + sanlock), through the shared-lvm control agent.',
  attributes: {
    endpoint: {
      type: 'string',
      optional: true,
      description: 'URL of the control agent, e.g. `http://127.0.0.1:7480`. Falls back to the `SHAREDLVM_ENDPOINT` environment variable.',
      validators: [stringMatches(/^https?:\/\/[^\s/]+/, 'must be an http:// or https:// URL')],
    },
    token: {
      type: 'string',
      optional: true,
      sensitive: true,
      description: 'Bearer token for the agent. Falls back to the `SHAREDLVM_TOKEN` environment variable.',
    },
    ca_bundle: {
      type: 'string',
      optional: true,
      description: 'PEM certificates to trust for an `https://` endpoint, or the path of a file holding them.',
    },
    request_timeout: {
      type: 'string',
      optional: true,
      description: 'Timeout of one HTTP request to the agent, as a duration (default `2m`). Operations as a whole follow the resources\' `timeouts` blocks.',
      validators: [duration],
    },
  },
};

export const providerDef: ProviderDef<AgentClient> = {
  typeName: PROVIDER_TYPE_NAME,
  schema: providerSchema,
  async configure(config, diags) {
    const endpoint = str(config.endpoint) ?? process.env.SHAREDLVM_ENDPOINT ?? null;
    const token = str(config.token) ?? process.env.SHAREDLVM_TOKEN ?? null;
    if (!endpoint) {
      diags.error('Missing agent endpoint', 'Set `endpoint` in the provider block or the SHAREDLVM_ENDPOINT environment variable.', ['endpoint']);
      return null;
    }
    let caBundle = str(config.ca_bundle);
    if (caBundle && !caBundle.includes('-----BEGIN')) {
      try {
        caBundle = readFileSync(caBundle, 'utf8');
      } catch (err) {
        diags.error('Cannot read ca_bundle', `${caBundle}: ${(err as Error).message}`, ['ca_bundle']);
        return null;
      }
    }
    return createAgentClient({
      endpoint,
      token,
      caBundle,
      requestTimeoutMs: parseDuration(str(config.request_timeout) ?? '2m') ?? 120_000,
      userAgent: `terraform-provider-shared-lvm/${PROVIDER_VERSION}`,
    });
  },
  resources: [volumeResource, snapshotResource, attachmentResource],
  dataSources: [volumeGroupDataSource, volumeDataSource],
};
