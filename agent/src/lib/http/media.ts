// Request bodies are JSON: what counts as "a body" and as "JSON" for the media type rule (a request
// that carries a body of any other content type is a 415, whether or not the operation takes a body).
import type { Request } from 'express';

/** The content types the JSON body parser reads (http/app.ts). */
export const JSON_TYPES = ['application/json', 'application/*+json'];

/** The request carries a body: a Content-Length above 0 or a chunked (Transfer-Encoding) body. */
export function carriesBody(request: Request): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  return Number(request.headers['content-length'] ?? 0) > 0;
}

/** The request's body is declared JSON (a missing Content-Type is not JSON). */
export function isJsonBody(request: Request): boolean {
  return Boolean(request.is(JSON_TYPES));
}
