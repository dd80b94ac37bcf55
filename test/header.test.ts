/** Script headers: the executor reads back exactly what the generator wrote, on single lines. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScriptHeaderError } from "../generator/errors.js";
import {
  formatScriptHeader,
  parseScriptHeader,
  SCRIPT_FORMAT,
  type ScriptHeader,
  type ScriptSource,
} from "../generator/header.js";
import type { DependencyType } from "../solver/universe.js";
import { hostileString, runs } from "./arbitraries-hostile.js";

const name = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,10}$/);
const optionName = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,10}$/);
const text = fc.oneof(hostileString, fc.string({ unit: "grapheme", maxLength: 12 }));
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const source: fc.Arbitrary<ScriptSource> = fc.oneof(
  fc.record({ kind: fc.constant("url" as const), url: text, sha256: hex(64), filename: text }),
  fc.record({ kind: fc.constant("git" as const), url: text, commit: hex(40) }),
);
const types = fc
  .subarray(["build", "link", "run"] as DependencyType[], { minLength: 1 })
  .map((t) => t as DependencyType[]);

const header: fc.Arbitrary<ScriptHeader> = fc.record({
  format: fc.constant(SCRIPT_FORMAT),
  name,
  version: text,
  recipe: name,
  options: fc
    .uniqueArray(fc.tuple(optionName, fc.oneof(fc.boolean(), text)), {
      selector: (o) => o[0],
      maxLength: 5,
    })
    .map((entries) => new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))),
  source,
  resources: fc.array(source, { maxLength: 3 }),
  depends: fc
    .uniqueArray(
      fc.record(
        {
          name,
          types,
          path: text,
          external: fc.record({
            version: text,
            options: fc
              .uniqueArray(fc.tuple(optionName, fc.oneof(fc.boolean(), text)), {
                selector: (o) => o[0],
                maxLength: 2,
              })
              .map((e) => new Map(e.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))),
          }),
          virtuals: fc.uniqueArray(name, { maxLength: 3 }).map((v) => v.sort()),
        },
        { requiredKeys: ["name", "types", "path", "virtuals"] },
      ),
      { selector: (d) => d.name, maxLength: 4 },
    )
    .map((d) => d.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))),
});

describe("script header", () => {
  it("round-trips: parse(format(h)) is h, for any values (property)", () => {
    fc.assert(
      fc.property(header, (h) => {
        const script = `#!/bin/sh\n${formatScriptHeader(h)}\nset -eu\n`;
        expect(parseScriptHeader(script)).toEqual(h);
      }),
      runs(300),
    );
  });

  it("is printable ASCII, one line per field, every line a comment", () => {
    fc.assert(
      fc.property(header, (h) => {
        const lines = formatScriptHeader(h).split("\n").slice(0, -1);
        for (const line of lines) {
          expect(line).toMatch(/^#@pthbs [\x20-\x7e]*$/);
        }
        expect(lines.length).toBe(5 + h.options.size + h.resources.length + h.depends.length);
      }),
      runs(300),
    );
  });

  it("writes the documented lines", () => {
    const h: ScriptHeader = {
      format: 1,
      name: "s6",
      version: "2.13.1.0",
      recipe: "skarnet",
      options: new Map<string, boolean | string>([
        ["execline", true],
        ["ssl", "none"],
      ]),
      source: {
        kind: "url",
        url: "https://skarnet.org/software/s6/s6-2.13.1.0.tar.gz",
        sha256: "b".repeat(64),
        filename: "s6-2.13.1.0.tar.gz",
      },
      resources: [],
      depends: [
        {
          name: "gnu-make",
          types: ["build"],
          path: "/usr",
          external: { version: "4.3", options: new Map([["load", true]]) },
          virtuals: [],
        },
        {
          name: "musl",
          types: ["build", "link"],
          path: "/opt/pthbs/store/musl.x",
          virtuals: ["libc"],
        },
      ],
    };
    expect(formatScriptHeader(h)).toBe(
      [
        "#@pthbs format 1",
        "#@pthbs name s6",
        "#@pthbs version 2.13.1.0",
        "#@pthbs recipe skarnet",
        "#@pthbs option execline true",
        '#@pthbs option ssl "none"',
        `#@pthbs source url https://skarnet.org/software/s6/s6-2.13.1.0.tar.gz sha256 ${"b".repeat(64)} file s6-2.13.1.0.tar.gz`,
        "#@pthbs depends gnu-make build /usr external 4.3 option load true",
        "#@pthbs depends musl build,link /opt/pthbs/store/musl.x for libc",
        "",
      ].join("\n"),
    );
    expect(formatScriptHeader({ ...h, version: "1.0\n$(pwn)" })).toContain(
      '#@pthbs version "1.0\\n$(pwn)"\n',
    );
  });

  it("refuses names that are not names (they are always bare tokens)", () => {
    const h = {
      format: 1,
      name: "a b",
      version: "1",
      recipe: "r",
      options: new Map(),
      source: { kind: "git", url: "u", commit: "c".repeat(40) },
      resources: [],
      depends: [],
    } as const;
    expect(() => formatScriptHeader(h)).toThrow(/is not a valid name/);
  });

  it("reports malformed headers with their line", () => {
    const bad = (script: string, line: number, message: RegExp) => {
      try {
        parseScriptHeader(script);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ScriptHeaderError);
        expect((e as ScriptHeaderError).line).toBe(line);
        expect((e as Error).message).toMatch(message);
      }
    };
    bad("#!/bin/bash\n", 1, /starts with #!\/bin\/sh/);
    bad("#!/bin/sh\n#@pthbs format 2\n", 2, /format 1/);
    bad("#!/bin/sh\n#@pthbs format 1\n#@pthbs name a\n#@pthbs name b\n", 4, /appears twice/);
    bad("#!/bin/sh\n#@pthbs format 1\n#@pthbs colour blue\n", 3, /unknown header field/);
    bad('#!/bin/sh\n#@pthbs format 1\n#@pthbs version "1.0\n', 3, /unterminated string/);
    bad("#!/bin/sh\n#@pthbs format 1\n#@pthbs option x maybe\n", 3, /true, false or a string/);
    bad(
      "#!/bin/sh\n#@pthbs format 1\n#@pthbs name a\n#@pthbs version 1\n#@pthbs recipe r\nset -eu\n",
      6,
      /no "#@pthbs source"/,
    );
    bad("#!/bin/sh\n#@pthbs format 1\n#@pthbs depends a build\n", 3, /NAME TYPES PATH/);
    bad("#!/bin/sh\n#@pthbs format 1\n#@pthbs depends a compile /x\n", 3, /build, link and run/);
  });
});
