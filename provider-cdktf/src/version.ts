// The provider's version: `make provider` sets it from a hash of the sources (esbuild define), so a
// rebuild of unchanged sources is byte-identical and a changed provider never reuses a version.
declare const __SHAREDLVM_PROVIDER_VERSION__: string | undefined;

export const PROVIDER_VERSION: string =
  typeof __SHAREDLVM_PROVIDER_VERSION__ === 'string' ? __SHAREDLVM_PROVIDER_VERSION__ : '0.0.0-dev';
