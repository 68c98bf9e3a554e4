// The registry must list every AWS operation the domain modules export: a new exported
// function named after an AWS Batch operation (e.g. `updateJobQueue` → UpdateJobQueue) without
// an entry, or with an entry pointing elsewhere, fails here.
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { can } from "@/lib/auth/permissions";
import { builtinBackend } from "@/lib/backends/builtin";
import {
  API_OPERATIONS,
  AWS_BATCH_OPERATIONS,
  AWS_INPUTS,
  DOMAIN_OPERATIONS,
  findOperation,
  TAG_OPERATIONS,
} from "./operations";

const root = fileURLToPath(new URL("../..", import.meta.url));
const DOMAIN_DIRS = ["lib/resources", "lib/jobs", "lib/access-keys"];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
const AWS = new Set<string>(AWS_BATCH_OPERATIONS);

describe("the /v1 operation registry", () => {
  it("has an entry for every exported domain function named after an AWS Batch operation", async () => {
    const found: string[] = [];
    for (const file of DOMAIN_DIRS.flatMap(sourceFiles)) {
      const mod = (await import(/* @vite-ignore */ join(root, file))) as Record<string, unknown>;
      for (const [exportName, value] of Object.entries(mod)) {
        const operation = pascal(exportName);
        if (typeof value !== "function" || !AWS.has(operation)) continue;
        found.push(operation);
        expect(API_OPERATIONS[operation], `${relative(root, join(root, file))} exports ${exportName}`).toBeDefined();
        expect(DOMAIN_OPERATIONS[operation]?.run, `${operation} runs ${exportName}`).toBe(value);
        // /v1 runs the organization's backend method of that name, which on the built-in
        // backend is this very function.
        expect(API_OPERATIONS[operation]?.backendMethod, operation).toBe(exportName);
        expect(builtinBackend[API_OPERATIONS[operation]?.backendMethod ?? "submitJob"], operation).toBe(value);
      }
    }
    // Guard against the scan silently finding nothing.
    expect(found).toEqual(
      expect.arrayContaining(["CreateComputeEnvironment", "SubmitJob", "CancelJobs", "TagResource"]),
    );
  });

  it("names every entry after its key and after a real AWS Batch operation", () => {
    for (const [key, operation] of Object.entries(API_OPERATIONS)) {
      expect(operation.name).toBe(key);
      expect(AWS.has(key), key).toBe(true);
    }
  });

  it("runs every /v1 operation through the organization's backend, never a domain function directly", () => {
    expect(Object.keys(API_OPERATIONS).sort()).toEqual(Object.keys(DOMAIN_OPERATIONS).sort());
    for (const [key, operation] of Object.entries(API_OPERATIONS)) {
      expect(operation.run, key).not.toBe(DOMAIN_OPERATIONS[key]?.run);
      expect(typeof builtinBackend[operation.backendMethod], key).toBe("function");
      expect(operation.permission, key).toBe(DOMAIN_OPERATIONS[key]?.permission);
      // AWS's lenient schema where AWS accepts more than the built-in engine runs.
      expect(operation.input, key).toBe(AWS_INPUTS[key] ?? DOMAIN_OPERATIONS[key]?.input);
    }
  });

  it("lets every role see and submit, and only admins create environments", () => {
    for (const name of ["DescribeJobs", "ListJobs", "DescribeJobQueues", "SubmitJob", "CancelJob"]) {
      const permission = API_OPERATIONS[name]?.permission;
      if (!permission) throw new Error(`${name} missing`);
      expect(can("submitter", permission), name).toBe(true);
    }
    const create = API_OPERATIONS.CreateComputeEnvironment?.permission;
    if (!create) throw new Error("CreateComputeEnvironment missing");
    expect(can("developer", create)).toBe(false);
  });

  it.each([
    ["submitjob", "served"],
    ["SubmitJob", "served"],
    ["getjobqueuesnapshot", "served"],
    ["createconsumableresource", "served"],
    ["createquotashare", "served"],
    ["submitservicejob", "served"],
    ["tagresource", "unknown"],
    ["nosuchoperation", "unknown"],
  ])("findOperation(%s) is %s", (segment, kind) => {
    expect(findOperation(segment).kind).toBe(kind);
  });

  it("serves every AWS Batch operation, those the built-in engine does not run included", () => {
    expect(AWS_BATCH_OPERATIONS.filter((name) => !API_OPERATIONS[name])).toEqual([]);
  });

  it("serves the tag operations through the registry", () => {
    for (const name of TAG_OPERATIONS) expect(API_OPERATIONS[name]?.name).toBe(name);
  });
});
