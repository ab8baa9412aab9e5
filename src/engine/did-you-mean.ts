import { closest, distance } from "fastest-levenshtein";

/** ` Did you mean \`x\`?` when a known name is close to the unknown one; empty otherwise. */
export function didYouMean(unknown: string, known: Iterable<string>): string {
  const candidates = [...known];
  if (candidates.length === 0) return "";
  const best = closest(unknown, candidates);
  return distance(unknown, best) <= Math.max(2, Math.floor(best.length / 3)) ? ` Did you mean \`${best}\`?` : "";
}
