import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "pino";
import type { ReviewJob } from "./review-queue.js";

/**
 * The jobs an in-process queue holds, written down so that a process killed mid-review (a
 * crash, `kill -9`, an OOM kill) does not leave their check runs open: the next start takes them
 * up again and completes the runs they opened. A small JSON file, rewritten whole (through a
 * rename, so a kill mid-write leaves the previous version) on every change; it holds only the
 * jobs waiting or running, a handful at a time.
 */
export class Journal {
  readonly #jobs = new Map<string, ReviewJob>();
  /** The write in flight (or the last one): writes happen one after another, in order. */
  #writes: Promise<void> = Promise.resolve();
  /** The next write, not started yet: every change until it starts rides on it, so a burst of deliveries costs two writes, not one each. */
  #next: Promise<void> | null = null;

  constructor(
    readonly path: string,
    private readonly log: Logger,
  ) {}

  /** The jobs a previous process left unfinished. An unreadable journal is logged and treated as empty: it must not stop the server. */
  async load(): Promise<ReviewJob[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        this.log.error({ path: this.path, reason: (error as Error).message }, "the review journal could not be read; unfinished reviews of the last run are not resumed");
      return [];
    }
    try {
      const jobs = JSON.parse(text) as unknown;
      if (!Array.isArray(jobs)) throw new Error("not a list of jobs");
      return jobs.filter(isJob);
    } catch (error) {
      this.log.error({ path: this.path, reason: (error as Error).message }, "the review journal is corrupt; unfinished reviews of the last run are not resumed");
      return [];
    }
  }

  record(id: string, job: ReviewJob): Promise<void> {
    this.#jobs.set(id, job);
    return this.#save();
  }

  forget(id: string): Promise<void> {
    if (!this.#jobs.delete(id)) return this.#writes;
    return this.#save();
  }

  #save(): Promise<void> {
    if (!this.#next) {
      this.#next = this.#writes.then(() => {
        this.#next = null;
        return this.#write();
      });
      this.#writes = this.#next;
    }
    return this.#next;
  }

  /** Writes the state as it is when the write starts: it includes every change made while it waited. */
  async #write(): Promise<void> {
    const text = JSON.stringify([...this.#jobs.values()]);
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(`${this.path}.tmp`, text);
      await rename(`${this.path}.tmp`, this.path);
    } catch (error) {
      this.log.error({ path: this.path, reason: (error as Error).message }, "the review journal could not be written; a crash now would leave these reviews' check runs open");
    }
  }
}

function isJob(value: unknown): value is ReviewJob {
  const job = value as Partial<ReviewJob> | null;
  return (
    typeof job?.installationId === "number" &&
    typeof job.owner === "string" &&
    typeof job.repo === "string" &&
    typeof job.headSha === "string" &&
    typeof job.defaultBranch === "string" &&
    typeof job.trigger === "string" &&
    typeof job.deliveryId === "string"
  );
}
