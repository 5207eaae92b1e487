// Bearer-token check with a constant-time comparison (of SHA-256 digests, so lengths never leak).
import { createHash, timingSafeEqual } from 'node:crypto';
import { AgentError } from '../errors.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export class TokenChecker {
  private readonly digests: Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map(digest);
  }

  /** Throws 401 unless `authorization` is `Bearer <one of the tokens>`. */
  check(authorization: string | undefined): void {
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(authorization ?? '');
    if (!match) throw new AgentError('unauthorized', 'send Authorization: Bearer <token>');
    const given = digest(match[1]!);
    let ok = false;
    for (const expected of this.digests) ok = timingSafeEqual(given, expected) || ok;
    if (!ok) throw new AgentError('unauthorized', 'the bearer token is not valid');
  }
}
