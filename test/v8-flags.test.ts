/** The V8 flags every command sets (`cli/v8.ts`), unless Node was started with them. */
import { describe, expect, it } from "vitest";
import { flagsToSet, V8_COLLECTOR_FLAGS, V8_FLAGS } from "../cli/v8.js";

const ALL = `${V8_FLAGS} ${V8_COLLECTOR_FLAGS}`;

describe("cli/v8: the command's V8 flags", () => {
  it("sets every flag when Node was given none", () => {
    expect(flagsToSet(ALL, [], undefined)).toEqual(ALL.split(" "));
    expect(flagsToSet(ALL, ["--enable-source-maps"], "--max-old-space-size=4096")).toEqual(
      ALL.split(" "),
    );
  });

  it("leaves a flag given on the command line or in NODE_OPTIONS, however it is spelled", () => {
    const set = (argv: string[], options?: string) =>
      flagsToSet("--no-turbo-inlining --semi-space-growth-factor=1", argv, options);
    expect(set(["--semi-space-growth-factor=4"])).toEqual(["--no-turbo-inlining"]);
    expect(set([], "--trace-gc  --semi_space_growth_factor=2")).toEqual(["--no-turbo-inlining"]);
    expect(set(["--turbo-inlining"], "--semi-space-growth-factor=2")).toEqual([]);
  });
});
