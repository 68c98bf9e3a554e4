import { isValidElement } from "react";
import { describe, expect, it } from "vitest";
import { BackendProblem } from "@/components/shell/backend-problem";
import { AppError } from "@/lib/errors";
import { backendPage } from "./backend-page";

const failing = (error: unknown) =>
  backendPage(async (_props: Record<string, never>) => {
    throw error;
  });

describe("backendPage", () => {
  it("renders the page when nothing fails", async () => {
    expect(await backendPage(async (p: { n: number }) => `page ${p.n}`)({ n: 3 })).toBe("page 3");
  });

  it("shows an unreachable backend, throttling and a refusal as a message with the backend's words", async () => {
    for (const code of ["BACKEND_UNAVAILABLE", "RATE_LIMITED", "FORBIDDEN"] as const) {
      const error = new AppError(code, `AWS said no (${code})`);
      const out = await failing(error)({});
      expect(isValidElement(out)).toBe(true);
      const element = out as { type: unknown; props: { error: AppError } };
      expect(element.type).toBe(BackendProblem);
      expect(element.props.error).toBe(error);
    }
  });

  it("turns NOT_FOUND into Next's 404 and lets anything else reach the error boundary", async () => {
    const notFound = await failing(new AppError("NOT_FOUND", "Job x was not found."))({}).then(
      () => null,
      (e: { digest?: string }) => e,
    );
    expect(notFound?.digest).toMatch(/404/);
    const bug = new TypeError("a bug of ours");
    await expect(failing(bug)({})).rejects.toBe(bug);
    const invalid = new AppError("INVALID_INPUT", "bad");
    await expect(failing(invalid)({})).rejects.toBe(invalid);
  });
});
