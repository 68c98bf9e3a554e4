import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { MAX_PATTERN_DEPTH, MAX_PATTERN_LENGTH, matchesEventPattern, parseEventPattern } from "./event-pattern";

const matches = (pattern: unknown, event: unknown) =>
  matchesEventPattern(parseEventPattern(JSON.stringify(pattern)), event);

// The example event of the AWS docs on content filtering (and of event-ruler's README).
const ec2Event = {
  version: "0",
  id: "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "012345679012",
  time: "2017-10-02T16:24:49Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  detail: {
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.33",
    "instance-id": "i-000000aaaaaa00000",
    state: "running",
  },
};

describe("matchesEventPattern on the AWS docs' example event", () => {
  const cases: [string, unknown, boolean][] = [
    // exact values, OR within an array, AND across fields
    ["exact source", { source: ["aws.ec2"] }, true],
    ["other source", { source: ["aws.s3"] }, false],
    ["any value of the array", { detail: { state: ["initializing", "running"] } }, true],
    ["every field must match", { source: ["aws.ec2"], detail: { state: ["stopped"] } }, false],
    [
      "fields at several levels",
      { "detail-type": ["EC2 Instance State-change Notification"], detail: { state: ["running"] } },
      true,
    ],
    ["a field the event lacks", { detail: { missing: ["x"] } }, false],
    ["a nested pattern where the event has a string", { source: { inner: ["x"] } }, false],
    ["number equals number", { detail: { "c-count": [5] } }, true],
    ["string does not equal number", { detail: { "c-count": ["5"] } }, false],
    ["number spelled differently", { detail: { "x-limit": [3.018e2] } }, true],
    ["matching is case sensitive", { source: ["AWS.EC2"] }, false],
    // arrays in the event: non-empty intersection
    ["event array contains the value", { resources: ["x", ec2Event.resources[0]] }, true],
    ["event array lacks the value", { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-1"] }, false],
    // prefix / suffix / equals-ignore-case
    ["prefix", { time: [{ prefix: "2017-10-02" }] }, true],
    ["prefix not matching", { time: [{ prefix: "2017-10-03" }] }, false],
    ["prefix only on strings", { detail: { "c-count": [{ prefix: "5" }] } }, false],
    ["prefix ignoring case", { source: [{ prefix: { "equals-ignore-case": "AWS.E" } }] }, true],
    ["suffix", { source: [{ suffix: "ec2" }] }, true],
    ["suffix not matching", { source: [{ suffix: "s3" }] }, false],
    ["suffix ignoring case", { "detail-type": [{ suffix: { "equals-ignore-case": "NOTIFICATION" } }] }, true],
    ["equals-ignore-case", { source: [{ "equals-ignore-case": "AWS.EC2" }] }, true],
    ["equals-ignore-case is not a prefix", { source: [{ "equals-ignore-case": "AWS.EC" }] }, false],
    // anything-but
    ["anything-but a string", { detail: { state: [{ "anything-but": "initializing" }] } }, true],
    ["anything-but the value itself", { detail: { state: [{ "anything-but": "running" }] } }, false],
    ["anything-but a number", { detail: { "x-limit": [{ "anything-but": 123 }] } }, true],
    ["anything-but the number itself", { detail: { "x-limit": [{ "anything-but": 301.8 }] } }, false],
    ["anything-but a list", { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } }, true],
    ["anything-but a list with the value", { detail: { state: [{ "anything-but": ["stopped", "running"] }] } }, false],
    ["anything-but numbers", { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } }, true],
    ["anything-but prefix", { detail: { state: [{ "anything-but": { prefix: "init" } }] } }, true],
    ["anything-but prefix of the value", { detail: { state: [{ "anything-but": { prefix: "run" } }] } }, false],
    ["anything-but suffix", { detail: { state: [{ "anything-but": { suffix: "ing" } }] } }, false],
    [
      "anything-but ignoring case",
      { detail: { state: [{ "anything-but": { "equals-ignore-case": "RUNNING" } }] } },
      false,
    ],
    ["anything-but wildcard", { detail: { state: [{ "anything-but": { wildcard: "stop*" } }] } }, true],
    ["anything-but needs the field", { detail: { absent: [{ "anything-but": "x" }] } }, false],
    // numeric
    ["numeric range", { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }] } }, true],
    ["numeric range, bounds written upper first", { detail: { "c-count": [{ numeric: ["<=", 5, ">", 0] }] } }, true],
    ["numeric exclusive bound", { detail: { "c-count": [{ numeric: [">", 5] }] } }, false],
    ["numeric less than", { detail: { "d-count": [{ numeric: ["<", 10] }] } }, true],
    ["numeric equals", { detail: { "x-limit": [{ numeric: ["=", 3.018e2] }] } }, true],
    ["numeric half-open range", { detail: { "x-limit": [{ numeric: [">=", 301.8, "<", 302] }] } }, true],
    ["numeric only on numbers", { detail: { state: [{ numeric: [">", 0] }] } }, false],
    // exists
    ["exists true", { detail: { "c-count": [{ exists: true }] } }, true],
    ["exists false on a present field", { detail: { "c-count": [{ exists: false }] } }, false],
    ["exists false on a missing field", { detail: { "e-count": [{ exists: false }] } }, true],
    ["exists true on a missing field", { detail: { "e-count": [{ exists: true }] } }, false],
    ["exists false under a missing object", { nothing: { here: [{ exists: false }] } }, true],
    ["exists counts leaves only: true on an object", { detail: [{ exists: true }] }, false],
    ["exists counts leaves only: false on an object", { detail: [{ exists: false }] }, true],
    ["exists false or a value", { detail: { state: [{ exists: false }, "running"] } }, true],
    // cidr
    ["cidr containing the address", { detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } }, true],
    ["cidr /8", { detail: { "source-ip": [{ cidr: "10.0.0.0/8" }] } }, true],
    ["cidr not containing it", { detail: { "source-ip": [{ cidr: "10.0.1.0/24" }] } }, false],
    ["cidr on a non-address", { detail: { state: [{ cidr: "0.0.0.0/0" }] } }, false],
    // wildcard
    ["wildcard", { detail: { "instance-id": [{ wildcard: "i-*0000" }] } }, true],
    ["wildcard in the middle", { "detail-type": [{ wildcard: "EC2*State*Notification" }] }, true],
    ["wildcard not matching", { "detail-type": [{ wildcard: "EC2*Stopped*" }] }, false],
    ["wildcard alone", { source: [{ wildcard: "*" }] }, true],
    // $or
    ["$or, one alternative matches", { $or: [{ source: ["aws.s3"] }, { detail: { state: ["running"] } }] }, true],
    ["$or, none matches", { $or: [{ source: ["aws.s3"] }, { detail: { state: ["stopped"] } }] }, false],
    ["$or with the other fields", { source: ["aws.s3"], $or: [{ region: ["us-east-1"] }, { account: ["x"] }] }, false],
    [
      "$or inside detail",
      { detail: { $or: [{ "c-count": [{ numeric: [">", 10] }] }, { "d-count": [{ numeric: ["<", 5] }] }] } },
      true,
    ],
    [
      "$or nested in $or",
      { $or: [{ source: ["aws.s3"] }, { $or: [{ region: ["eu-west-1"] }, { account: ["012345679012"] }] }] },
      true,
    ],
  ];
  it.each(cases)("%s", (_name, pattern, expected) => {
    expect(matches(pattern, ec2Event)).toBe(expected);
  });
});

