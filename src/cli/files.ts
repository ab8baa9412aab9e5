import { stat } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import { glob } from "tinyglobby";
import { isElixirPath } from "../engine/file-kind.js";

/** Folders of build output and third-party code: not the project's own source. */
const IGNORED = ["**/_build/**", "**/deps/**", "**/node_modules/**", "**/.git/**", "**/.elixir_ls/**", "**/cover/**"];

export class UsageError extends Error {}

/**
 * The `.ex`/`.exs` files named or found below the given paths (resolved from `cwd`), relative to
 * `root`, sorted. A file named outright that is not Elixir is a usage error: a CI step pointed at
 * the wrong thing must not pass for having found nothing.
 */
export async function elixirFilesUnder(paths: readonly string[], cwd: string, root = cwd): Promise<string[]> {
  const found = new Set<string>();
  for (const path of paths.length > 0 ? paths : ["."]) {
    const absolute = resolve(cwd, path);
    const info = await stat(absolute).catch(() => null);
    if (!info) throw new UsageError(`no such file or directory: ${path}`);
    if (info.isFile()) {
      if (!isElixirPath(absolute)) throw new UsageError(`not an Elixir file (.ex, .exs): ${path}`);
      found.add(toPosix(relative(root, absolute)));
      continue;
    }
    const files = await glob(["**/*.{ex,exs}"], { cwd: absolute, ignore: IGNORED, absolute: true });
    for (const file of files) found.add(toPosix(relative(root, file)));
  }
  return [...found].sort();
}

function toPosix(path: string): string {
  return path.split(sep).join("/");
}
