import { describe, expect, it } from "vitest";
import { changedLinesOfPatch, patchesByPath } from "../../src/diff/patch.js";

const sorted = (lines: ReadonlySet<number>) => [...lines].sort((a, b) => a - b);

describe("changedLinesOfPatch (GitHub's per-file patch)", () => {
  it("reads every hunk of a multi-hunk patch", () => {
    const patch = [
      "@@ -1,5 +1,6 @@",
      " defmodule Shop.Dashboard do",
      "   @moduledoc false",
      "+  alias Shop.Orders",
      " ",
      "   def load(customer) do",
      "     orders = Task.async(fn -> Orders.recent(customer) end)",
      "@@ -20,3 +21,5 @@ defmodule Shop.Dashboard do",
      "   def prices(items) do",
      "-    Enum.map(items, &quote/1)",
      "+    items",
      "+    |> Task.async_stream(&quote/1)",
      "+    |> Enum.map(fn {:ok, p} -> p end)",
      "   end",
    ].join("\n");

    const lines = changedLinesOfPatch(patch);

    expect(sorted(lines.added)).toEqual([3, 22, 23, 24]);
    expect(sorted(lines.commentable)).toEqual([1, 2, 3, 4, 5, 6, 21, 22, 23, 24, 25]);
  });

  it("has no added lines when the change only deletes", () => {
    const patch = "@@ -3,5 +3,3 @@ defmodule Shop.Cluster do\n   def join(group) do\n-    :pg2.create(group)\n-    :pg2.join(group, self())\n     :pg.join(group, self())\n   end";

    const lines = changedLinesOfPatch(patch);

    expect(sorted(lines.added)).toEqual([]);
    expect(sorted(lines.commentable)).toEqual([3, 4, 5]);
  });

  it("takes no line for `\\ No newline at end of file`", () => {
    const patch = "@@ -1,3 +1,4 @@\n defmodule A do\n-  def f, do: 1\n-end\n\\ No newline at end of file\n+  def f, do: 1\n+  def g, do: Task.async(&f/0)\n+end\n\\ No newline at end of file";

    const lines = changedLinesOfPatch(patch);

    expect(sorted(lines.added)).toEqual([2, 3, 4]);
    expect(sorted(lines.commentable)).toEqual([1, 2, 3, 4]);
  });

  it("treats every line of a new file as added", () => {
    const lines = changedLinesOfPatch("@@ -0,0 +1,3 @@\n+defmodule A do\n+  use GenServer\n+end");

    expect(sorted(lines.added)).toEqual([1, 2, 3]);
  });

  it("treats an empty patch (a rename without edits) as changing nothing", () => {
    const lines = changedLinesOfPatch("");

    expect(lines.added.size + lines.commentable.size).toBe(0);
  });

  it("keeps a deleted line that looks like a file header (`--- …`) a deletion", () => {
    const lines = changedLinesOfPatch("@@ -1,2 +1,2 @@\n--- select 1\n+-- select 2\n end");

    expect(sorted(lines.added)).toEqual([1]);
    expect(sorted(lines.commentable)).toEqual([1, 2]);
  });
});

describe("patchesByPath (a whole `git diff`)", () => {
  const diff = [
    "diff --git a/lib/old_name.ex b/lib/new_name.ex",
    "similarity index 90%",
    "rename from lib/old_name.ex",
    "rename to lib/new_name.ex",
    "index 1111111..2222222 100644",
    "--- a/lib/old_name.ex",
    "+++ b/lib/new_name.ex",
    "@@ -1,3 +1,3 @@",
    "-defmodule Old do",
    "+defmodule New do",
    "   def f, do: :ok",
    " end",
    "diff --git a/lib/gone.ex b/lib/gone.ex",
    "deleted file mode 100644",
    "index 3333333..0000000",
    "--- a/lib/gone.ex",
    "+++ /dev/null",
    "@@ -1 +0,0 @@",
    "-defmodule Gone, do: nil",
    "diff --git a/lib/a.ex b/lib/a.ex",
    "index 4444444..5555555 100644",
    "--- a/lib/a.ex",
    "+++ b/lib/a.ex",
    "@@ -1 +1,2 @@",
    " defmodule A, do: nil",
    "+:pg2.join(:g, self())",
    "",
  ].join("\n");

  it("names each file by its new path, follows renames and leaves deleted files out", () => {
    const patches = patchesByPath(diff);

    expect([...patches.keys()]).toEqual(["lib/new_name.ex", "lib/a.ex"]);
    expect(sorted(changedLinesOfPatch(patches.get("lib/new_name.ex")!).added)).toEqual([1]);
    expect(sorted(changedLinesOfPatch(patches.get("lib/a.ex")!).added)).toEqual([2]);
  });
});
