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

/** A finding accepted for one pull request: who accepted it (a person with write access) and why. */
export interface Acceptance {
  fingerprint: string;
  by: string;
  reason: string;
}

const ACCEPTED_MARKER = /<!-- otp-review:accepted fingerprint=([0-9a-f]+) by=(\S+) reason=(\S*) -->/g;

/** The hidden record of an acceptance, carried by the app's reply in the finding's thread. */
export function acceptedMarker({ fingerprint, by, reason }: Acceptance): string {
  return `<!-- otp-review:accepted fingerprint=${fingerprint} by=${encodeURIComponent(by)} reason=${encodeURIComponent(reason)} -->`;
}

/**
 * The acceptances recorded in comment bodies. Only the app's own comments may be passed in: the
 * marker is plain text anyone could paste, and the app writes one only after asking GitHub that
 * the person may accept the finding.
 */
export function acceptancesIn(bodies: Iterable<string>): Map<string, Acceptance> {
  const found = new Map<string, Acceptance>();
  for (const body of bodies) {
    for (const match of body.matchAll(ACCEPTED_MARKER)) found.set(match[1]!, { fingerprint: match[1]!, by: decodeURIComponent(match[2]!), reason: decodeURIComponent(match[3]!) });
  }
  return found;
}
