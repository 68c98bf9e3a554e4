import { describe, expect, it } from "vitest";
import { submitJobInput } from "./shapes/jobs";
import {
  emptySubmitForm,
  errorsByField,
  formatCommand,
  formToRequest,
  jsonToForm,
  parseCommand,
  requestJson,
  requestToForm,
  resubmitRequest,
  type SubmitFormState,
} from "./submit-form";

const full: Record<string, unknown> = {
  jobName: "render-frames",
  jobQueue: "high",
  jobDefinition: "render:3",
  arrayProperties: { size: 20 },
  dependsOn: [{ jobId: "abc" }, { jobId: "def", type: "N_TO_N" }],
  parameters: { frames: "1-20", quality: "high" },
  containerOverrides: {
    command: ["sh", "-c", "echo Ref::frames"],
    environment: [{ name: "MODE", value: "fast" }],
    resourceRequirements: [
      { type: "VCPU", value: "2" },
      { type: "MEMORY", value: "4096" },
      { type: "GPU", value: "1" },
    ],
  },
  retryStrategy: {
    attempts: 3,
    evaluateOnExit: [
      { onExitCode: "137", action: "RETRY" },
      { onReason: "*", action: "EXIT" },
    ],
  },
  timeout: { attemptDurationSeconds: 600 },
  shareIdentifier: "teamA",
  schedulingPriorityOverride: 40,
  tags: { project: "film" },
};

