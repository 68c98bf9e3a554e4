import { describe, expect, it } from "vitest";
import { registerJobDefinitionInput } from "@/lib/batch/shapes/job-definitions";
import {
  commandToText,
  definitionToForm,
  emptyForm,
  fieldForPath,
  formErrorsFrom,
  formToDefinition,
  parseCommand,
  requestFromDefinition,
} from "./job-definition-form";

const full = {
  jobDefinitionName: "render",
  type: "container",
  parameters: { size: "10", mode: "fast" },
  containerProperties: {
    image: "busybox",
    command: ["sh", "-c", "echo Ref::size"],
    environment: [{ name: "COLOR", value: "blue" }],
    resourceRequirements: [
      { type: "VCPU", value: "2" },
      { type: "MEMORY", value: "4096" },
      { type: "GPU", value: "1" },
    ],
    volumes: [{ name: "scratch" }],
  },
  retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: "137", action: "RETRY" }] },
  timeout: { attemptDurationSeconds: 600 },
  propagateTags: true,
  schedulingPriority: 5,
  tags: { team: "graphics" },
};

describe("job definition form <-> JSON", () => {
  it("reads every field the form shows", () => {
    const form = definitionToForm(full);
    expect(form).toMatchObject({
      jobDefinitionName: "render",
      image: "busybox",
      command: "sh\n-c\necho Ref::size",
      vcpus: "2",
      memory: "4096",
      gpu: "1",
      environment: [{ key: "COLOR", value: "blue" }],
      parameters: [
        { key: "size", value: "10" },
        { key: "mode", value: "fast" },
      ],
      retryAttempts: "3",
      timeoutSeconds: "600",
      tags: [{ key: "team", value: "graphics" }],
    });
  });

  it("round-trips JSON through the form without losing fields it has no control for", () => {
    const { request, errors } = formToDefinition(definitionToForm(full));
    expect(errors).toEqual({});
    expect(request).toEqual(full);
    expect(registerJobDefinitionInput.safeParse(request).success).toBe(true);
  });

  it("writes a form edit into the request", () => {
    const form = definitionToForm(full);
    form.image = "alpine:3";
    form.memory = "8192";
    form.gpu = "";
    form.environment.push({ key: "SIZE", value: "large" });
    form.retryAttempts = "";
    const { request } = formToDefinition(form);
    const container = request.containerProperties as Record<string, unknown>;
    expect(container.image).toBe("alpine:3");
    expect(container.resourceRequirements).toEqual([
      { type: "VCPU", value: "2" },
      { type: "MEMORY", value: "8192" },
    ]);
    expect(container.environment).toEqual([
      { name: "COLOR", value: "blue" },
      { name: "SIZE", value: "large" },
    ]);
    expect(container.volumes).toEqual([{ name: "scratch" }]);
    // The evaluateOnExit rules stay even though attempts was cleared (the server then says
    // attempts is required with them).
    expect(request.retryStrategy).toEqual({ evaluateOnExit: [{ onExitCode: "137", action: "RETRY" }] });
  });

  it("builds a minimal valid request from a new form", () => {
    const form = emptyForm("hello");
    form.image = "busybox";
    form.command = "echo\nhello world";
    const { request } = formToDefinition(form);
    expect(request).toEqual({
      jobDefinitionName: "hello",
      type: "container",
      containerProperties: {
        image: "busybox",
        command: ["echo", "hello world"],
        resourceRequirements: [
          { type: "VCPU", value: "1" },
          { type: "MEMORY", value: "2048" },
        ],
      },
    });
    expect(registerJobDefinitionInput.safeParse(request).success).toBe(true);
  });

  it("keeps a non-numeric number field as text, so the server's message names it", () => {
    const form = emptyForm("x");
    form.image = "busybox";
    form.retryAttempts = "three";
    form.timeoutSeconds = "30";
    const { request } = formToDefinition(form);
    expect(request.retryStrategy).toEqual({ attempts: "three" });
    const parsed = registerJobDefinitionInput.safeParse(request);
    expect(parsed.success).toBe(false);
    const paths = parsed.success ? [] : parsed.error.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["retryStrategy.attempts", "timeout.attemptDurationSeconds"]));
  });

  it("reads the deprecated vcpus and memory fields", () => {
    const form = definitionToForm({
      jobDefinitionName: "old",
      type: "container",
      containerProperties: { image: "x", vcpus: 2, memory: 512 },
    });
    expect([form.vcpus, form.memory]).toEqual(["2", "512"]);
    const container = formToDefinition(form).request.containerProperties as Record<string, unknown>;
    expect(container.vcpus).toBeUndefined();
    expect(container.resourceRequirements).toEqual([
      { type: "VCPU", value: "2" },
      { type: "MEMORY", value: "512" },
    ]);
  });

  it("drops the fields only a description carries", () => {
    const described = {
      ...full,
      jobDefinitionArn: "arn:x",
      revision: 4,
      status: "ACTIVE",
      containerOrchestrationType: "ECS",
    };
    expect(requestFromDefinition(described)).toEqual(full);
  });
});

