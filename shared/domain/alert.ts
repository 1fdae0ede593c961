export type AlertKind = 'connection_expired' | 'connection_expiring' | 'post_failed' | 'platform_outage';

export interface Alert {
  workspaceId: string;
  alertId: string;
  kind: AlertKind;
  connectionId?: string;
  postId?: string;
  episodeId?: string;
  message: string;
  createdAt: string;
  resolvedAt?: string;
}

/**
 * Alert ids are derived from what they are about, so a redelivered event finds the alert it
 * already made instead of making a second one.
 */
export function alertIdFor(kind: AlertKind, scope: { episodeId?: string; postId?: string; connectionId?: string }): string {
  return [kind, scope.connectionId, scope.episodeId, scope.postId].filter((v) => v !== undefined).join('.');
}
