// Which containers the kernel killed for memory. The runtime's own flag (inspect's
// State.OOMKilled) reads false on cgroup v1 hosts such as these machines (conmon watches the wrong
// file), and the container's cgroup, whose counters would tell, is removed with the container
// before the engine can read it. The kernel's log says it for certain, naming the cgroup of the
// task it killed:
//
//   oom-kill:constraint=CONSTRAINT_MEMCG,…,oom_memcg=/…,task_memcg=/…/libpod-<64 hex>,task=sh,pid=…
//
// so the engine reads /dev/kmsg (root; non-blocking, records as they come) and keeps the ids of
// containers named there. Where /dev/kmsg cannot be read, the runtime's flag is all there is.
import { closeSync, constants, openSync, readSync } from "node:fs";

const RECORD_BYTES = 8192;
const CONTAINER_ID = /task_memcg=[^,\s]*?([0-9a-f]{64})/;
/** Ids are forgotten after this long: an attempt asks within moments of its container's end. */
const KEEP_MS = 10 * 60_000;

export class KernelOomWatch {
  private fd: number | null = null;
  private readonly killed = new Map<string, number>();
  private readonly buf = Buffer.alloc(RECORD_BYTES);

  constructor(path = "/dev/kmsg") {
    try {
      this.fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      // What the kernel said before the engine started: containers of a dead engine that were
      // killed for memory while it was down are among them (recovery asks).
      this.read();
    } catch {
      this.fd = null;
    }
  }

  get available(): boolean {
    return this.fd !== null;
  }

  /** Reads every record the kernel has written since the last call. */
  private read(): void {
    if (this.fd === null) return;
    for (let i = 0; i < 100_000; i++) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, RECORD_BYTES, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // EPIPE: records were overwritten before they were read; the next read goes on.
        if (code === "EPIPE") continue;
        return; // EAGAIN: nothing more for now
      }
      if (n <= 0) return;
      const record = this.buf.toString("latin1", 0, n);
      if (!record.includes("oom-kill:")) continue;
      const m = CONTAINER_ID.exec(record);
      if (m) this.killed.set(m[1]!, Date.now());
    }
  }

  /** Whether the kernel killed a process of this container for memory. */
  oomKilled(containerId: string): boolean {
    this.read();
    const now = Date.now();
    for (const [id, at] of this.killed) if (now - at > KEEP_MS) this.killed.delete(id);
    return this.killed.has(containerId);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
