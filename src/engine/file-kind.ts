/**
 * What kind of code a file holds, by its path. Production code is held to every rule; tests and
 * `.exs` scripts are short-lived processes, so rules about long-lived processes stay quiet there.
 */
export type FileKind = "production" | "test" | "script";

export function fileKind(path: string): FileKind {
  const segments = path.split("/");
  if (segments.includes("test") || path.endsWith("_test.exs")) return "test";
  if (path.endsWith(".exs")) return "script";
  return "production";
}

export function isElixirPath(path: string): boolean {
  return path.endsWith(".ex") || path.endsWith(".exs");
}