describe("matchesEventPattern on nulls, empty strings, booleans and arrays", () => {
  const event = {
    detail: {
      eventVersion: "",
      responseElements: null,
      enabled: true,
      tags: ["blue", "green"],
      sizes: [1, [10, 20]],
      none: [],
      employees: [
        { firstName: "John", lastName: "Doe" },
        { firstName: "Anna", lastName: "Smith" },
        { firstName: "Peter", lastName: "Jones" },
      ],
      path: "src/a*b\\c.ts",
    },
  };
  const cases: [string, unknown, boolean][] = [
    ["empty string", { detail: { eventVersion: [""] } }, true],
    ["null", { detail: { responseElements: [null] } }, true],
    ["null does not match a missing field", { detail: { missing: [null] } }, false],
    ["empty string does not match null", { detail: { responseElements: [""] } }, false],
    ["null does not match an empty string", { detail: { eventVersion: [null] } }, false],
    ["a null field exists", { detail: { responseElements: [{ exists: true }] } }, true],
    ["boolean", { detail: { enabled: [true] } }, true],
    ["boolean is not a string", { detail: { enabled: ["true"] } }, false],
    ["one element of an array", { detail: { tags: ["green"] } }, true],
    ["no element of an array", { detail: { tags: ["red"] } }, false],
    ["prefix on an element", { detail: { tags: [{ prefix: "gr" }] } }, true],
    ["anything-but passes if some element is not excluded", { detail: { tags: [{ "anything-but": "blue" }] } }, true],
    [
      "anything-but fails if every element is excluded",
      { detail: { tags: [{ "anything-but": ["blue", "green"] }] } },
      false,
    ],
    ["numeric over nested arrays", { detail: { sizes: [{ numeric: [">", 15] }] } }, true],
    ["empty array does not exist", { detail: { none: [{ exists: false }] } }, true],
    ["empty array matches no value", { detail: { none: [{ "anything-but": "x" }] } }, false],
    ["objects in an array", { detail: { employees: { firstName: ["Anna"] } } }, true],
    ["fields from one element", { detail: { employees: { firstName: ["Anna"], lastName: ["Smith"] } } }, true],
    [
      "fields from two elements do not match",
      { detail: { employees: { firstName: ["Anna"], lastName: ["Jones"] } } },
      false,
    ],
    ["escaped star and backslash in wildcard", { detail: { path: [{ wildcard: "src/a\\*b\\\\*.ts" }] } }, true],
    ["escaped star is literal", { detail: { path: [{ wildcard: "src/a\\*c*" }] } }, false],
  ];
  it.each(cases)("%s", (_name, pattern, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });

  it("does not read inherited properties of the event", () => {
    expect(matches({ detail: { toString: [{ exists: true }] } }, { detail: {} })).toBe(false);
  });

  it("matches nothing but exists:false against a non-object event", () => {
    expect(matches({ source: ["aws.batch"] }, null)).toBe(false);
    expect(matches({ source: [{ exists: false }] }, "text")).toBe(true);
  });
});

