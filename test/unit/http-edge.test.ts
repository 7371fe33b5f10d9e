/**
 * The HTTP edge's pure parts: the Swedish zod messages, the request fingerprint and the
 * Idempotency-Key contract, the ledger's check that a replayed event answers the command,
 * and the OpenAPI document's statement of them.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { IDEMPOTENCY_KEY_MAX_LENGTH, idempotencyScope, isValidIdempotencyKey, requestFingerprint } from '../../shared/http/idempotency';
import { openApiDocument } from '../../shared/http/openapi';
import { fieldName, swedishErrors } from '../../shared/http/zod-sv';
import { replayMatches } from '../../shared/app/ledger/replay';
import { wrongStatusMessage } from '../../shared/domain/status-names';
import { ProposalStatus, type LedgerEvent } from '../../shared/schemas/ledger';
import { DecisionBody, GiverParams, SubmitProposalBody } from '../../shared/schemas/api';

const messages = (schema: z.core.$ZodType, input: unknown, place: 'body' | 'path' | 'query' = 'body') =>
  z.safeParse(schema, input, { error: swedishErrors(place) }).error?.issues.map((i) => i.message);

const TYPE_WORDS = /\b(string|number|undefined|boolean|object|array|expected|received|invalid|input)\b/i;

describe('zod messages in Swedish', () => {
  const Body = z.strictObject({
    perMille: z.number(),
    count: z.number().int().min(1).max(9),
    name: z.string().min(2).max(5),
    accept: z.boolean(),
    outcome: z.enum(['APPROVED', 'REJECTED']),
    rows: z.array(z.strictObject({ code: z.string() })).min(1),
    at: z.iso.datetime({ offset: true }),
    mail: z.email(),
  });
  const good = { perMille: 1, count: 1, name: 'abc', accept: true, outcome: 'APPROVED', rows: [{ code: 'x' }], at: '2027-09-01T08:00:00Z', mail: 'a@b.se' };

  it('name the field and say what it should be, in whole sentences', () => {
    expect(messages(Body, { ...good, perMille: '0.5' })).toEqual(['Fältet perMille ska vara ett tal.']);
    expect(messages(Body, { ...good, perMille: null })).toEqual(['Fältet perMille ska vara ett tal.']);
    expect(messages(Body, { ...good, count: 1.5 })).toEqual(['Fältet count ska vara ett heltal.']);
    expect(messages(Body, { ...good, count: 0 })).toEqual(['Fältet count ska vara minst 1.']);
    expect(messages(Body, { ...good, count: 10 })).toEqual(['Fältet count får vara högst 9.']);
    expect(messages(Body, { ...good, name: 'a' })).toEqual(['Fältet name ska ha minst 2 tecken.']);
    expect(messages(Body, { ...good, name: 'abcdef' })).toEqual(['Fältet name får ha högst 5 tecken.']);
    expect(messages(Body, { ...good, accept: 'ja' })).toEqual(['Fältet accept ska vara true eller false.']);
    expect(messages(Body, { ...good, outcome: 'approved' })).toEqual(['Fältet outcome ska vara APPROVED eller REJECTED.']);
    expect(messages(Body, { ...good, rows: [] })).toEqual(['Fältet rows ska ha minst en post.']);
    expect(messages(Body, { ...good, rows: [{ code: 1 }] })).toEqual(['Fältet rows[0].code ska vara en text.']);
    expect(messages(Body, { ...good, rows: [{ code: 'x', extra: 1, more: 2 }] })).toEqual(['Fälten rows[0].extra och rows[0].more är okända.']);
    expect(messages(Body, { ...good, at: 'i morgon' })).toEqual(['Fältet at ska vara en tidpunkt enligt ISO 8601 med tidszon, till exempel 2027-09-01T08:00:00Z.']);
    expect(messages(Body, { ...good, mail: 'nej' })).toEqual(['Fältet mail ska vara en e-postadress.']);
    const { perMille: _, ...withoutPerMille } = good;
    expect(messages(Body, withoutPerMille)).toEqual(['Fältet perMille saknas.']);
    expect(messages(Body, { ...good, note: 'x' })).toEqual(['Fältet note är okänt.']);
    expect(messages(Body, [])).toEqual(['Förfrågan ska vara ett JSON-objekt.']);
  });

  it('say where a path or query parameter was', () => {
    expect(messages(z.strictObject({ county: z.string().optional() }), { lan: '03' }, 'query')).toEqual(['Frågeparametern lan är okänd.']);
    expect(messages(z.strictObject({ year: z.number() }), { year: 'x' }, 'path')).toEqual(['Sökvägsparametern year ska vara ett tal.']);
  });

  it('never use type words, and always end with a period', () => {
    const inputs: unknown[] = [null, 1, 'x', [], {}, { ...good, perMille: 'x', count: 'y', name: 3, accept: 1, outcome: 2, rows: 'z', at: 4, mail: 5, other: 1 }];
    for (const input of inputs) {
      for (const message of messages(Body, input) ?? []) {
        expect(message).not.toMatch(TYPE_WORDS);
        expect(message).toMatch(/^[A-ZÅÄÖ].*\.$/);
      }
    }
  });

  it('apply globally, to schemas parsed without an explicit map', () => {
    expect(SubmitProposalBody.safeParse({ receiver: '0380', perMille: '1' }).error?.issues[0]?.message).toBe('Fältet perMille ska vara ett tal.');
  });

  it('leave a schema its own message', () => {
    expect(messages(GiverParams, { year: '02028', giver: '180' }, 'path')).toEqual([
      'Året ska skrivas med fyra siffror, till exempel 2028.',
      'Kommunkoden ska vara fyra siffror, till exempel 0180.',
    ]);
  });

  it('format paths as people read them', () => {
    expect(fieldName(['shares', 2, 'perMille'])).toBe('shares[2].perMille');
    expect(fieldName(['calendar', 'reminders', 0])).toBe('calendar.reminders[0]');
  });
});

describe('strict path parameters', () => {
  it('take a year of exactly four digits, 2000–2999', () => {
    expect(GiverParams.parse({ year: '2028', giver: '0360' })).toEqual({ year: 2028, giver: '0360' });
    for (const year of ['02028', '0x7EC', '2.028e3', ' 2028', '2028 ', '2028.0', '+2028', '1999', '3000', '']) {
      expect(GiverParams.safeParse({ year, giver: '0360' }).success, year).toBe(false);
    }
  });
});

describe('the decision reason', () => {
  it('is free text: control and direction characters are refused, line breaks are not', () => {
    expect(DecisionBody.safeParse({ outcome: 'REJECTED', reason: 'Rad ett.\r\nRad två.' }).success).toBe(true);
    for (const reason of ['a\u0007', 'a\u0000', 'a\tb', 'a\u001b[0m', 'a\u202Eb', 'a\u202Ab', 'a\u2066b', 'a\u2069', 'a\u0085']) {
      expect(DecisionBody.safeParse({ outcome: 'REJECTED', reason }).success, JSON.stringify(reason)).toBe(false);
    }
    expect(DecisionBody.safeParse({ outcome: 'REJECTED', reason: 'x'.repeat(2001) }).success).toBe(false);
  });
});

describe('the request fingerprint', () => {
  const base = { method: 'POST', target: '/v1/years/2028/proposals', contentType: 'application/json', body: Buffer.from('{"receiver":"0380","perMille":0.5}') };
  const fp = requestFingerprint(base);

  it('is a SHA-256 in hex, the same for the same request', () => {
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint({ ...base, body: Buffer.from(base.body) })).toBe(fp);
    expect(requestFingerprint({ ...base, method: 'post' })).toBe(fp);
    expect(requestFingerprint({ ...base, contentType: 'Application/JSON' })).toBe(fp);
  });

  it('differs when the method, path, query, media type or any byte of the body differs', () => {
    const others = [
      { ...base, method: 'PATCH' },
      { ...base, target: '/v1/years/2029/proposals' },
      { ...base, target: '/v1/years/2028/proposals?x=1' },
      { ...base, contentType: 'text/csv' },
      { ...base, contentType: undefined },
      { ...base, body: Buffer.from('{"receiver":"0380","perMille":0.25}') },
      { ...base, body: Buffer.from('{"receiver": "0380","perMille":0.5}') },
      { ...base, body: Buffer.alloc(0) },
    ];
    const prints = others.map(requestFingerprint);
    expect(new Set([fp, ...prints]).size).toBe(others.length + 1);
  });

  it('cannot be fooled by moving text between the parts', () => {
    expect(requestFingerprint({ ...base, target: '/a', contentType: 'b' })).not.toBe(requestFingerprint({ ...base, target: '/ab', contentType: '' }));
  });
});

describe('the Idempotency-Key contract', () => {
  it('is 1–255 printable ASCII characters without spaces', () => {
    expect(IDEMPOTENCY_KEY_MAX_LENGTH).toBe(255);
    for (const key of ['a', '7f1c2d9e-5b1a-4c53-9d0e-2a6f0c1b8e47', `${'!~'.repeat(127)}k`, 'A:b/c?d=e']) expect(isValidIdempotencyKey(key), key).toBe(true);
    for (const key of ['', 'k'.repeat(256), 'k'.repeat(2000), 'två', 'a b', 'a\tb', 'a\u0000', 'a\u007f', 'ключ']) expect(isValidIdempotencyKey(key), key).toBe(false);
  });

  it('belongs to the caller, not to a route', () => {
    expect(idempotencyScope({ role: 'municipality', municipality: '0360', county: '03' }, 'k')).toBe('municipality:0360:k');
    expect(idempotencyScope({ role: 'county', county: '03' }, 'k')).toBe('county:03:k');
    expect(idempotencyScope({ role: 'admin' }, 'k')).toBe('admin::k');
  });
});

describe('a replayed ledger event answers only its own command', () => {
  const meta = { seq: 5, at: '2027-09-01T10:00:00Z', actor: { role: 'municipality' as const, id: '0360' }, idempotencyKey: 'k' };
  const submitted = { ...meta, type: 'ProposalSubmitted', giver: '0360', receiver: '0380', perMille: 500 } as LedgerEvent;

  it('matches the same command', () => {
    expect(replayMatches({ type: 'SubmitProposal', giver: '0360', receiver: '0380', perMille: 500 }, submitted)).toBe(true);
    const decided = { ...meta, type: 'ProposalDecided', giver: '0360', outcome: 'REJECTED', reason: 'För sent.' } as LedgerEvent;
    expect(replayMatches({ type: 'DecideProposal', giver: '0360', outcome: 'REJECTED', reason: '  För sent. ' }, decided)).toBe(true);
    const approved = { ...meta, type: 'ProposalDecided', giver: '0360', outcome: 'APPROVED' } as LedgerEvent;
    expect(replayMatches({ type: 'DecideProposal', giver: '0360', outcome: 'APPROVED', reason: ' ' }, approved)).toBe(true);
    expect(replayMatches({ type: 'AnswerProposal', giver: '0360', respondent: '0380', accept: true }, { ...meta, type: 'ReceiverConsented', giver: '0360' } as LedgerEvent)).toBe(true);
    expect(replayMatches({ type: 'AmendProposal', giver: '0360', perMille: 250 }, { ...meta, type: 'ProposalAmended', giver: '0360', receiver: '0380', perMille: 250 } as LedgerEvent)).toBe(true);
    expect(replayMatches({ type: 'SubmitCountyReport', auto: true }, { ...meta, type: 'CountyReportSubmitted', mode: 'AUTO_SUBMITTED' } as LedgerEvent)).toBe(true);
  });

  it('refuses another command under the same key', () => {
    expect(replayMatches({ type: 'SubmitProposal', giver: '0360', receiver: '0380', perMille: 250 }, submitted)).toBe(false);
    expect(replayMatches({ type: 'SubmitProposal', giver: '0360', receiver: '0381', perMille: 500 }, submitted)).toBe(false);
    expect(replayMatches({ type: 'WithdrawProposal', giver: '0360' }, submitted)).toBe(false);
    expect(replayMatches({ type: 'AmendProposal', giver: '0360', perMille: 500 }, submitted)).toBe(false);
    expect(replayMatches({ type: 'AnswerProposal', giver: '0360', respondent: '0380', accept: false }, { ...meta, type: 'ReceiverConsented', giver: '0360' } as LedgerEvent)).toBe(false);
    const approved = { ...meta, type: 'ProposalDecided', giver: '0360', outcome: 'APPROVED' } as LedgerEvent;
    expect(replayMatches({ type: 'DecideProposal', giver: '0360', outcome: 'APPROVED', reason: 'Bra.' }, approved)).toBe(false);
    expect(replayMatches({ type: 'DecideProposal', giver: '0360', outcome: 'REJECTED', reason: 'Nej.' }, approved)).toBe(false);
    expect(replayMatches({ type: 'SubmitCountyReport', auto: false }, { ...meta, type: 'CountyReportSubmitted', mode: 'AUTO_SUBMITTED' } as LedgerEvent)).toBe(false);
  });
});

describe('the wrong-status refusal', () => {
  it('names every status in Swedish words, in a whole sentence', () => {
    for (const status of ProposalStatus.options) {
      const message = wrongStatusMessage(status, 'ändras');
      expect(message).toMatch(/^Förslaget .+ och kan därför inte ändras\.$/);
      expect(message).not.toMatch(/[A-Z]{3,}|status/);
    }
    expect(wrongStatusMessage('EXPIRED', 'besvaras')).toBe('Förslaget har förfallit och kan därför inte besvaras.');
  });
});

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as any;

  it('states the Idempotency-Key header with its limits on every signed-in command, and 409, 415 and 422', () => {
    const op = doc.paths['/v1/years/{year}/proposals'].post;
    const header = op.parameters.find((p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key');
    expect(header).toMatchObject({ required: false, schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]{1,255}$' } });
    expect(header.description).toMatch(/IDEMPOTENCY_KEY_REUSED/);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['409', '415', '422']));
    for (const [path, methods] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(methods)) {
        const signedIn = (operation.security ?? []).length > 0;
        const hasHeader = (operation.parameters ?? []).some((p: { name: string }) => p.name === 'Idempotency-Key');
        expect(hasHeader, `${method} ${path}`).toBe(signedIn && method !== 'get');
        if (hasHeader) expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['409', '422']));
        if (operation.requestBody) expect(Object.keys(operation.responses), `${method} ${path}`).toContain('415');
      }
    }
  });

  it('gives the year as a four-digit pattern', () => {
    const year = doc.paths['/v1/years/{year}/cycle'].get.parameters.find((p: { name: string }) => p.name === 'year');
    expect(year.schema).toMatchObject({ type: 'string', pattern: '^\\d{4}$' });
  });
});
