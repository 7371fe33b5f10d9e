/**
 * The local stream's journal and positions (local/emulators/dynamodb/stream-journal.ts): what a
 * restart replays, what it skips, what it removes, and a line cut short by a kill.
 */
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, expect, it } from 'vitest';
import { openJournal, positionFile, replayJournal } from '../../local/emulators/dynamodb/stream-journal';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'omfordelning-journal-'));
  dirs.push(dir);
  return dir;
};
const seq = (n: number) => String(n).padStart(21, '0');
const record = (n: number): DynamoDBRecord => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: seq(n), Keys: { pk: { S: `p${n}` }, sk: { S: 'E#1' } } } });

it('replays the records after the least position, in order, with their times, across segments of two runs', () => {
  const dir = tempDir();
  const first = openJournal(dir);
  for (const n of [1, 2, 3]) first.append(record(n), 1000 + n);
  first.close();
  const second = openJournal(dir); // the next start: a segment of its own
  for (const n of [4, 5]) second.append(record(n), 1000 + n);
  second.close();
  expect(readdirSync(dir).sort()).toEqual([`${seq(1)}.jsonl`, `${seq(4)}.jsonl`]);

  expect(replayJournal(dir, undefined).records.map((r) => r.dynamodb!.SequenceNumber)).toEqual([1, 2, 3, 4, 5].map(seq));
  const after2 = replayJournal(dir, seq(2));
  expect(after2.records.map((r) => r.dynamodb!.SequenceNumber)).toEqual([3, 4, 5].map(seq));
  expect(after2.times).toEqual([1003, 1004, 1005]);
  // Past the whole first segment: it is removed.
  expect(replayJournal(dir, seq(4)).records.map((r) => r.dynamodb!.SequenceNumber)).toEqual([seq(5)]);
  expect(readdirSync(dir)).toEqual([`${seq(4)}.jsonl`]);
});

it('skips a last line cut short by a kill', () => {
  const dir = tempDir();
  const journal = openJournal(dir);
  journal.append(record(7), 1);
  journal.close();
  appendFileSync(join(dir, `${seq(7)}.jsonl`), '{"at":2,"record":{"eventName":"INS');
  expect(replayJournal(dir, undefined).records).toHaveLength(1);
});

it('keeps a position across restarts, only moving forward, written whole', () => {
  const dir = tempDir();
  const position = positionFile(dir, 'Mapping1');
  expect(position.current).toBeUndefined();
  position.advance(seq(5));
  position.advance(seq(3));
  expect(positionFile(dir, 'Mapping1').current).toBe(seq(5));
  expect(existsSync(join(dir, 'position-Mapping1.txt.tmp'))).toBe(false);
  expect(replayJournal(join(dir, 'none'), seq(1))).toEqual({ records: [], times: [] });
});
