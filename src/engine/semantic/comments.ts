import { parentOf } from "../parents.js";
import { compileQuery, type SyntaxNode } from "../parser.js";
import type { FileModel } from "./file-model.js";

/**
 * The comments of a file by line, collected once: what reviewers already wrote. A comment right
 * above a deliberate choice documents it; another tool's waiver (Credo, Sobelow) for the same
 * hazard says a reviewer already decided.
 */

/** Another tool's checks that flag the same hazard as a rule. */
export interface Waivers {
  /** Credo check names: `Credo.Check.Warning.UnsafeToAtom`. */
  credo?: readonly string[];
  /** Sobelow finding types: `DOS.StringToAtom` (a category, `DOS`, waives all of its types). */
  sobelow?: readonly string[];
}

/** Generated comments that name no reason: `mix new`'s "See … for other strategies". */
const BOILERPLATE = /for other strategies|supported options|hexdocs\.pm\/elixir\/Supervisor\.html/i;
const DIRECTIVE = /^#\s*(otp-review:|credo:|sobelow_skip)/;
const CREDO = /^#\s*credo:(disable-for-next-line|disable-for-this-file|disable-for-previous-line|disable-for-lines:(-?\d+))(?:\s+(\S+))?/;
const SOBELOW = /^#\s*sobelow_skip\s*\[([^\]]*)\]/;

interface CredoWaiver {
  check: string | undefined;
  firstRow: number;
  lastRow: number;
}

export class Comments {
  /** Comment text by 0-based row. */
  private readonly byRow = new Map<number, { text: string; trailing: boolean }>();
  private readonly credo: CredoWaiver[] = [];
  private readonly sobelow: Array<{ types: string[]; row: number }> = [];

  constructor(
    root: SyntaxNode,
    source: string,
    private readonly model: FileModel,
  ) {
    if (!source.includes("#")) return;
    const lines = source.split("\n");
    for (const { node } of compileQuery("(comment) @comment").captures(root)) {
      const row = node.startPosition.row;
      const text = node.text.trim();
      const trailing = (lines[row] ?? "").slice(0, node.startPosition.column).trim() !== "";
      this.byRow.set(row, { text, trailing });
      this.collectWaiver(text, row, lines.length);
    }
  }

  /**
   * True when a reason is written at the node: a comment (not a directive or boilerplate) on the
   * lines right above the statement holding it, or at the end of the node's line; or, with
   * `about`, a comment above the function holding the node that matches it.
   */
  isExplained(node: SyntaxNode, about?: RegExp): boolean {
    const row = node.startPosition.row;
    if (this.isReason(this.byRow.get(row)?.text)) return true;
    if ([row, statementRow(node)].some((start) => this.reasonAbove(start))) return true;
    return about !== undefined && this.functionRows(node).some((start) => this.reasonAbove(start, about));
  }

  /** True when a comment about `subject` sits beside the node or above its function: the author weighed exactly this. */
  mentions(node: SyntaxNode, subject: RegExp): boolean {
    const row = node.startPosition.row;
    if (this.isReason(this.byRow.get(row)?.text, subject)) return true;
    return [row, statementRow(node), ...this.functionRows(node)].some((start) => this.reasonAbove(start, subject));
  }

  /** A reason in the block of comments that ends right above `row`. */
  private reasonAbove(row: number, about?: RegExp): boolean {
    for (let above = row - 1; this.byRow.has(above) && !this.byRow.get(above)!.trailing; above--) {
      if (this.isReason(this.byRow.get(above)!.text, about)) return true;
    }
    return false;
  }

  /**
   * The first rows of the function around a node and of its first clause: a comment above a
   * function speaks for all its clauses, when it is about the subject asked.
   */
  private functionRows(node: SyntaxNode): number[] {
    const clause = this.model.clauseAt(node);
    if (!clause) return [];
    const first = clause.module?.functions.get(clause.name)?.[0] ?? clause;
    return [clause.node.startPosition.row, first.node.startPosition.row];
  }

  /** True when Credo or Sobelow was told to skip this hazard here. */
  isWaived(node: SyntaxNode, waivers: Waivers): boolean {
    const row = node.startPosition.row;
    const credo = waivers.credo ?? [];
    if (this.credo.some((w) => row >= w.firstRow && row <= w.lastRow && (w.check === undefined || credo.includes(w.check)) && credo.length > 0)) return true;
    const sobelow = waivers.sobelow ?? [];
    if (sobelow.length === 0) return false;
    const clause = this.model.clauseAt(node);
    const clauseRow = clause?.node.startPosition.row;
    return this.sobelow.some((skip) => {
      const covers = clauseRow !== undefined && this.nextCodeRow(skip.row) === clauseRow;
      return covers && skip.types.some((type) => sobelow.some((wanted) => wanted === type || wanted.startsWith(`${type}.`)));
    });
  }

  private isReason(text: string | undefined, about?: RegExp): boolean {
    if (!text || DIRECTIVE.test(text) || BOILERPLATE.test(text) || (about && !about.test(text))) return false;
    return (text.match(/[A-Za-z]{2,}/g) ?? []).length >= 3;
  }

  /** The first row after `row` that is not a comment. */
  private nextCodeRow(row: number): number {
    let next = row + 1;
    while (this.byRow.has(next) && !this.byRow.get(next)!.trailing) next++;
    return next;
  }

  private collectWaiver(text: string, row: number, rows: number): void {
    const credo = CREDO.exec(text);
    if (credo) {
      const [, kind, count, check] = credo;
      const span = count === undefined ? undefined : Number(count);
      const [firstRow, lastRow] =
        kind === "disable-for-this-file"
          ? [0, rows]
          : kind === "disable-for-previous-line"
            ? [row - 1, row - 1]
            : span !== undefined
              ? span >= 0
                ? [row + 1, row + span]
                : [row + span, row - 1]
              : [row + 1, row + 1];
      this.credo.push({ check, firstRow, lastRow });
    }
    const sobelow = SOBELOW.exec(text);
    if (sobelow) this.sobelow.push({ types: [...sobelow[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!), row });
  }
}

/** The first row of the statement holding the node: the expression directly inside a block or body. */
const STATEMENT_HOLDERS = new Set(["do_block", "body", "source", "stab_clause", "else_block", "after_block", "rescue_block", "catch_block"]);

function statementRow(node: SyntaxNode): number {
  let statement = node;
  for (let parent = parentOf(statement); parent && !STATEMENT_HOLDERS.has(parent.type); parent = parentOf(statement)) {
    statement = parent;
  }
  return statement.startPosition.row;
}
