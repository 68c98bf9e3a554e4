import { describe, expect, it } from "vitest";
import { summarizeDefinition } from "./job-definition-summary";

describe("summarizeDefinition", () => {
  it("reads containerProperties", () => {
    expect(
      summarizeDefinition({
        containerProperties: {
          image: "busybox",
          command: ["echo", "hi"],
          resourceRequirements: [
            { type: "VCPU", value: "2" },
            { type: "MEMORY", value: "512" },
          ],
        },
      }),
    ).toEqual({
      kind: "container",
      image: "busybox",
      command: ["echo", "hi"],
      vcpus: "2",
      memoryMiB: "512",
      gpus: null,
    });
  });

  it("finds the container of ECS, EKS and multi-node definitions (AWS)", () => {
    const ecs = summarizeDefinition({
      ecsProperties: { taskProperties: [{ containers: [{ image: "app:1", command: ["run"] }] }] },
    });
    expect([ecs.kind, ecs.image, ecs.command]).toEqual(["ECS", "app:1", ["run"]]);
    const eks = summarizeDefinition({
      eksProperties: {
        podProperties: {
          containers: [{ image: "pod:2", resources: { limits: { cpu: "4", "nvidia.com/gpu": "1" } } }],
        },
      },
    });
    expect([eks.kind, eks.image, eks.vcpus, eks.gpus]).toEqual(["EKS", "pod:2", "4", "1"]);
    const mnp = summarizeDefinition({
      type: "multinode",
      nodeProperties: { numNodes: 2, nodeRangeProperties: [{ targetNodes: "0:", container: { image: "mpi:3" } }] },
    });
    expect([mnp.kind, mnp.image]).toEqual(["multi-node", "mpi:3"]);
  });

  it("says nothing rather than failing on a revision without a container", () => {
    expect(summarizeDefinition({ jobDefinitionName: "odd" })).toEqual({
      kind: null,
      image: null,
      command: [],
      vcpus: null,
      memoryMiB: null,
      gpus: null,
    });
    expect(summarizeDefinition(null).image).toBeNull();
  });
});
