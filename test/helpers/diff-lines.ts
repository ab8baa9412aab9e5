/**
 * Reads the RIGHT-side line numbers out of a unified diff hunk by hunk, independently of the
 * app's own diff code, so that a test of comment placement cannot share the app's mistakes.
 */
export function rightSideLines(patch: string): { added: Set<number>; commentable: Set<number> } {
  const added = new Set<number>();
  const commentable = new Set<number>();
  let line = 0;
  for (const text of patch.split("\n")) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) {
      line = Number(hunk[1]);
    } else if (text.startsWith("+")) {
      added.add(line);
      commentable.add(line++);
    } else if (text.startsWith(" ")) {
      commentable.add(line++);
    }
  }
  return { added, commentable };
}
