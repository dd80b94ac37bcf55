import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SpecSyntaxError } from "../solver/errors.js";
import {
  type Configuration,
  type OptionValue,
  parseSpec,
  printSpec,
  type Spec,
  type SpecNaming,
  SpecTable,
  satisfies,
  specEquals,
} from "../solver/spec.js";
import { Version } from "../solver/version.js";
import {
  anonymousSpecArb,
  makeSpec,
  namedSpecArb,
  optionNameArb,
  optionValueArb,
  packageNameArb,
  specArb,
  trickyVersionArb,
} from "../testing/arbitraries.js";
import { syntaxError } from "./helpers.js";

const RUNS = { numRuns: 200 };

/** Asserts `parseSpec(text)` fails at `offset`, with a hint unless `hint` is false. */
function expectSpecError(
  text: string,
  offset: number,
  { naming = "either", hint = true }: { naming?: SpecNaming; hint?: boolean } = {},
): SpecSyntaxError {
  const e = syntaxError(() => parseSpec(text, naming));
  expect(e.input).toBe(text);
  expect(e.offset).toBe(offset);
  if (hint) expect(e.hint).toBeTruthy();
  return e;
}

/** The parts of a spec as plain strings, for comparisons that do not depend on classes. */
function shape(s: Spec) {
  return {
    name: s.name,
    range: s.range?.toString(),
    options: s.options.map((o) => ({ name: o.name, value: o.value })),
  };
}

const config = (
  name: string,
  version: string,
  options: Record<string, OptionValue> = {},
): Configuration => ({
  name,
  version: Version.parse(version),
  options: new Map(Object.entries(options)),
});

