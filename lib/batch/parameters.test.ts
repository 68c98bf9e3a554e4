import { describe, expect, it } from "vitest";
import { mergeParameters, referencedParameters, substituteParameters } from "./parameters";

describe("substituteParameters", () => {
  const cases: { name: string; command: string[]; params: Record<string, string>; want: string[] }[] = [
    {
      name: "whole arguments, as in AWS's ffmpeg example",
      command: ["ffmpeg", "-i", "Ref::inputfile", "-c", "Ref::codec", "-o", "Ref::outputfile"],
      params: { inputfile: "in.mov", codec: "mp4", outputfile: "out.mp4" },
      want: ["ffmpeg", "-i", "in.mov", "-c", "mp4", "-o", "out.mp4"],
    },
    {
      name: "a placeholder without a value stays literal",
      command: ["echo", "Ref::missing"],
      params: {},
      want: ["echo", "Ref::missing"],
    },
    {
      name: "inside an argument",
      command: ["sh", "-c", "echo Ref::greeting, Ref::who!"],
      params: { greeting: "hello", who: "world" },
      want: ["sh", "-c", "echo hello, world!"],
    },
    {
      name: "the name ends at the first character that cannot be part of it",
      command: ["--in=Ref::file.txt", "Ref::a-Ref::b"],
      params: { file: "data", a: "1", b: "2" },
      want: ["--in=data.txt", "1-2"],
    },
    {
      name: "the longest name is taken, not a prefix of it",
      command: ["Ref::input_file"],
      params: { input: "wrong", input_file: "right" },
      want: ["right"],
    },
    {
      name: "an empty value substitutes an empty string",
      command: ["x", "Ref::empty"],
      params: { empty: "" },
      want: ["x", ""],
    },
    {
      name: "values are not substituted again",
      command: ["Ref::a"],
      params: { a: "Ref::b", b: "no" },
      want: ["Ref::b"],
    },
    {
      name: "dollar signs in values are copied, not treated as replacement patterns",
      command: ["Ref::a"],
      params: { a: "$& $1 $$" },
      want: ["$& $1 $$"],
    },
    {
      name: "inherited object keys are not parameters",
      command: ["Ref::constructor", "Ref::toString"],
      params: {},
      want: ["Ref::constructor", "Ref::toString"],
    },
    {
      name: "case matters",
      command: ["Ref::Name"],
      params: { name: "x" },
      want: ["Ref::Name"],
    },
  ];
  it.each(cases)("$name", ({ command, params, want }) => {
    expect(substituteParameters(command, params)).toEqual(want);
  });
});

describe("mergeParameters", () => {
  it("lets the submission override the definition's defaults", () => {
    expect(mergeParameters({ codec: "mp4", size: "1" }, { codec: "webm", extra: "y" })).toEqual({
      codec: "webm",
      size: "1",
      extra: "y",
    });
    expect(mergeParameters({ a: "1" }, undefined)).toEqual({ a: "1" });
  });
});

describe("referencedParameters", () => {
  it("lists each referenced name once", () => {
    expect(referencedParameters(["Ref::a", "x Ref::b Ref::a", "plain"])).toEqual(["a", "b"]);
  });
});
