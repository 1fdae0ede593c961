/**
 * How much harder the attack tests push: 1 in `npm test` (CI, short), SOAK_SCALE (e.g. 20) in
 * `npm run soak` (longer, bounded, local only).
 */
export function soakScale(): number {
  const n = Number(process.env.SOAK_SCALE ?? 1);
  return Number.isFinite(n) && n >= 1 ? Math.min(Math.floor(n), 200) : 1;
}