describe("parseSpec: syntax forms", () => {
  it("a bare name", () => {
    const s = parseSpec("s6");
    expect(shape(s)).toEqual({ name: "s6", range: undefined, options: [] });
    expect("range" in s).toBe(false);
    expect(printSpec(s)).toBe("s6");
  });

  it("names with dashes, dots, underscores and leading digits", () => {
    for (const n of ["s6-rc", "lib_x.y", "9base", "S6"]) expect(parseSpec(n).name).toBe(n);
  });

  it("name@range, every range form", () => {
    for (const range of ["2.14", "2.13:2.14", "2.13:", ":2.14", ":", "=2.14", "1.0:1.5,2.0:"]) {
      const s = parseSpec(`skalibs@${range}`);
      expect(s.name).toBe("skalibs");
      expect(s.range?.toString()).toBe(range);
      expect(printSpec(s)).toBe(`skalibs@${range}`);
    }
  });

  it("@2.14 matches 2.14 and 2.14.3.0, not 2.140 nor 2.13.9", () => {
    const range = parseSpec("skalibs@2.14").range;
    expect(range?.contains(Version.parse("2.14"))).toBe(true);
    expect(range?.contains(Version.parse("2.14.3.0"))).toBe(true);
    expect(range?.contains(Version.parse("2.140"))).toBe(false);
    expect(range?.contains(Version.parse("2.13.9"))).toBe(false);
  });

  it("@=2.14 excludes 2.14.3.0", () => {
    const range = parseSpec("@=2.14").range;
    expect(range?.contains(Version.parse("2.14"))).toBe(true);
    expect(range?.contains(Version.parse("2.14.3.0"))).toBe(false);
  });

  it("+opt and ~opt", () => {
    expect(shape(parseSpec("+static"))).toEqual({
      name: undefined,
      range: undefined,
      options: [{ name: "static", value: true }],
    });
    expect(parseSpec("~static").options).toEqual([{ name: "static", value: false }]);
    expect(parseSpec("s6 +static").options).toEqual([{ name: "static", value: true }]);
  });

  it("key=value", () => {
    expect(parseSpec("ssl=bearssl").options).toEqual([{ name: "ssl", value: "bearssl" }]);
    expect(parseSpec("ssl=bearssl").name).toBeUndefined();
    expect(parseSpec("s6 ssl=bearssl").options).toEqual([{ name: "ssl", value: "bearssl" }]);
    expect(parseSpec("s6 ver=1.0-x_y").options).toEqual([{ name: "ver", value: "1.0-x_y" }]);
    // a value that reads like a boolean is still a string
    expect(parseSpec("x=true").options).toEqual([{ name: "x", value: "true" }]);
  });

  it("attached forms", () => {
    expect(shape(parseSpec("busybox+static"))).toEqual({
      name: "busybox",
      range: undefined,
      options: [{ name: "static", value: true }],
    });
    expect(shape(parseSpec("s6@2.13~execline"))).toEqual({
      name: "s6",
      range: "2.13",
      options: [{ name: "execline", value: false }],
    });
    expect(shape(parseSpec("s6@2.13:+a~b"))).toEqual({
      name: "s6",
      range: "2.13:",
      options: [
        { name: "a", value: true },
        { name: "b", value: false },
      ],
    });
    expect(specEquals(parseSpec("s6@2.13~execline"), parseSpec("s6 @2.13 ~execline"))).toBe(true);
  });

  it("anonymous specs", () => {
    const s = parseSpec("@2.13: +execline");
    expect(shape(s)).toEqual({
      name: undefined,
      range: "2.13:",
      options: [{ name: "execline", value: true }],
    });
    expect("name" in s).toBe(false);
    expect(printSpec(s)).toBe("@2.13: +execline");
    expect(parseSpec("@2.13:", "anonymous").range?.toString()).toBe("2.13:");
    expect(parseSpec("+static", "anonymous").options).toHaveLength(1);
  });

  it("whitespace around parts is free", () => {
    expect(printSpec(parseSpec("  s6  @1.0   +a\tssl=x  "))).toBe("s6@1.0 +a ssl=x");
  });

  it("options are sorted by name, whatever the order written", () => {
    const s = parseSpec("skalibs@2.14: ssl=bearssl +static ~debug");
    expect(s.options.map((o) => o.name)).toEqual(["debug", "ssl", "static"]);
    expect(printSpec(parseSpec("s6 ~b c=d +a"))).toBe("s6 +a ~b c=d");
    expect(printSpec(parseSpec("z=1 +a"))).toBe("+a z=1");
    // code-unit order: upper case, then "_", then lower case
    expect(printSpec(parseSpec("+b +_x +B"))).toBe("+B +_x +b");
    expect(specEquals(parseSpec("s6 +a ~b"), parseSpec("s6 ~b +a"))).toBe(true);
    expect(specEquals(parseSpec("s6 +a"), parseSpec("s6 ~a"))).toBe(false);
  });

  it("printSpec prints name@range then options", () => {
    expect(printSpec({ name: "s6", options: [] })).toBe("s6");
    expect(printSpec(parseSpec("s6@=2.13.1.0 ~x y=z"))).toBe("s6@=2.13.1.0 ~x y=z");
    expect(printSpec(parseSpec("@:2.14 k=v"))).toBe("@:2.14 k=v");
  });

  it("naming: named, anonymous and either", () => {
    expect(parseSpec("s6@1", "named").name).toBe("s6");
    expect(parseSpec("s6@1", "either").name).toBe("s6");
    expect(parseSpec("@1", "either").name).toBeUndefined();
  });
});

