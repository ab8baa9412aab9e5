/**
 * The hidden marker every comment carries, so the next review can tell what it already said.
 * HTML comments are invisible in rendered Markdown and survive edits of the visible text.
 */
const MARKER = /<!-- otp-review:fingerprint=([0-9a-f]+) -->/g;

export function fingerprintMarker(fingerprint: string): string {
  return `<!-- otp-review:fingerprint=${fingerprint} -->`;
}

/** The fingerprints in comment bodies previously posted. */
export function fingerprintsIn(bodies: Iterable<string>): Set<string> {
  const found = new Set<string>();
  for (const body of bodies) for (const match of body.matchAll(MARKER)) found.add(match[1]!);
  return found;
}

const FIXED_MARKER = "<!-- otp-review:fixed -->";

/** True when the comment already says its finding was fixed. */
export function isMarkedFixed(body: string): boolean {
  return body.includes(FIXED_MARKER);
}

/** The comment's body, saying at the top that a later commit fixed it; what it said stays below. */
export function fixedBody(body: string, sha: string): string {
  return `✅ **Fixed** in ${sha.slice(0, 7)}: this finding no longer appears. ${FIXED_MARKER}\n\n---\n\n${body}`;
}
