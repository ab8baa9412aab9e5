import type { FileKind } from "../file-kind.js";
import type { SyntaxNode } from "../parser.js";
import { CodeKinds, type CodeKind } from "./code-kind.js";
import { Comments } from "./comments.js";
import { FileModel } from "./file-model.js";
import { Provenance } from "./provenance.js";

/**
 * Everything the engine knows about one file beyond its syntax, each part built on first use
 * and then shared by every rule: structure, code kinds, comments, provenance of values.
 */
export class Semantics {
  private structure?: FileModel;
  private kinds?: CodeKinds;
  private notes?: Comments;
  private origins?: Provenance;
  private readonly facts = new WeakMap<object, Map<string, unknown>>();

  constructor(
    private readonly root: SyntaxNode,
    private readonly source: string,
    private readonly path: string,
    private readonly fileKind: FileKind,
  ) {}

  get model(): FileModel {
    return (this.structure ??= new FileModel(this.root));
  }

  get comments(): Comments {
    return (this.notes ??= new Comments(this.root, this.source, this.model));
  }

  get provenance(): Provenance {
    return (this.origins ??= new Provenance(this.model));
  }

  /** The kind of code at a node (production, request handling, test support, a Mix task…). */
  kindAt(node: SyntaxNode): CodeKind {
    return (this.kinds ??= new CodeKinds(this.model, this.fileKind, this.path)).kindAt(node);
  }

  isRunTime(node: SyntaxNode): boolean {
    return this.model.isRunTime(node);
  }

  /**
   * A fact about `owner` (a module, a clause) computed once per file, whichever match asks: a
   * rule that asks a whole-module question per match would otherwise cost matches × module size.
   */
  once<T>(owner: object, fact: string, compute: () => T): T {
    let facts = this.facts.get(owner);
    if (!facts) this.facts.set(owner, (facts = new Map()));
    if (!facts.has(fact)) facts.set(fact, compute());
    return facts.get(fact) as T;
  }
}
