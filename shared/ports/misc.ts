import type { ConnectionEvent } from '../config/events.js';
import type { QueueKey } from '../config/messaging.js';
import type { SealedTokens } from '../domain/connection.js';

export interface Clock {
  now(): Date;
}

export interface EventBus {
  publish(events: ConnectionEvent[]): Promise<void>;
}

export interface QueueSender {
  /** Sends bodies in batches of at most 10 (SendMessageBatch); throws if any entry failed after retries. */
  sendBatch(queue: QueueKey, bodies: unknown[]): Promise<void>;
}

export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra message headers (e.g. List-Unsubscribe); SES v2 Simple content carries them. */
  headers?: Readonly<Record<string, string>>;
}

export interface Mailer {
  send(email: Email): Promise<void>;
}

/** Envelope encryption of token material; `aad` binds the ciphertext to its owner. */
export interface TokenCipher {
  seal(plaintext: string, aad: string): Promise<SealedTokens>;
  open(sealed: SealedTokens, aad: string): Promise<string>;
}

export interface IdGenerator {
  newId(): string;
}
