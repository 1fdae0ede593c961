import { describe, expect, it } from 'vitest';
import { PLATFORMS, PLATFORM_LABELS } from '../../../shared/config/platforms.js';
import { IF_RECONNECT_KEEPS_FAILING, PLATFORM_TIPS, expiringGuidance } from '../../../shared/domain/guidance.js';
import { renderConnectionExpiringEmail } from '../../../shared/domain/notifications/index.js';

const base = {
  accountName: 'Acme',
  workspaceName: 'Acme Marketing',
  deadline: '2025-06-01T08:00:00.000Z',
  reconnectUrl: 'https://app.flamel.ai/app/connections/c1/reconnect',
};

describe('renderConnectionExpiringEmail', () => {
  it.each(PLATFORMS)('%s: reconnect before the date, with the tip and the link', (platform) => {
    const label = PLATFORM_LABELS[platform];
    const email = renderConnectionExpiringEmail({ ...base, platform });
    expect(email.subject).toBe(`Reconnect before 2025-06-01: your ${label} account "Acme" will disconnect`);
    expect(email.text).toContain(expiringGuidance(platform, base.deadline));
    expect(email.text).toContain(PLATFORM_TIPS[platform]);
    expect(email.text.split(PLATFORM_TIPS[platform]).length).toBe(2); // once, not twice
    expect(email.text).toContain(`Reconnect ${label}: ${base.reconnectUrl}`);
    expect(email.text).toContain('Log in as the admin first');
    for (const step of IF_RECONNECT_KEEPS_FAILING) expect(email.text).toContain(step);
  });

  it('is an amber warning, not a red alarm', () => {
    const { html } = renderConnectionExpiringEmail({ ...base, platform: 'facebook' });
    expect(html).toContain('color:#b54708'); // amber heading
    expect(html).toContain('background-color:#fffaeb'); // amber box
    expect(html).not.toContain('#b42318'); // the expired email's red
    expect(renderConnectionExpiringEmail({ ...base, platform: 'facebook' }).text).toContain('the account with the amber badge');
  });

  it('LinkedIn: explains the yearly re-consent', () => {
    const { text } = renderConnectionExpiringEmail({ ...base, platform: 'linkedin', cause: 'yearly_consent' });
    expect(text).toContain('LinkedIn asks for your consent again once a year. Click Reconnect before 2025-06-01');
  });

  it('LinkedIn without a partner refresh token: explains the 60-day access, not a yearly consent', () => {
    const { text } = renderConnectionExpiringEmail({ ...base, platform: 'linkedin', cause: 'access_ends' });
    expect(text).toContain('LinkedIn gives Flamel access for 60 days at a time. Click Reconnect before 2025-06-01');
    expect(text).not.toContain('once a year');
  });
});
