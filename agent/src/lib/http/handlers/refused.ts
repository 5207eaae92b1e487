// Handlers of a group that this agent's mode does not serve: each answers 403 forbidden_in_mode and
// says where to send the request.
import type { AgentConfig } from '../../config/schema.js';
import { AgentError } from '../../errors.js';
import type { ApiOperationId, Handler, Handlers } from './types.js';

export function refusedHandlers<K extends ApiOperationId>(
  operations: readonly K[],
  mode: AgentConfig['mode'],
  what: string,
): Handlers<K> {
  const refuse: Handler<K> = async () => {
    throw new AgentError('forbidden_in_mode', `this agent runs in ${mode} mode, which does not serve ${what}`);
  };
  return Object.fromEntries(operations.map((operation) => [operation, refuse])) as unknown as Handlers<K>;
}