describe("command text", () => {
  it("reads one argument per line, or a JSON array", () => {
    expect(parseCommand("echo\n  hello  \n\nworld\r\n")).toEqual({ ok: true, command: ["echo", "hello", "world"] });
    expect(parseCommand('["sh", "-c", "echo  two  spaces"]')).toEqual({
      ok: true,
      command: ["sh", "-c", "echo  two  spaces"],
    });
    expect(parseCommand("")).toEqual({ ok: true, command: [] });
  });

  it("explains a bad JSON array", () => {
    expect(parseCommand('["sh", ')).toMatchObject({ ok: false });
    expect(parseCommand("[1, 2]")).toEqual({ ok: false, error: "Command must be a JSON array of strings." });
    const form = emptyForm("x");
    form.command = "[oops";
    expect(formToDefinition(form).errors.command?.[0]).toMatch(/JSON array/);
  });

  it("shows JSON when lines would not read back the same", () => {
    expect(commandToText(["echo", "hi"])).toBe("echo\nhi");
    expect(commandToText(["echo", " padded "])).toBe('["echo"," padded "]');
    expect(commandToText(["printf", ""])).toBe('["printf",""]');
    expect(commandToText(["a\nb"])).toBe('["a\\nb"]');
    for (const cmd of [["echo", " padded "], ["[x]"], ["sh", "-c", "a && b"]]) {
      expect(parseCommand(commandToText(cmd))).toEqual({ ok: true, command: cmd });
    }
  });
});

describe("server errors beside fields", () => {
  const request = formToDefinition(definitionToForm(full)).request;
  it("maps zod paths to form fields", () => {
    expect(fieldForPath("containerProperties.image", request)).toBe("image");
    expect(fieldForPath("containerProperties.resourceRequirements.1.value", request)).toBe("memory");
    expect(fieldForPath("containerProperties.resourceRequirements.2.value", request)).toBe("gpu");
    expect(fieldForPath("containerProperties.environment.0", request)).toBe("environment");
    expect(fieldForPath("retryStrategy.attempts", request)).toBe("retryAttempts");
    expect(fieldForPath("timeout.attemptDurationSeconds", request)).toBe("timeoutSeconds");
    expect(fieldForPath("tags.aws:x", request)).toBe("tags");
    expect(fieldForPath("retryStrategy.evaluateOnExit.0.action", request)).toBe("_");
    expect(fieldForPath("_", request)).toBe("_");
  });

  it("regroups the real schema's errors", () => {
    const form = emptyForm("bad name!");
    form.image = "";
    form.memory = "2";
    const { request: bad } = formToDefinition(form);
    const parsed = registerJobDefinitionInput.safeParse(bad);
    expect(parsed.success).toBe(false);
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      const key = issue.path.length ? issue.path.join(".") : "_";
      fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
    }
    const errors = formErrorsFrom(fieldErrors, bad);
    expect(errors.jobDefinitionName?.[0]).toMatch(/letters, numbers/);
    expect(errors.image?.[0]).toMatch(/image/);
    expect(errors.memory?.[0]).toMatch(/MEMORY value "2"/);
  });
});
