/** A framework-free request/response pair the local server hands to its parts (sandbox, local routes). */
export interface LocalRequest {
  method: string;
  /** Path without the query string, e.g. `/sandbox/x/oauth/authorize`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Raw body text ('' when none). */
  body: string;
}

export interface LocalResponse {
  status: number;
  /** An array sends the header once per value (Set-Cookie). */
  headers?: Record<string, string | string[]>;
  body?: string;
}

export type LocalRoute = (req: LocalRequest) => Promise<LocalResponse | undefined>;