describe("submit form ⇄ SubmitJob JSON", () => {
  it("round-trips a request that uses every field the form shows", () => {
    const { form, errors } = requestToForm(full);
    expect(errors).toEqual({});
    expect(form.jobDefinitionName).toBe("render");
    expect(form.jobDefinitionRevision).toBe("3");
    expect(form.command).toBe("sh\n-c\necho Ref::frames");
    expect(form.vcpus).toBe("2");
    const back = formToRequest(form);
    expect(back.errors).toEqual({});
    expect(back.request).toEqual(full);
    // And the result is a valid SubmitJob for the server's schema.
    expect(submitJobInput.safeParse(back.request).success).toBe(true);
  });

  it("round-trips the form through JSON text", () => {
    const form: SubmitFormState = {
      ...emptySubmitForm(),
      jobName: "one",
      jobDefinitionName: "def",
      jobQueue: "q",
      parameters: [{ name: "n", value: "" }],
      environment: [{ name: "A", value: "1" }],
      memory: "512",
      tags: [{ key: "k", value: "v" }],
    };
    const text = requestJson(formToRequest(form).request);
    const parsed = jsonToForm(text);
    expect(parsed.error).toBeUndefined();
    expect(parsed.form).toEqual(form);
  });

  it("keeps fields the form has no input for", () => {
    const raw = { ...full, propagateTags: true, containerOverrides: { instanceType: "m5.large", command: ["true"] } };
    const { form } = requestToForm(raw);
    expect(form.extra).toEqual({ propagateTags: true });
    expect(form.extraOverrides).toEqual({ instanceType: "m5.large" });
    expect(formToRequest(form).request).toEqual(raw);
  });

  it("leaves out empty inputs and blank rows rather than sending empty values", () => {
    const form: SubmitFormState = {
      ...emptySubmitForm(),
      jobName: "x",
      jobDefinitionName: "d",
      jobQueue: "q",
      parameters: [{ name: " ", value: "ignored" }],
      environment: [{ name: "", value: "" }],
      dependsOn: [{ jobId: "", type: "" }],
      tags: [{ key: "", value: "" }],
    };
    expect(formToRequest(form)).toEqual({ request: { jobName: "x", jobDefinition: "d", jobQueue: "q" }, errors: {} });
  });

  it("reports numbers that are not numbers under the request path the server uses", () => {
    const form: SubmitFormState = {
      ...emptySubmitForm(),
      arraySize: "twenty",
      memory: "4G",
      retryAttempts: "1.5",
      timeoutSeconds: "60s",
      schedulingPriorityOverride: "x",
      jobDefinitionName: "d",
      jobDefinitionRevision: "latest",
    };
    const { errors } = formToRequest(form);
    expect(Object.keys(errors).sort()).toEqual([
      "arrayProperties.size",
      "containerOverrides.resourceRequirements.MEMORY",
      "jobDefinition",
      "retryStrategy.attempts",
      "schedulingPriorityOverride",
      "timeout.attemptDurationSeconds",
    ]);
  });

  it("asks for attempts when exit rules are given without them", () => {
    const form = {
      ...emptySubmitForm(),
      evaluateOnExit: [{ onStatusReason: "", onReason: "", onExitCode: "1", action: "EXIT" as const }],
    };
    expect(formToRequest(form).errors["retryStrategy.attempts"]).toEqual([
      "Set the number of attempts to use exit rules.",
    ]);
  });

  it("reads queue and definition ARNs as names and revisions", () => {
    const { form } = requestToForm({
      jobName: "a",
      jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/gpu-queue",
      jobDefinition: "arn:aws:batch:us-east-1:123456789012:job-definition/train-model:12",
    });
    expect([form.jobQueue, form.jobDefinitionName, form.jobDefinitionRevision]).toEqual([
      "gpu-queue",
      "train-model",
      "12",
    ]);
  });

  it("answers JSON that does not parse, or is not an object, with a message", () => {
    expect(jsonToForm("{").error).toMatch(/^Not valid JSON/);
    expect(jsonToForm("[1]").error).toBe("The request must be a JSON object.");
    expect(jsonToForm('{"containerOverrides":{"command":"echo hi"}}').errors).toEqual({
      "containerOverrides.command": ["command must be a list of strings."],
    });
  });

  it("writes a command as lines, or as JSON when lines cannot hold it", () => {
    expect(formatCommand(["echo", "a b"])).toBe("echo\na b");
    for (const command of [
      ["sh", "-c", "echo 1\necho 2"],
      ["printf", ""],
      ["[x]", "y"],
    ]) {
      const text = formatCommand(command);
      expect(text.startsWith("[")).toBe(true);
      expect(parseCommand(text).command).toEqual(command);
    }
    expect(parseCommand("echo\r\nhi\n\n")).toEqual({ command: ["echo", "hi"] });
    expect(parseCommand("[1, 2]").error).toMatch(/JSON array of strings/);
    expect(parseCommand("   ")).toEqual({});
  });

  it("puts server errors beside the field they name", () => {
    expect(
      errorsByField({
        "containerOverrides.environment": ["reserved"],
        "retryStrategy.evaluateOnExit.0.action": ["bad action"],
        "arrayProperties.size": ["too big"],
        jobName: ["bad name"],
      }),
    ).toEqual({
      environment: ["reserved"],
      evaluateOnExit: ["bad action"],
      arraySize: ["too big"],
      jobName: ["bad name"],
    });
    expect(
      errorsByField(undefined, "shareIdentifier is required: job queue q has a fair-share scheduling policy."),
    ).toEqual({
      shareIdentifier: ["shareIdentifier is required: job queue q has a fair-share scheduling policy."],
    });
    expect(errorsByField(undefined, "Job queue arn:x is DISABLED: …")).toEqual({
      jobQueue: ["Job queue arn:x is DISABLED: …"],
    });
    expect(errorsByField(undefined, "Something else")).toEqual({});
  });

  it("builds a resubmission with overrides only where the job differed from its definition", () => {
    const job = {
      jobName: "nightly",
      jobQueue: "arn:aws:batch:us-east-1:1:job-queue/q",
      jobDefinition: "arn:aws:batch:us-east-1:1:job-definition/d:2",
      parameters: { day: "mon" },
      schedulingPriority: 0,
      dependsOn: [{ jobId: "up" }],
      container: {
        command: ["echo", "mon"],
        environment: [
          { name: "A", value: "1" },
          { name: "B", value: "changed" },
        ],
        resourceRequirements: [
          { type: "VCPU", value: "1" },
          { type: "MEMORY", value: "4096" },
        ],
      },
      arrayProperties: { size: 5 },
      tags: {},
    };
    const defaults = {
      command: ["echo", "mon"],
      environment: [
        { name: "A", value: "1" },
        { name: "B", value: "1" },
      ],
      vcpus: "1",
      memory: "512",
    };
    expect(resubmitRequest(job, defaults)).toEqual({
      jobName: "nightly",
      jobQueue: job.jobQueue,
      jobDefinition: job.jobDefinition,
      parameters: { day: "mon" },
      arrayProperties: { size: 5 },
      containerOverrides: {
        environment: [{ name: "B", value: "changed" }],
        resourceRequirements: [{ type: "MEMORY", value: "4096" }],
      },
    });
    expect(resubmitRequest(job, defaults, { keepDependencies: true }).dependsOn).toEqual([{ jobId: "up" }]);
    // Without the definition at hand, the job's own container is repeated in full.
    const bare = resubmitRequest(job);
    expect((bare.containerOverrides as Record<string, unknown>).command).toEqual(["echo", "mon"]);
    expect(submitJobInput.safeParse(bare).success).toBe(true);
  });

  it("asks again for the consumable resources the job required", () => {
    const seats = "arn:aws:batch:us-east-1:123456789012:consumable-resource/seats";
    const request = resubmitRequest({
      jobName: "licensed",
      jobQueue: "q",
      jobDefinition: "d:1",
      consumableResourceProperties: { consumableResourceList: [{ consumableResource: seats, quantity: 2 }] },
    });
    expect(request.consumableResourcePropertiesOverride).toEqual({
      consumableResourceList: [{ consumableResource: seats, quantity: 2 }],
    });
    expect(submitJobInput.safeParse(request).success).toBe(true);
    expect(resubmitRequest({ jobName: "j", jobQueue: "q", jobDefinition: "d:1" })).not.toHaveProperty(
      "consumableResourcePropertiesOverride",
    );
  });
});
