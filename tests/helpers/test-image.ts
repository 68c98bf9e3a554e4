// The image container tests run: Debian's static busybox on an empty base, built locally (no
// registry is reachable) with a /tmp and an /etc/passwd that knows root and nobody, since jobs
// run with `user`. Built once per definition: the image carries a hash of its Containerfile and
// files as a label, and a definition that changed is built again. Several vitest workers may
// call this at once: one builds under a lock file, the others wait and find the image.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, linkSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findExecutable } from "@/engine/containers/runtime";
import { processAlive } from "@/engine/processes";

export const TEST_IMAGE = "localhost/batchdeck-test:busybox";
export const TEST_IMAGE_LABEL = "batchdeck.test-image";
const LABEL = TEST_IMAGE_LABEL;
const LOCK = join(tmpdir(), "batchdeck-test-image.lock");
const run = promisify(execFile);

const FILES: Record<string, string> = {
  passwd: "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
  group: "root:x:0:\nnogroup:x:65534:\n",
};

function containerfile(hash: string): string {
  return [
    "FROM scratch",
    "COPY busybox /bin/busybox",
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
    "COPY passwd group /etc/",
    "RUN mkdir -p /tmp /root && chmod 1777 /tmp",
    // A job without a command runs this, as AWS runs an image's CMD.
    `CMD ["sh", "-c", "echo the image CMD ran"]`,
    `LABEL ${LABEL}=${hash}`,
    "",
  ].join("\n");
}

export function havePodman(): boolean {
  return findExecutable("podman") !== null;
}

function busyboxPath(): string {
  const path = ["/usr/bin/busybox", "/bin/busybox"].find((p) => existsSync(p));
  if (!path) throw new Error("busybox not found: install busybox-static");
  return path;
}

/** The test image's reference, built first if missing or built from another definition. */
export async function ensureTestImage(): Promise<string> {
  const busybox = readFileSync(busyboxPath());
  const hash = createHash("sha256")
    .update(containerfile(""))
    .update(JSON.stringify(FILES))
    .update(busybox)
    .digest("hex")
    .slice(0, 16);
  if ((await imageLabel()) === hash) return TEST_IMAGE;
  const release = await lock();
  try {
    if ((await imageLabel()) === hash) return TEST_IMAGE;
    await build(hash, busybox);
    return TEST_IMAGE;
  } finally {
    release();
  }
}

async function imageLabel(): Promise<string | null> {
  try {
    const { stdout } = await run("podman", [
      "image",
      "inspect",
      "--format",
      `{{index .Labels "${LABEL}"}}`,
      TEST_IMAGE,
    ]);
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

async function build(hash: string, busybox: Buffer): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), "batchdeck-test-image-"));
  // Built under a tag of its own and tagged when complete, so the image's name never points at
  // a half-built image (a build killed midway leaves only the temporary tag).
  const temporary = `localhost/batchdeck-test:build-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(join(context, "busybox"), busybox, { mode: 0o755 });
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(context, name), text);
    writeFileSync(join(context, "Containerfile"), containerfile(hash));
    await run("podman", [
      "build",
      "--runtime",
      "runc",
      "--network",
      "none",
      "--layers=false",
      "-f",
      join(context, "Containerfile"),
      "-t",
      temporary,
      context,
    ]);
    await run("podman", ["tag", temporary, TEST_IMAGE]);
  } finally {
    await run("podman", ["untag", temporary, temporary]).catch(() => {});
    rmSync(context, { recursive: true, force: true });
  }
}

/**
 * A lock file holding its owner's pid, written whole before it appears (a link of a file of our
 * own), so a reader never sees it empty; a dead owner's lock is taken over.
 */
async function lock(): Promise<() => void> {
  const mine = `${process.pid}\n`;
  const mineFile = `${LOCK}.${process.pid}`;
  writeFileSync(mineFile, mine, { mode: 0o600 });
  const deadline = Date.now() + 120_000;
  try {
    for (;;) {
      try {
        linkSync(mineFile, LOCK);
        return () => {
          try {
            if (readFileSync(LOCK, "utf8") === mine) rmSync(LOCK, { force: true });
          } catch {
            // already gone
          }
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const owner = readPid(LOCK);
      if (owner === null || !processAlive(owner)) {
        rmSync(LOCK, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${LOCK} held by pid ${owner} for two minutes`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    rmSync(mineFile, { force: true });
  }
}

function readPid(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * The names job definitions in tests and end-to-end specs use: "local" and "busybox", which the
 * Docker API resolves to Docker Hub names. Tagged onto the test image when no such image is
 * present, or when the one present is an older build of it (a developer's real busybox is left
 * alone). Returns the test image's reference.
 */
export async function ensureTestImageTags(): Promise<string> {
  const image = await ensureTestImage();
  for (const name of ["docker.io/library/local:latest", "docker.io/library/busybox:latest"]) {
    const label = await run("podman", ["image", "inspect", "--format", `{{index .Labels "${LABEL}"}}`, name]).then(
      ({ stdout }) => stdout.trim(),
      () => null, // not present
    );
    if (label !== null && (label === "" || label === "<no value>")) continue;
    await run("podman", ["tag", image, name]);
  }
  return image;
}
