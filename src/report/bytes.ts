/**
 * Cuts text to at most `maxBytes` UTF-8 bytes, on a character boundary, ending with `note`
 * when anything was cut. GitHub's check run limits count like UTF-8 bytes, not characters.
 */
export function truncateBytes(text: string, maxBytes: number, note: (omittedBytes: number) => string): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return text;
  const tail = `\n\n${note(bytes.length - maxBytes)}`;
  let end = Math.max(0, maxBytes - Buffer.byteLength(tail));
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // not inside a multi-byte character
  return bytes.subarray(0, end).toString("utf8") + tail;
}