describe("parseSpec: syntax errors", () => {
  it("empty range @", () => {
    expectSpecError("@", 1);
    expectSpecError("s6@", 3);
    expectSpecError("s6@ +a", 3);
  });

  it("errors inside the range point into the whole spec", () => {
    expectSpecError("@1.0,,2.0", 5);
    expectSpecError("@=1.0:2.0", 1);
    expectSpecError("@1:2:3", 4);
    expectSpecError("s6@1..2", 5);
    expectSpecError("s6@.1", 3);
    expectSpecError("s6@1.", 4);
  });

  it("inverted range, but a prefix-inclusive upper end is fine", () => {
    const e = expectSpecError("@2.0:1.0", 1);
    expect(e.hint).toContain("1.0:2.0");
    expectSpecError("s6@2.15:2.14", 3);
    expect(parseSpec("@2.14.1:2.14").range?.toString()).toBe("2.14.1:2.14");
  });

  it("bad character after a version", () => {
    expectSpecError("s6@1.2$", 6);
  });

  it("two ranges", () => {
    expectSpecError("s6@1 @2", 5);
    expectSpecError("s6@1@2", 4);
  });

  it("+ or ~ with no name", () => {
    expectSpecError("+", 1);
    expectSpecError("s6 ~", 4);
    expectSpecError("s6 + static", 4);
  });

  it("option given twice", () => {
    expectSpecError("+a ~a", 4);
    expectSpecError("+a a=b", 3);
    expectSpecError("s6 x=1 x=2", 7);
    expectSpecError("+a +a", 4);
  });

  it("^dep", () => {
    expectSpecError("^dep", 0);
    expectSpecError("s6 ^skalibs", 3);
  });

  it("unexpected character", () => {
    expectSpecError("s6 !x", 3);
    expectSpecError("s6#", 2);
    expectSpecError("s6 -x", 3);
    expectSpecError("+a=b", 2);
  });

  it("a second word", () => {
    const e = expectSpecError("s6 s6-rc", 3);
    expect(e.hint).toContain("+s6-rc");
    expectSpecError("s6@1 extra", 5);
    const first = expectSpecError("+x s6", 3);
    expect(first.hint).toContain("name comes first");
  });

  it("key= with no value", () => {
    expectSpecError("key=", 4);
    expectSpecError("s6 key= x", 7);
  });

  it("empty spec", () => {
    expectSpecError("", 0);
    expectSpecError("   ", 0);
    expectSpecError("", 0, { naming: "anonymous" });
    expectSpecError("", 0, { naming: "named" });
  });

  it("named spec required but absent", () => {
    expectSpecError("@1.0", 0, { naming: "named" });
    expectSpecError("+static", 0, { naming: "named" });
  });

  it("anonymous spec required but named", () => {
    const e = expectSpecError("s6@1", 0, { naming: "anonymous" });
    expect(e.hint).toContain("s6");
  });

  it("bad option name", () => {
    expectSpecError("+1abc", 1);
    expectSpecError("s6 ~a.b", 4);
    expectSpecError("1a=b", 0);
    expectSpecError("s6 x.y=z", 3);
  });

  it("bad package name (no hint given)", () => {
    expectSpecError("_s6", 0, { hint: false });
  });
});

describe("satisfies", () => {
  const s6 = config("s6", "2.13.1.0", { execline: true, ssl: "bearssl" });

  it("matches name, range and options", () => {
    expect(satisfies(s6, parseSpec("s6"))).toBe(true);
    expect(satisfies(s6, parseSpec("s6@2.13:"))).toBe(true);
    expect(satisfies(s6, parseSpec("s6@2.13.1"))).toBe(true);
    expect(satisfies(s6, parseSpec("s6@=2.13.1.0 +execline ssl=bearssl"))).toBe(true);
    expect(satisfies(s6, parseSpec("s6@2.14:"))).toBe(false);
    expect(satisfies(s6, parseSpec("s6@=2.13.1"))).toBe(false);
  });

  it("option values must be equal", () => {
    expect(satisfies(s6, parseSpec("+execline"))).toBe(true);
    expect(satisfies(s6, parseSpec("~execline"))).toBe(false);
    expect(satisfies(s6, parseSpec("ssl=bearssl"))).toBe(true);
    expect(satisfies(s6, parseSpec("ssl=openssl"))).toBe(false);
    // a valued option is not a boolean one
    expect(satisfies(s6, parseSpec("+ssl"))).toBe(false);
    expect(satisfies(config("x", "1", { a: "true" }), parseSpec("+a"))).toBe(false);
  });

  it("an option absent from the configuration does not match, on or off", () => {
    expect(satisfies(s6, parseSpec("+static"))).toBe(false);
    expect(satisfies(s6, parseSpec("~static"))).toBe(false);
    expect(satisfies(s6, parseSpec("s6 +execline +static"))).toBe(false);
  });

  it("a spec with a different name does not match", () => {
    expect(satisfies(s6, parseSpec("s6-rc"))).toBe(false);
    expect(satisfies(s6, parseSpec("S6"))).toBe(false);
    expect(satisfies(s6, parseSpec("skalibs@2.13:"))).toBe(false);
  });

  it("an anonymous spec matches any name", () => {
    expect(satisfies(s6, parseSpec("@2.13: +execline"))).toBe(true);
    expect(satisfies(config("s6-rc", "2.13"), parseSpec("@2.13:"))).toBe(true);
    expect(satisfies(config("anything", "2.12"), parseSpec("@2.13:"))).toBe(false);
  });
});

