import type { ExpiringCause } from '../connection.js';
import type { ExpiryReason } from '../../config/events.js';
import { PLATFORM_LABELS, type Platform } from '../../config/platforms.js';
import type { AlertKind } from '../alert.js';
import { describeReason, expiringGuidance, guidanceFor } from '../guidance.js';
import { platformStatusMessage } from '../platform-status.js';
import { excerpt, formatDay, quoted, singleLine } from './format.js';

/**
 * The one-line message of a dashboard alert (the `message` of `GET /workspaces/{ws}/alerts`).
 * Plain text, one line: the dashboard escapes it when it shows it.
 */
export type DashboardAlertInput =
  | {
      kind: 'connection_expired';
      platform: Platform;
      accountName: string;
      reason?: ExpiryReason;
      /** The code to quote to support (`connectionExpiredErrorCode`); appended when given. */
      errorCode?: string;
    }
  | { kind: 'connection_expiring'; platform: Platform; accountName: string; deadline: string; cause?: ExpiringCause }
  /** A post that failed because its connection is down (it waits for the reconnect). */
  | { kind: 'post_failed'; platform: Platform; postText: string; accountName?: string }
  | { kind: 'platform_outage'; platform: Platform };

// Every alert kind has a message (a new AlertKind without one fails to compile here).
type MissingKinds = Exclude<AlertKind, DashboardAlertInput['kind']>;
const _everyKindCovered: MissingKinds extends never ? true : never = true;

export const POST_EXCERPT_LENGTH = 60;

export function dashboardAlertMessage(input: DashboardAlertInput): string {
  const label = PLATFORM_LABELS[input.platform];
  switch (input.kind) {
    case 'connection_expired': {
      const code = input.errorCode === undefined ? '' : ` Error code: ${singleLine(input.errorCode)}`;
      return singleLine(
        `${label} account ${quoted(input.accountName)} is disconnected because ${describeReason(input.reason)}. ${guidanceFor(input.platform, input.reason)}${code}`,
      );
    }
    case 'connection_expiring':
      return singleLine(
        `${label} account ${quoted(input.accountName)} will disconnect on ${formatDay(input.deadline)}. ${expiringGuidance(input.platform, input.deadline, input.cause)}`,
      );
    case 'post_failed': {
      const where = input.accountName === undefined ? label : `${label} account ${quoted(input.accountName)}`;
      return singleLine(
        `Post "${excerpt(input.postText, POST_EXCERPT_LENGTH)}" to ${where} could not publish; it will retry automatically once ${label} is reconnected.`,
      );
    }
    case 'platform_outage':
      return platformStatusMessage(input.platform, 'outage');
  }
}
