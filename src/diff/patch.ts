import parseDiff from "parse-diff";

/** The lines of a file's new version that a pull request touched, by 1-based line number. */
export interface ChangedLines {
  /** Lines the change added (or rewrote). */
  added: ReadonlySet<number>;
  /** Lines a review comment can anchor to on the RIGHT side: added lines and the context around them. */
  commentable: ReadonlySet<number>;
}

/**
 * Reads the `patch` of one file as `pulls.listFiles` returns it: hunks without file headers.
 * `\ No newline at end of file` markers and deleted lines take no place in the new version.
 */
export function changedLinesOfPatch(patch: string): ChangedLines {
  const [file] = parseDiff(patch);
  return changedLinesOfChunks(file?.chunks ?? []);
}

/**
 * Splits a whole `git diff` into the unified diff of each file, by the file's new path, as
 * `pulls.listFiles` gives a pull request's `patch` per file. Deleted files are left out.
 */
export function patchesByPath(diff: string): Map<string, string> {
  const patches = new Map<string, string>();
  for (const part of diff.split(/^(?=diff --git )/m)) {
    const [file] = parseDiff(part);
    if (!file || file.deleted || !file.to || file.to === "/dev/null") continue;
    patches.set(file.to, part);
  }
  return patches;
}

function changedLinesOfChunks(chunks: parseDiff.Chunk[]): ChangedLines {
  const added = new Set<number>();
  const commentable = new Set<number>();
  for (const chunk of chunks) {
    for (const change of chunk.changes) {
      if (change.type === "add") {
        added.add(change.ln);
        commentable.add(change.ln);
      } else if (change.type === "normal") {
        commentable.add(change.ln2);
      }
    }
  }
  return { added, commentable };
}
