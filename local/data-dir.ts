import { accessSync, constants, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocalStackError } from './emulators/errors';

/** Creates the data directory if needed and checks that it is a writable directory. */
export function prepareDataDir(dataDir: string): string {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new LocalStackError('DATA_DIR_NOT_WRITABLE', `Datakatalogen ${dir} går inte att skriva i (${reason(error)}). Välj en annan med --data-dir.`);
  }
  return dir;
}

export interface DataDirLock {
  path: string;
  release(): void;
}

/** Lock files this process holds (a pid alone cannot tell two stacks of one process apart). */
const heldHere = new Set<string>();

/**
 * Takes `<dataDir>/LOCK` (containing our pid) so that two local stacks never share one
 * data directory. A lock left by a process that no longer runs is taken over.
 */
export function acquireLock(dataDir: string): DataDirLock {
  const path = join(resolve(dataDir), 'LOCK');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      heldHere.add(path);
      return { path, release: () => releaseLock(path) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new LocalStackError('DATA_DIR_NOT_WRITABLE', `Datakatalogen ${resolve(dataDir)} går inte att skriva i (${reason(error)}). Välj en annan med --data-dir.`);
      }
    }
    const owner = lockOwner(path);
    // An empty lock file may be one another process is writing this very moment.
    if (owner === undefined && isFresh(path)) continue;
    if (owner !== undefined && isRunning(owner) && (owner !== process.pid || heldHere.has(path))) {
      throw new LocalStackError(
        'DATA_DIR_LOCKED',
        `Datakatalogen ${resolve(dataDir)} används redan av en annan lokal stack (pid ${owner}). Stoppa den först eller välj en annan med --data-dir.`,
      );
    }
    // Stale (dead pid, unreadable, or an earlier process that happened to have our pid): take it over.
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new LocalStackError('DATA_DIR_NOT_WRITABLE', `Kan inte ta bort gammalt lås ${path} (${reason(error)}).`);
    }
  }
  throw new LocalStackError('DATA_DIR_LOCKED', `Datakatalogen ${resolve(dataDir)} låses av en annan process just nu. Försök igen.`);
}

function releaseLock(path: string): void {
  if (!heldHere.delete(path)) return;
  try {
    if (lockOwner(path) === process.pid) unlinkSync(path);
  } catch {
    // Already gone: nothing to release.
  }
}

function lockOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isFresh(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 2_000;
  } catch {
    return false;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code ?? e?.message ?? String(error);
}
