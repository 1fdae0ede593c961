import { describe, expect, it } from 'vitest';
import { connectionEventDetailSchema } from '../../../shared/config/events.js';
import { expiringEpisodeId } from '../../../shared/domain/episode.js';

describe("a warning's episode (connection.expiring, and the restore that closes it)", () => {
  it('is one episode per connection and deadline, and fits the event contract', () => {
    // Prepare
    const deadline = '2027-05-31T12:00:00.000Z';
    // Act
    const scanSays = expiringEpisodeId('3f2c9a1e-0b7d-4c55-9a57-0e1f2a3b4c5d', deadline);
    const restoreSays = expiringEpisodeId('3f2c9a1e-0b7d-4c55-9a57-0e1f2a3b4c5d', deadline);
    const nextYear = expiringEpisodeId('3f2c9a1e-0b7d-4c55-9a57-0e1f2a3b4c5d', '2028-05-30T12:00:00.000Z');
    // Assess
    expect(restoreSays).toBe(scanSays);
    expect(nextYear).not.toBe(scanSays);
    const detail = { workspaceId: 'w', connectionId: 'c', platform: 'linkedin', occurredAt: deadline, episodeId: scanSays };
    expect(connectionEventDetailSchema.safeParse(detail).success).toBe(true);
  });
});
