/** PKCE lives in the domain (the connect use case makes the pair); re-exported for the adapters' callers. */
export { newPkcePair as createPkcePair, s256Challenge, type PkcePair } from '../../domain/oauth-secrets.js';
