/**
 * An owner's email preferences for one workspace (contract: History, posts at risk, preferences...).
 * Only emails: dashboard alerts are always raised.
 */
export const EMAIL_PREFERENCE_KEYS = ['connectionExpired', 'postsFailed', 'connectionRestored', 'expiringSoon', 'weeklyDigest'] as const;
export type EmailPreferenceKey = (typeof EMAIL_PREFERENCE_KEYS)[number];

export interface NotificationPreferences {
  email: Record<EmailPreferenceKey, boolean>;
}

/** Every email on until the owner turns it off. */
export function defaultPreferences(): NotificationPreferences {
  return { email: Object.fromEntries(EMAIL_PREFERENCE_KEYS.map((k) => [k, true])) as Record<EmailPreferenceKey, boolean> };
}

/** A stored (maybe older, maybe partial) record read over the defaults: a kind added later is on. */
export function withDefaults(stored: { email?: Partial<Record<string, unknown>> } | undefined): NotificationPreferences {
  const prefs = defaultPreferences();
  for (const k of EMAIL_PREFERENCE_KEYS) {
    const v = stored?.email?.[k];
    if (typeof v === 'boolean') prefs.email[k] = v;
  }
  return prefs;
}

/** A PUT may name only the switches it changes; the others keep their stored value. */
export function mergePreferences(current: NotificationPreferences, change: { email?: Partial<Record<EmailPreferenceKey, boolean>> }): NotificationPreferences {
  return withDefaults({ email: { ...current.email, ...change.email } });
}

/** The dashboard's preferences panel for this workspace: the one-click link every email carries. */
export function preferencesUrlFor(dashboardOrigin: string, workspaceId: string): string {
  return `${dashboardOrigin}/app/?workspace=${encodeURIComponent(workspaceId)}#notifications`;
}
