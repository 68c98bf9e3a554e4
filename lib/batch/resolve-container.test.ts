import { describe, expect, it } from "vitest";
import type { ContainerOverrides } from "@/lib/batch/shapes/jobs";
import { DEFAULT_MEMORY_MIB, DEFAULT_VCPUS, resolveContainer } from "./resolve-container";

const req = (type: "VCPU" | "MEMORY" | "GPU", value: string) => ({ type, value });

describe("resolveContainer: resources", () => {
  const cases: {
    name: string;
    props: Record<string, unknown>;
    overrides?: ContainerOverrides;
    want: { vcpus: number; memoryMiB: number; gpus: number };
  }[] = [
    {
      name: "defaults when nothing is named",
      props: {},
      want: { vcpus: DEFAULT_VCPUS, memoryMiB: DEFAULT_MEMORY_MIB, gpus: 0 },
    },
    { name: "legacy definition fields", props: { vcpus: 2, memory: 300 }, want: { vcpus: 2, memoryMiB: 300, gpus: 0 } },
    {
      name: "definition resourceRequirements beat its legacy fields",
      props: {
        vcpus: 2,
        memory: 300,
        resourceRequirements: [req("VCPU", "0.5"), req("MEMORY", "64"), req("GPU", "2")],
      },
      want: { vcpus: 0.5, memoryMiB: 64, gpus: 2 },
    },
    {
      name: "override legacy fields beat the definition",
      props: { resourceRequirements: [req("VCPU", "4"), req("MEMORY", "4096")] },
      overrides: { vcpus: 1, memory: 128 },
      want: { vcpus: 1, memoryMiB: 128, gpus: 0 },
    },
    {
      name: "override resourceRequirements beat override legacy fields",
      props: {},
      overrides: { vcpus: 1, memory: 128, resourceRequirements: [req("VCPU", "3"), req("MEMORY", "256")] },
      want: { vcpus: 3, memoryMiB: 256, gpus: 0 },
    },
    {
      name: "an override of one resource keeps the others",
      props: { resourceRequirements: [req("VCPU", "2"), req("MEMORY", "512"), req("GPU", "1")] },
      overrides: { resourceRequirements: [req("GPU", "0")] },
      want: { vcpus: 2, memoryMiB: 512, gpus: 0 },
    },
  ];
  it.each(cases)("$name", ({ props, overrides, want }) => {
    const c = resolveContainer({ command: ["true"], ...props }, overrides, {});
    expect({ vcpus: c.vcpus, memoryMiB: c.memoryMiB, gpus: c.gpus }).toEqual(want);
  });

  const bad: { name: string; overrides: ContainerOverrides; message: RegExp }[] = [
    { name: "zero vCPU", overrides: { resourceRequirements: [req("VCPU", "0")] }, message: /VCPU/ },
    { name: "non-numeric vCPU", overrides: { resourceRequirements: [req("VCPU", "lots")] }, message: /VCPU/ },
    { name: "memory below 4", overrides: { resourceRequirements: [req("MEMORY", "3")] }, message: /at least 4/ },
    { name: "fractional memory", overrides: { resourceRequirements: [req("MEMORY", "10.5")] }, message: /MEMORY/ },
    { name: "negative GPU", overrides: { resourceRequirements: [req("GPU", "-1")] }, message: /GPU/ },
  ];
  it.each(bad)("refuses $name", ({ overrides, message }) => {
    expect(() => resolveContainer({ command: ["true"] }, overrides, {})).toThrow(message);
  });
});

describe("resolveContainer: command, environment, extra", () => {
  it("substitutes parameters into the override command", () => {
    const c = resolveContainer({ command: ["echo", "Ref::a"] }, { command: ["printf", "Ref::b"] }, { a: "1", b: "2" });
    expect(c.command).toEqual(["printf", "2"]);
  });

  it("leaves the command empty when neither the definition nor the override has one: the image's CMD runs", () => {
    expect(resolveContainer({ image: "busybox" }, undefined, {}).command).toEqual([]);
    expect(resolveContainer({ command: [] }, {}, {}).command).toEqual([]);
  });

  it("merges environment by name, definition order first", () => {
    const c = resolveContainer(
      {
        command: ["true"],
        environment: [
          { name: "A", value: "1" },
          { name: "B", value: "2" },
        ],
      },
      {
        environment: [
          { name: "C", value: "3" },
          { name: "A", value: "override" },
        ],
      },
      {},
    );
    expect(c.environment).toEqual([
      { name: "A", value: "override" },
      { name: "B", value: "2" },
      { name: "C", value: "3" },
    ]);
  });

  it("keeps fields that mean nothing locally, and the override's instanceType", () => {
    const c = resolveContainer(
      { image: "img", command: ["true"], jobRoleArn: "arn:role", volumes: [{ name: "v" }], vcpus: 1 },
      { instanceType: "m5.large" },
      {},
    );
    expect(c.image).toBe("img");
    expect(c.extra).toEqual({ jobRoleArn: "arn:role", volumes: [{ name: "v" }], instanceType: "m5.large" });
  });
});
