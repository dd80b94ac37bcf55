/** Quoting for sh and make: a quoted value is exactly itself to sh, and runs nothing. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  dependencyVariable,
  IDENTIFIER_RE,
  isPlainPath,
  makeValue,
  shellWord,
} from "../generator/shell.js";
import { hostileString, runs } from "./arbitraries-hostile.js";
import { runWithStubs } from "./sh.js";

describe("shellWord", () => {
  it("leaves inert words bare and single-quotes the rest", () => {
    expect(shellWord("x86_64-linux-musl")).toBe("x86_64-linux-musl");
    expect(shellWord("/opt/pthbs/store/a.b")).toBe("/opt/pthbs/store/a.b");
    expect(shellWord("")).toBe("''");
    expect(shellWord("a b")).toBe("'a b'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellWord("$(pwn)")).toBe("'$(pwn)'");
    expect(shellWord("a=b")).toBe("'a=b'");
    expect(shellWord("~")).toBe("'~'");
    expect(shellWord("#x")).toBe("'#x'");
  });

  it("the harness notices an injected command and an argument split apart (negative control)", () => {
    const run = runWithStubs("v='a b'\nmake $v $(pwn)\n");
    expect(run.pwned).toBe(true);
    expect(run.calls).toEqual([["make", "a", "b"]]);
  });

  it("gives sh exactly the value, whatever it holds, and runs nothing (hostile strings under /bin/sh)", () => {
    fc.assert(
      fc.property(fc.array(hostileString, { minLength: 1, maxLength: 12 }), (values) => {
        // Each value as the argument of a recording stub, in every position a recipe may use.
        const script = values
          .flatMap((v) => [
            `make ${shellWord(v)}`,
            `make --with=${shellWord(v)} x${shellWord(v)}y`,
            `v=${shellWord(v)}`,
            'make "$v"',
          ])
          .join("\n");
        const run = runWithStubs(`${script}\n`);
        expect(run.stderr).toBe("");
        expect(run.status).toBe(0);
        expect(run.pwned).toBe(false);
        expect(run.calls).toEqual(
          values.flatMap((v) => [
            ["make", v],
            ["make", `--with=${v}`, `x${v}y`],
            ["make", v],
          ]),
        );
      }),
      runs(40),
    );
  });
});

describe("makeValue", () => {
  it("doubles $ and escapes #, and refuses what make cannot hold", () => {
    expect(makeValue("x86_64-linux-musl")).toBe("x86_64-linux-musl");
    expect(makeValue("$(shell pwn)")).toBe("$$(shell pwn)");
    expect(makeValue("a#b")).toBe("a\\#b");
    expect(makeValue("a\nb")).toBeUndefined();
    expect(makeValue("a\\")).toBeUndefined();
  });
});

describe("dependencyVariable", () => {
  it("is an identifier that is neither a contract variable nor an environment-like name", () => {
    expect(dependencyVariable("skalibs")).toBe("skalibs");
    expect(dependencyVariable("s6-linux-init")).toBe("s6_linux_init");
    expect(dependencyVariable("out")).toBe("dep_out");
    expect(dependencyVariable("9p")).toBe("dep_9p");
    expect(dependencyVariable("CC")).toBe("dep_CC");
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,12}$/), (name) => {
        const v = dependencyVariable(name);
        expect(v).toMatch(IDENTIFIER_RE);
        expect(["out", "src", "jobs", "resources"]).not.toContain(v);
        expect(v).not.toBe(v.toUpperCase());
      }),
      runs(200),
    );
  });
});

describe("isPlainPath", () => {
  it("accepts absolute, normalised paths of inert characters only", () => {
    expect(isPlainPath("/opt/pthbs/store")).toBe(true);
    expect(isPlainPath("/usr")).toBe(true);
    for (const bad of [
      "",
      "/",
      "usr",
      "/usr/",
      "/a//b",
      "/a/../b",
      "/a/./b",
      "/a b",
      "/a:b",
      "/$x",
    ])
      expect(isPlainPath(bad), bad).toBe(false);
  });
});
