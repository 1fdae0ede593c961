import type { Actor } from '../domain/access.js';
import { mergePreferences, type EmailPreferenceKey, type NotificationPreferences } from '../domain/preferences.js';
import type { Deps } from './deps.js';

/** The caller's own email preferences for the workspace (every email on until turned off). */
export async function getNotificationPreferences(deps: Pick<Deps, 'store'>, actor: Actor, workspaceId: string): Promise<NotificationPreferences> {
  return deps.store.owners.getPreferences(workspaceId, actor.userId);
}

/** A full or partial change: switches not named keep their stored value. Answers what is stored. */
export async function updateNotificationPreferences(
  deps: Pick<Deps, 'store'>,
  actor: Actor,
  workspaceId: string,
  change: { email?: Partial<Record<EmailPreferenceKey, boolean>> },
): Promise<NotificationPreferences> {
  const next = mergePreferences(await deps.store.owners.getPreferences(workspaceId, actor.userId), change);
  await deps.store.owners.putPreferences(workspaceId, actor.userId, next);
  return next;
}
