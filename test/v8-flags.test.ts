/** The V8 flags every command sets (`cli/v8.ts`), unless Node was started with them. */
import { describe, expect, it } from "vitest";
import { flagsToSet, V8_FLAGS } from "../cli/v8.js";

describe("cli/v8: the command's V8 flags", () => {
  it("sets every flag when Node was given none", () => {
    expect(flagsToSet([], undefined)).toEqual(V8_FLAGS.split(" "));
    expect(flagsToSet(["--enable-source-maps"], "--max-old-space-size=4096")).toEqual(
      V8_FLAGS.split(" "),
    );
  });

  it("leaves a flag given on the command line or in NODE_OPTIONS, however it is spelled", () => {
    expect(flagsToSet(["--semi-space-growth-factor=4"])).toEqual(["--no-turbo-inlining"]);
    expect(flagsToSet([], "--trace-gc  --semi_space_growth_factor=2")).toEqual([
      "--no-turbo-inlining",
    ]);
    expect(flagsToSet(["--turbo-inlining"], "--semi-space-growth-factor=2")).toEqual([]);
  });
});
