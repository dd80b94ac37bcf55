/**
 * `pthbs fuzz`: it passes on the shipped constraints and recipes, and finds a planted fault — a
 * recipe whose script is not valid shell for one option value only — shrunk to that value.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, type Io } from "../cli/io.js";
import { run } from "../cli/program.js";
import { parseEnvironmentFile } from "../solver/environment-file.js";
import { loadUniverse } from "../solver/load.js";
import { solve } from "../solver/solve.js";

const CONSTRAINTS = new URL("../constraints", import.meta.url).pathname;
const RECIPES = new URL("../recipes", import.meta.url).pathname;
const SEED = "20261125";

async function pthbs(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false };
  const code = await run(argv, io, {});
  return { code, stdout, stderr };
}

/** The shipped recipes, with busybox's script broken when (and only when) it is static. */
function plantedRecipes(): string {
  const dir = mkdtempSync(join(tmpdir(), "pthbs-planted-"));
  cpSync(RECIPES, dir, { recursive: true });
  const file = join(dir, "busybox.sh.njk");
  const text = readFileSync(file, "utf8");
  writeFileSync(
    file,
    text.replace("make defconfig\n", "make defconfig\n{% if options.static %}if then\n{% endif %}"),
  );
  return dir;
}

describe("pthbs fuzz", () => {
  it("is listed in --help, documents its options, and refuses bad numbers (exit 2)", async () => {
    expect((await pthbs("--help")).stdout).toMatch(/fuzz \[options\]\s+solve random requests/);
    const help = await pthbs("fuzz", "--help");
    for (const o of ["--runs <n>", "--seed <s>", "--recipes <dir>", "Exit status"])
      expect(help.stdout).toContain(o);
    expect((await pthbs("fuzz", "--runs", "0")).code).toBe(EXIT.usage);
    expect((await pthbs("fuzz", "--seed", "x")).code).toBe(EXIT.usage);
  });

  it("passes on the shipped constraints and recipes", async () => {
    const r = await pthbs(
      "-C",
      CONSTRAINTS,
      "fuzz",
      "--recipes",
      RECIPES,
      "--runs",
      "60",
      "--seed",
      SEED,
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(
      /^60 random requests \(seed 20261125\): \d+ solved, \d+ explained; every invariant held\n$/,
    );
    expect(r.code).toBe(EXIT.ok);
  }, 60_000);

  it("reports a recipe that breaks sh -n for one option value, shrunk to that value", async () => {
    const recipes = plantedRecipes();
    const argv = ["-C", CONSTRAINTS, "fuzz", "--recipes", recipes, "--runs", "200", "--seed", SEED];
    const json = await pthbs("--json", ...argv);
    expect(json.code).toBe(EXIT.failure);
    const { failure, seed } = JSON.parse(json.stdout);
    expect(seed).toBe(Number(SEED));
    expect(failure.violations.length).toBeGreaterThan(0);
    for (const v of failure.violations) {
      expect(v.invariant).toBe("sh-syntax");
      expect(v.message).toMatch(/^busybox@[0-9.]+\+static: /);
    }
    expect(failure.replay).toBe(
      `pthbs fuzz -C ${CONSTRAINTS} --recipes ${recipes} --runs 200 --seed ${SEED}`,
    );
    // The shrunk request replays: it asks for busybox, and busybox comes out static.
    const request = parseEnvironmentFile(failure.request, "failing.toml");
    expect(request.items.length).toBeLessThanOrEqual(2);
    const solved = solve(await loadUniverse(CONSTRAINTS), request);
    if (!solved.satisfiable) throw new Error("the failing request solves");
    expect(solved.solution.packages.find((p) => p.name === "busybox")?.options.get("static")).toBe(
      true,
    );
    // Human output: the invariant, the request and how to replay it.
    const human = await pthbs(...argv);
    expect(human.code).toBe(EXIT.failure);
    expect(human.stdout).toContain("invariant broken");
    expect(human.stdout).toContain("sh-syntax: busybox@");
    expect(human.stdout).toContain(`replay: pthbs fuzz -C ${CONSTRAINTS}`);
  }, 120_000);
});
