/** ISO-8601 week of a UTC instant: `2026-W49`, and the Monday 00:00 UTC that starts it. */
export function isoWeekOf(at: Date): { week: string; start: Date; end: Date } {
  const day = (at.getUTCDay() + 6) % 7; // Monday = 0
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - day));
  const end = new Date(start.getTime() + 7 * 86_400_000);
  // The ISO year is the year of the week's Thursday.
  const thursday = new Date(start.getTime() + 3 * 86_400_000);
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 1));
  firstThursday.setUTCDate(1 + ((4 - firstThursday.getUTCDay() + 7) % 7));
  const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / (7 * 86_400_000));
  return { week: `${year}-W${String(week).padStart(2, '0')}`, start, end };
}
