/**
 * Owner notifications: the emails (expired, expiring, restored) and the dashboard alert messages.
 * Pure domain: text in, text out. The wording reuses ../guidance.ts and ../errors.ts.
 */
export {
  escapeHtml,
  renderEmail,
  renderHtml,
  renderText,
  type Block,
  type EmailTemplate,
  type Inline,
  type RenderedEmail,
  type Span,
  type Tone,
} from './blocks.js';
export { dashboardAlertMessage, POST_EXCERPT_LENGTH, type DashboardAlertInput } from './dashboard.js';
export {
  MAX_LISTED_POSTS,
  renderConnectionExpiredEmail,
  renderConnectionExpiringEmail,
  renderConnectionRestoredEmail,
  renderPostsFailedEmail,
  type PostsFailedEmailInput,
  type ConnectionExpiredEmailInput,
  type ConnectionExpiringEmailInput,
  type ConnectionRestoredEmailInput,
  type FailedPostSummary,
} from './emails.js';
export {
  CONNECTION_EXPIRED_CODE_PREFIX,
  connectionExpiredErrorCode,
  parseConnectionExpiredErrorCode,
} from './error-code.js';