describe("matchesEventPattern on Batch Job State Change events", () => {
  const queueArn = "arn:aws:batch:us-east-1:123456789012:job-queue/HighPriority";
  const event = (status: string, jobQueue = queueArn) => ({
    version: "0",
    id: "c8f9c4b5-76e5-d76a-f980-7011e206042b",
    "detail-type": "Batch Job State Change",
    source: "aws.batch",
    account: "123456789012",
    time: "2027-01-01T09:00:00Z",
    region: "us-east-1",
    resources: ["arn:aws:batch:us-east-1:123456789012:job/4c7599ae-0a82-49aa-ba5a-4727fcce14a8"],
    detail: {
      jobName: "nightly-etl",
      jobId: "4c7599ae-0a82-49aa-ba5a-4727fcce14a8",
      jobQueue,
      status,
      statusReason: "Essential container in task exited",
      attempts: [{ container: { exitCode: 137 } }, { container: { exitCode: 1 } }],
      container: { exitCode: 1, environment: [{ name: "STAGE", value: "prod" }] },
      tags: { team: "data" },
    },
  });
  const failedOnBatch = {
    source: ["aws.batch"],
    "detail-type": ["Batch Job State Change"],
    detail: { status: ["FAILED"], jobQueue: [{ prefix: "arn:aws:batch:" }] },
  };
  const cases: [string, unknown, ReturnType<typeof event>, boolean][] = [
    ["failed job on a Batch queue", failedOnBatch, event("FAILED"), true],
    ["succeeded job", failedOnBatch, event("SUCCEEDED"), false],
    ["queue that is not a Batch ARN", failedOnBatch, event("FAILED", "HighPriority"), false],
    ["terminal states", { detail: { status: ["SUCCEEDED", "FAILED"] } }, event("SUCCEEDED"), true],
    [
      "anything but RUNNING",
      { detail: { status: [{ "anything-but": ["RUNNING", "STARTING"] }] } },
      event("RUNNABLE"),
      true,
    ],
    ["queue by suffix", { detail: { jobQueue: [{ suffix: "/HighPriority" }] } }, event("FAILED"), true],
    ["an attempt killed by OOM", { detail: { attempts: { container: { exitCode: [137] } } } }, event("FAILED"), true],
    [
      "exit code range",
      { detail: { container: { exitCode: [{ numeric: [">", 0, "<", 128] }] } } },
      event("FAILED"),
      true,
    ],
    [
      "environment variable",
      { detail: { container: { environment: { name: ["STAGE"], value: ["prod"] } } } },
      event("FAILED"),
      true,
    ],
    ["tag", { detail: { tags: { team: ["data"] } } }, event("FAILED"), true],
    ["untagged", { detail: { tags: { owner: [{ exists: false }] } } }, event("FAILED"), true],
    [
      "failed, or anything on the prod queue",
      { $or: [{ detail: { status: ["FAILED"] } }, { detail: { jobQueue: [{ wildcard: "*:job-queue/prod-*" }] } }] },
      event("RUNNING"),
      false,
    ],
  ];
  it.each(cases)("%s", (_name, pattern, e, expected) => {
    expect(matches(pattern, e)).toBe(expected);
  });
});

