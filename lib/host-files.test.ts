import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { protectHostFiles } from "./host-files";

const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8);

describe("protectHostFiles", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("makes the data directory traversable only, and Batchdeck's files the owner's alone", () => {
    dir = mkdtempSync(join(tmpdir(), "batchdeck-hostfiles-"));
    const data = join(dir, "data");
    mkdirSync(join(data, "work"), { recursive: true, mode: 0o755 });
    chmodSync(data, 0o755);
    chmodSync(join(data, "work"), 0o777);
    for (const f of ["batchdeck.db", "batchdeck.db-wal", "batchdeck.db-shm", "secret.key", "other"]) {
      writeFileSync(join(data, f), "x", { mode: 0o644 });
    }
    mkdirSync(join(data, "logs"), { mode: 0o755 });
    const outside = join(dir, "elsewhere.db");
    writeFileSync(outside, "x", { mode: 0o664 });
    writeFileSync(`${outside}-wal`, "x", { mode: 0o644 });
    for (const f of [".env", ".env.local", ".env.production.local", "environment.txt"]) {
      writeFileSync(join(dir, f), "x", { mode: 0o644 });
    }
    // The console's build, as `next build` leaves it under the default umask.
    mkdirSync(join(dir, ".next", "server"), { recursive: true, mode: 0o755 });
    chmodSync(join(dir, ".next"), 0o755);
    writeFileSync(join(dir, ".next", "server", "server-reference-manifest.json"), "{}", { mode: 0o644 });
    // A symlink is not followed: its target is not Batchdeck's to change.
    const target = join(dir, "target");
    writeFileSync(target, "x", { mode: 0o644 });
    symlinkSync(target, join(data, "link"));

    const changes = protectHostFiles({ dataDir: data, databaseUrl: `file:${outside}`, configDir: dir });

    expect(mode(data)).toBe("711");
    expect(mode(join(data, "work"))).toBe("711");
    for (const f of ["batchdeck.db", "batchdeck.db-wal", "batchdeck.db-shm", "secret.key", "other"]) {
      expect(mode(join(data, f)), f).toBe("600");
    }
    expect(mode(join(data, "logs"))).toBe("700");
    expect(mode(outside)).toBe("600");
    expect(mode(`${outside}-wal`)).toBe("600");
    for (const f of [".env", ".env.local", ".env.production.local"]) expect(mode(join(dir, f)), f).toBe("600");
    expect(mode(join(dir, "environment.txt"))).toBe("644");
    expect(mode(join(dir, ".next"))).toBe("700");
    expect(mode(target)).toBe("644");
    expect(changes.length).toBe(14);
    // Applied again, nothing is left to change.
    expect(protectHostFiles({ dataDir: data, databaseUrl: `file:${outside}`, configDir: dir })).toEqual([]);
  });

  it("creates a missing data directory with those modes and leaves a PostgreSQL URL alone", () => {
    dir = mkdtempSync(join(tmpdir(), "batchdeck-hostfiles-"));
    const data = join(dir, "new", "data");
    protectHostFiles({ dataDir: data, databaseUrl: "postgresql://u:p@127.0.0.1:5432/db" });
    expect(mode(data)).toBe("711");
  });
});
