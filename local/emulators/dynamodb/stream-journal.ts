/**
 * The local table stream on disk, so that a `kill -9` loses no record (DynamoDB Streams keep
 * records 24 h whatever happens to their reader). The dynalite worker appends each record to
 * a segment file (one JSON line: the record and when it was written) synchronously, before
 * dynalite answers the write: an acknowledged write's record is in the journal. Each event
 * source mapping keeps its position (the last SequenceNumber it has settled: delivered,
 * given up or filtered out) in a file of its own; a start replays what lies after it.
 *
 * Layout of the directory: `<first SequenceNumber>.jsonl` segments (a new one per start of
 * the worker and every SEGMENT_BYTES), `position-<mapping>.txt`. A segment is removed once
 * every mapping's position has passed it (the next segment starts after the positions).
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';

const SEGMENT_BYTES = 8 * 1024 * 1024;
const SEGMENT = /^(\d{21})\.jsonl$/;

export interface JournalWriter {
  /** Appends the record; returns once the bytes are written to the file (the OS keeps them through a kill of this process). */
  append(record: DynamoDBRecord, at: number): void;
  close(): void;
}

export function openJournal(dir: string): JournalWriter {
  mkdirSync(dir, { recursive: true });
  let fd: number | undefined;
  let written = 0;
  const close = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return {
    append(record, at) {
      if (fd === undefined || written > SEGMENT_BYTES) {
        close();
        fd = openSync(join(dir, `${record.dynamodb!.SequenceNumber}.jsonl`), 'a');
        written = 0;
      }
      const line = Buffer.from(`${JSON.stringify({ at, record })}\n`);
      writeSync(fd, line);
      written += line.length;
    },
    close,
  };
}

/** A mapping's position: the last SequenceNumber it settled, kept across restarts. */
export interface StreamPosition {
  readonly current: string | undefined;
  advance(sequenceNumber: string): void;
}

export function positionFile(dir: string, mapping: string): StreamPosition {
  const path = join(dir, `position-${mapping}.txt`);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    current = undefined;
  }
  return {
    get current() {
      return current;
    },
    advance(sequenceNumber) {
      if (current !== undefined && sequenceNumber <= current) return;
      current = sequenceNumber;
      // Written whole, then renamed: a kill leaves the old position or the new one, never half of one.
      writeFileSync(`${path}.tmp`, sequenceNumber);
      renameSync(`${path}.tmp`, path);
    },
  };
}

/**
 * The journal's records after `after` (the lowest of the mappings' positions; all when
 * undefined), in order, with when each was written; removes the segments wholly before it.
 * A line cut short by a kill (the last of its segment) is skipped: its write was never answered.
 */
export function replayJournal(dir: string, after: string | undefined): { records: DynamoDBRecord[]; times: number[] } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => SEGMENT.test(name)).sort();
  } catch {
    return { records: [], times: [] };
  }
  const records: DynamoDBRecord[] = [];
  const times: number[] = [];
  names.forEach((name, i) => {
    const next = names[i + 1];
    if (after !== undefined && next !== undefined && next.slice(0, 21) <= after) {
      unlinkSync(join(dir, name));
      return;
    }
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (line === '') continue;
      let entry: { at: number; record: DynamoDBRecord };
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      if (after !== undefined && entry.record.dynamodb!.SequenceNumber! <= after) continue;
      records.push(entry.record);
      times.push(entry.at);
    }
  });
  return { records, times };
}
