import type { SyntaxNode, Tree } from "./parser.js";

/**
 * A node's parent, found from the root by byte offsets, and remembered.
 *
 * tree-sitter's own `node.parent` searches down from the root every time, scanning the children of
 * each level on the way: asking it for a node inside a module of a thousand functions scans a
 * thousand siblings, so rules that walk up from every match cost matches × module size. Here each
 * node's children are listed once, with their offsets, and the way down is a binary search per level.
 */
export function parentOf(node: SyntaxNode | null | undefined): SyntaxNode | null {
  if (!node) return null;
  let index = indexes.get(node.tree);
  if (!index) {
    index = new ParentIndex(node.tree.rootNode);
    indexes.set(node.tree, index);
  }
  return index.parentOf(node);
}

const indexes = new WeakMap<Tree, ParentIndex>();

interface Children {
  nodes: SyntaxNode[];
  starts: number[];
  ends: number[];
}

class ParentIndex {
  private readonly parents = new Map<number, SyntaxNode | null>();
  private readonly children = new Map<number, Children>();

  constructor(private readonly root: SyntaxNode) {
    this.parents.set(root.id, null);
  }

  parentOf(node: SyntaxNode): SyntaxNode | null {
    const known = this.parents.get(node.id);
    if (known !== undefined) return known;
    const [start, end] = [node.startIndex, node.endIndex];
    for (let current = this.root; ;) {
      const next = this.childContaining(current, start, end, node.id);
      // Not reachable by offsets (a zero-width node among equals): ask tree-sitter.
      if (!next) return node.parent;
      if (next.id === node.id) return current;
      current = next;
    }
  }

  /** The child of `parent` that is the node, or else the one that holds its byte range; every child's parent is remembered on the way. */
  private childContaining(parent: SyntaxNode, start: number, end: number, id: number): SyntaxNode | undefined {
    let listed = this.children.get(parent.id);
    if (!listed) {
      const nodes = parent.children;
      listed = { nodes, starts: nodes.map((n) => n.startIndex), ends: nodes.map((n) => n.endIndex) };
      this.children.set(parent.id, listed);
      for (const child of nodes) this.parents.set(child.id, parent);
    }
    const { nodes, starts, ends } = listed;
    // The last child starting at or before `start`; zero-width and same-range siblings sit just before it.
    let low = 0;
    let high = nodes.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (starts[mid]! <= start) low = mid + 1;
      else high = mid - 1;
    }
    let holder: SyntaxNode | undefined;
    for (let i = high; i >= 0 && ends[i]! >= start; i--) {
      if (nodes[i]!.id === id) return nodes[i];
      if (starts[i]! <= start && end <= ends[i]! && !holder) holder = nodes[i];
    }
    return holder;
  }
}