describe("spec properties", () => {
  it("parseSpec(printSpec(s)) gives back s", () => {
    fc.assert(
      fc.property(specArb, (s) => {
        const printed = printSpec(s);
        const back = parseSpec(printed);
        expect(printSpec(back)).toBe(printed);
        expect(shape(back)).toEqual(shape(s));
        expect(back.name).toBe(s.name);
        expect(back.range?.toString()).toBe(s.range?.toString());
        expect(back.options).toEqual(s.options);
        expect(back).toEqual(s);
        expect(specEquals(back, s)).toBe(true);
      }),
      RUNS,
    );
  });

  it("named and anonymous specs parse under their naming", () => {
    fc.assert(
      fc.property(namedSpecArb, anonymousSpecArb, (named, anonymous) => {
        expect(shape(parseSpec(printSpec(named), "named"))).toEqual(shape(named));
        expect(shape(parseSpec(printSpec(anonymous), "anonymous"))).toEqual(shape(anonymous));
        expect(() => parseSpec(printSpec(named), "anonymous")).toThrow(SpecSyntaxError);
        expect(() => parseSpec(printSpec(anonymous), "named")).toThrow(SpecSyntaxError);
      }),
      RUNS,
    );
  });

  it("the written order of options and attaching booleans do not matter", () => {
    fc.assert(
      fc.property(
        specArb.chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.shuffledSubarray([...s.options], {
              minLength: s.options.length,
              maxLength: s.options.length,
            }),
            fc.boolean(),
          ),
        ),
        ([s, shuffled, attach]) => {
          const head = printSpec(makeSpec(s.name, s.range, []));
          const flags = shuffled.filter((o) => typeof o.value === "boolean");
          const valued = shuffled.filter((o) => typeof o.value !== "boolean");
          const flag = (o: { name: string; value: OptionValue }) =>
            `${o.value ? "+" : "~"}${o.name}`;
          const text = attach
            ? [head + flags.map(flag).join(""), ...valued.map((o) => `${o.name}=${o.value}`)]
                .filter((p) => p !== "")
                .join(" ")
            : [
                head,
                ...shuffled.map((o) =>
                  typeof o.value === "boolean" ? flag(o) : `${o.name}=${o.value}`,
                ),
              ]
                .filter((p) => p !== "")
                .join(" ");
          expect(printSpec(parseSpec(text))).toBe(printSpec(s));
        },
      ),
      RUNS,
    );
  });

  it("a configuration built from a spec satisfies it exactly when its version is in range", () => {
    fc.assert(
      fc.property(
        specArb,
        trickyVersionArb,
        packageNameArb,
        fc.array(fc.tuple(optionNameArb, optionValueArb), { maxLength: 3 }),
        (s, version, otherName, extras) => {
          const options = new Map<string, OptionValue>(extras);
          for (const o of s.options) options.set(o.name, o.value);
          const name = s.name ?? otherName;
          const c: Configuration = { name, version, options };
          const inRange = s.range?.contains(version) ?? true;
          expect(satisfies(c, s)).toBe(inRange);
          // another package name
          if (s.name !== undefined) {
            expect(satisfies({ ...c, name: `${name}-other` }, s)).toBe(false);
          } else {
            expect(satisfies({ ...c, name: `${name}-other` }, s)).toBe(inRange);
          }
          // any option dropped or changed
          for (const o of s.options) {
            const dropped = new Map(options);
            dropped.delete(o.name);
            expect(satisfies({ ...c, options: dropped }, s)).toBe(false);
            const changed = new Map(options);
            changed.set(o.name, typeof o.value === "boolean" ? !o.value : `${o.value}x`);
            expect(satisfies({ ...c, options: changed }, s)).toBe(false);
          }
        },
      ),
      RUNS,
    );
  });

  it("never throws anything but SpecSyntaxError, with an offset inside the text", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[as61.:,=@+~^ $-]{0,10}$/), (text) => {
        try {
          const s = parseSpec(text);
          expect(printSpec(parseSpec(printSpec(s)))).toBe(printSpec(s));
        } catch (e) {
          expect(e).toBeInstanceOf(SpecSyntaxError);
          if (e instanceof SpecSyntaxError) {
            expect(e.input).toBe(text);
            expect(e.offset).toBeGreaterThanOrEqual(0);
            expect(e.offset).toBeLessThanOrEqual(text.length);
          }
        }
      }),
      RUNS,
    );
  });

  it("a spec in printSpec's shape parses as the scanner parses it with a space after", () => {
    // The trailing space sends the text through the general scanner, which skips it.
    const outcome = (text: string, naming: "named" | "anonymous" | "either") => {
      try {
        return { spec: parseSpec(text, naming) };
      } catch (e) {
        return { error: e instanceof SpecSyntaxError ? e.reason : String(e) };
      }
    };
    fc.assert(
      fc.property(
        fc.stringMatching(/^[as6]{0,3}(@[a1.:,=2-]{0,6})?( [+~]?[as_.=6-]{0,4}){0,3}$/),
        fc.constantFrom("named" as const, "anonymous" as const, "either" as const),
        (text, naming) => {
          expect(outcome(text, naming)).toEqual(outcome(`${text} `, naming));
        },
      ),
      RUNS,
    );
  });

  it("an interned spec is the same object for the same text, and its naming is still checked", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            specArb,
            fc.array(fc.constantFrom("named", "anonymous", "either"), {
              minLength: 1,
              maxLength: 3,
            }),
          ),
          { maxLength: 5 },
        ),
        (items) => {
          const table = new SpecTable();
          for (const [s, naming] of items.flatMap(([s, ns]) => ns.map((n) => [s, n] as const))) {
            const text = printSpec(s);
            let direct: Spec | string;
            try {
              direct = parseSpec(text, naming as SpecNaming);
            } catch (e) {
              direct = (e as SpecSyntaxError).reason;
            }
            let interned: Spec | string;
            try {
              interned = table.spec(text, naming as SpecNaming);
              expect(table.spec(text, naming as SpecNaming)).toBe(interned);
            } catch (e) {
              interned = (e as SpecSyntaxError).reason;
            }
            expect(interned).toEqual(direct);
          }
        },
      ),
      RUNS,
    );
  });

  it("a table shares one version object between the ranges and declarations that write it", () => {
    const table = new SpecTable();
    const a = table.spec("skalibs@2.14:2.14.3.0,=2.13", "named");
    const b = table.spec("@2.14.3.0 +static", "anonymous");
    const bounds = (s: Spec) =>
      s.range!.parts.flatMap((p) =>
        p.kind === "interval" ? [p.low, p.high].filter((v) => v !== undefined) : [p.version],
      );
    const [low, high, exact] = bounds(a);
    expect(bounds(b)[0]).toBe(high);
    expect(table.version("2.14")).toBe(low);
    expect(table.version("2.13")).toBe(exact);
    expect(table.version("2.14.0")).not.toBe(low);
    expect(() => table.version("2..14")).toThrow(SpecSyntaxError);
  });
});