describe("parseEventPattern rejects what EventBridge rejects", () => {
  const deep = (levels: number) => {
    let pattern: unknown = ["x"];
    for (let i = 0; i < levels; i++) pattern = { [`l${i}`]: pattern };
    return JSON.stringify(pattern);
  };
  const cases: [string, string, RegExp][] = [
    ["not JSON", "{source: aws.batch}", /not valid JSON/],
    ["a JSON array", '["aws.batch"]', /must be a JSON object, not an array/],
    ["null", "null", /must be a JSON object, not null/],
    ["a string", '"aws.batch"', /must be a JSON object/],
    ["an empty pattern", "{}", /empty objects are not allowed/],
    ["an empty nested object", '{"detail":{}}', /at detail: empty objects/],
    [
      "a leaf that is not an array",
      '{"source":"aws.batch"}',
      /at source: values must be given in an array, like \["aws.batch"\]/,
    ],
    ["a number leaf", '{"detail":{"count":5}}', /at detail.count: values must be given in an array/],
    ["an empty array", '{"source":[]}', /at source: the array of values must not be empty/],
    ["an array inside a leaf", '{"source":[["aws.batch"]]}', /an array is not a value to match/],
    ["an unknown operator", '{"source":[{"contains":"batch"}]}', /unrecognized operator "contains"/],
    ["two operators in one object", '{"source":[{"prefix":"a","suffix":"b"}]}', /exactly one key/],
    ["an empty operator object", '{"source":[{}]}', /exactly one key/],
    ["prefix of a number", '{"source":[{"prefix":5}]}', /"prefix" takes a string/],
    ["prefix with another option", '{"source":[{"prefix":{"ignore-case":"a"}}]}', /"prefix" takes a string or/],
    [
      "equals-ignore-case of a list",
      '{"source":[{"equals-ignore-case":["a"]}]}',
      /"equals-ignore-case" takes a string/,
    ],
    ["numeric with an unknown operator", '{"n":[{"numeric":["==",1]}]}', /"==" is not one of =, >, >=, <, <=/],
    ["numeric with a dangling operator", '{"n":[{"numeric":[">",1,"<"]}]}', /one or two comparisons/],
    ["numeric with three comparisons", '{"n":[{"numeric":[">",1,"<",5,"<",6]}]}', /one or two comparisons/],
    ["numeric with two lower bounds", '{"n":[{"numeric":[">",1,">=",2]}]}', /one lower bound/],
    ["numeric = in a range", '{"n":[{"numeric":["=",1,"<",2]}]}', /"=" cannot be combined/],
    ["numeric of a string", '{"n":[{"numeric":[">","1"]}]}', /followed by a number/],
    ["numeric out of range", '{"n":[{"numeric":[">",6e9]}]}', /between -5e9 and 5e9/],
    ["numeric empty range", '{"n":[{"numeric":[">",5,"<",1]}]}', /matches no number/],
    ["numeric not an array", '{"n":[{"numeric":5}]}', /one or two comparisons/],
    ["exists of a string", '{"n":[{"exists":"true"}]}', /"exists" takes true or false/],
    ["anything-but a boolean", '{"n":[{"anything-but":true}]}', /"anything-but" takes a string, a number/],
    ["anything-but a mixed list", '{"n":[{"anything-but":["a",1]}]}', /only strings or only numbers/],
    ["anything-but an empty list", '{"n":[{"anything-but":[]}]}', /non-empty list/],
    ["anything-but numeric", '{"n":[{"anything-but":{"numeric":[">",1]}}]}', /"anything-but" takes a string/],
    ["anything-but prefix of a number", '{"n":[{"anything-but":{"prefix":1}}]}', /"prefix" takes a string/],
    ["wildcard with consecutive stars", '{"n":[{"wildcard":"a**b"}]}', /consecutive wildcard/],
    ["wildcard with a bad escape", '{"n":[{"wildcard":"a\\\\b"}]}', /backslash may only escape/],
    ["cidr without a mask", '{"ip":[{"cidr":"10.0.0.1"}]}', /IPv4 block like "10.0.0.0\/24"/],
    ["cidr with a bad octet", '{"ip":[{"cidr":"10.0.0.256/24"}]}', /IPv4 block/],
    ["cidr with a bad mask", '{"ip":[{"cidr":"10.0.0.0/33"}]}', /IPv4 block/],
    ["$or with one alternative", '{"$or":[{"source":["a"]}]}', /at least two pattern objects/],
    ["$or that is an object", '{"$or":{"source":["a"]}}', /at least two pattern objects/],
    ["$or with an empty alternative", '{"$or":[{"source":["a"]},{}]}', /at \$or\[1\]: empty objects/],
    ["a pattern too long", JSON.stringify({ source: ["x".repeat(MAX_PATTERN_LENGTH)] }), /the limit is 4096/],
    ["nesting too deep", deep(MAX_PATTERN_DEPTH + 1), /nest at most 10 objects deep/],
  ];
  it.each(cases)("%s", (_name, json, message) => {
    let error: unknown;
    try {
      parseEventPattern(json);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("INVALID_INPUT");
    expect((error as AppError).message).toMatch(/^Event pattern is not valid/);
    expect((error as AppError).message).toMatch(message);
  });

  it("accepts the deepest nesting allowed and a pattern of exactly the maximum length", () => {
    expect(() => parseEventPattern(deep(MAX_PATTERN_DEPTH))).not.toThrow();
    const padded = JSON.stringify({ source: ["x".repeat(MAX_PATTERN_LENGTH - 15)] });
    expect(padded).toHaveLength(MAX_PATTERN_LENGTH);
    expect(() => parseEventPattern(padded)).not.toThrow();
  });

  it("accepts every operator in one pattern", () => {
    const pattern = {
      a: ["x", 1, true, null],
      b: [
        { prefix: "x" },
        { prefix: { "equals-ignore-case": "X" } },
        { suffix: "x" },
        { suffix: { "equals-ignore-case": "X" } },
      ],
      c: [{ "equals-ignore-case": "x" }, { wildcard: "x*y\\*" }, { cidr: "192.168.0.0/16" }, { exists: true }],
      d: [{ "anything-but": "x" }, { "anything-but": [1, 2] }, { "anything-but": { prefix: "x" } }],
      e: [{ "anything-but": { suffix: "x" } }, { "anything-but": { "equals-ignore-case": ["x", "y"] } }],
      f: [{ "anything-but": { wildcard: ["x*", "*y"] } }, { numeric: [">=", -5e9, "<", 5e9] }, { numeric: ["=", 0] }],
      $or: [{ g: ["x"] }, { h: { i: [{ exists: false }] } }],
    };
    expect(() => parseEventPattern(JSON.stringify(pattern))).not.toThrow();
  });
});
