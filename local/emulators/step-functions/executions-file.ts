/**
 * The local executions, kept in one small JSON file in the data directory so that they
 * survive a restart of the local stack (one execution per share year: the file stays tiny).
 * Written whole, through a temporary file and a rename, so a crash never leaves half a file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  name: string;
  executionArn: string;
  stateMachineArn: string;
  /** The input exactly as StartExecution got it (a JSON text). */
  input: string;
  status: ExecutionStatus;
  /** Epoch ms on the virtual clock. */
  startDate: number;
  stopDate?: number;
  /** JSON text. */
  output?: string;
  error?: string;
  cause?: string;
  /** Local only: how many starts of the local stack have resumed it (from the beginning). */
  restarts?: number;
}

interface FileShape {
  version: 1;
  executions: ExecutionRecord[];
}

export class ExecutionsFile {
  constructor(readonly path: string) {}

  /** The stored executions; a file that cannot be read is moved aside (and reported) rather than blocking the start. */
  load(warn: (message: string) => void = () => {}): ExecutionRecord[] {
    if (!existsSync(this.path)) return [];
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<FileShape>;
      if (parsed.version !== 1 || !Array.isArray(parsed.executions)) throw new Error('unknown format');
      return parsed.executions.filter((e) => typeof e?.name === 'string' && typeof e.executionArn === 'string' && typeof e.input === 'string');
    } catch (error) {
      const aside = `${this.path}.unreadable-${Date.now()}`;
      renameSync(this.path, aside);
      warn(`Körningarna i ${this.path} gick inte att läsa (${(error as Error).message}); filen flyttades till ${aside}.`);
      return [];
    }
  }

  save(executions: Iterable<ExecutionRecord>): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    const shape: FileShape = { version: 1, executions: [...executions] };
    writeFileSync(tmp, `${JSON.stringify(shape, null, 1)}\n`);
    renameSync(tmp, this.path);
  }
}
