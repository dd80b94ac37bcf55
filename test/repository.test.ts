/**
 * A repository's parts found from `-C`: recipes and sources next to the constraints directory,
 * as a Spack user expects of a repository, with the explicit flags still first.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_RECIPES, repositoryPaths } from "../index.js";
import { pthbs } from "./helpers.js";

const EXAMPLES = resolve(new URL("../examples", import.meta.url).pathname);

describe("repositoryPaths", () => {
  it("takes --recipes, then $PTHBS_RECIPES, then the recipes/ next to the constraints, then ./recipes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pthbs-repo-"));
    const constraints = join(dir, "constraints");
    await mkdir(constraints);
    expect(repositoryPaths(constraints)).toEqual({
      constraints,
      recipes: DEFAULT_RECIPES,
      recipesFrom: "default",
    });
    await mkdir(join(dir, "recipes"));
    await mkdir(join(dir, "sources"));
    expect(repositoryPaths(constraints)).toEqual({
      constraints,
      recipes: join(dir, "recipes"),
      recipesFrom: "beside the constraints",
      sources: join(dir, "sources"),
    });
    const env = { PTHBS_RECIPES: "/env/recipes" };
    expect(repositoryPaths(constraints, undefined, env).recipes).toBe("/env/recipes");
    expect(repositoryPaths(constraints, "/flag/recipes", env)).toMatchObject({
      recipes: "/flag/recipes",
      recipesFrom: "--recipes",
    });
  });

  it("ignores a file named like the directories it looks for", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pthbs-repo-"));
    await writeFile(join(dir, "recipes"), "");
    await writeFile(join(dir, "sources"), "");
    const paths = repositoryPaths(join(dir, "constraints"));
    expect(paths.recipesFrom).toBe("default");
    expect(paths.sources).toBeUndefined();
  });
});

describe("pthbs build -C examples/constraints", () => {
  it("builds the example set offline with no other flag, then builds nothing", async () => {
    const root = await mkdtemp(join(tmpdir(), "pthbs-repo-root-"));
    const args = [
      "build",
      "-C",
      join(EXAMPLES, "constraints"),
      "-f",
      join(EXAMPLES, "environments", "demo.toml"),
      "--root",
      root,
      "--offline",
      "--json",
    ];
    const first = await pthbs(...args);
    expect(first.code, first.stderr).toBe(0);
    const built = JSON.parse(first.stdout).built as string[];
    expect(built.map((id) => id.slice(0, id.indexOf(".")))).toEqual([
      "lang-en",
      "libgreet",
      "hello",
    ]);
    const again = await pthbs(...args);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).built).toEqual([]);
  });

  it("says which recipes directory it looked in when a recipe is missing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pthbs-repo-"));
    const r = await pthbs(
      "generate",
      "-C",
      join(EXAMPLES, "constraints"),
      "--recipes",
      join(dir, "nowhere"),
      "-f",
      join(EXAMPLES, "environments", "demo.toml"),
      "-o",
      join(dir, "out"),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(dir, "nowhere"));
  });
});
