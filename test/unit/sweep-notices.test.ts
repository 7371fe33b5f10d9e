/**
 * The daily sweep (shared/app/sweep-notices.ts) on in-memory ports: it follows again exactly
 * the events older than an hour past each ledger's notices' progress, sends what is missing
 * once, advances the progress, and reads nothing more when everything is sent.
 */
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../shared/app/context';
import { execute } from '../../shared/app/ledger/execute';
import type { LedgerStore, NoticeProgress, SentMailStore } from '../../shared/app/ports';
import { sweepNotices } from '../../shared/app/sweep-notices';
import { defaultCalendar } from '../../shared/domain/calendar';
import { emptyLedger, fold, type Command, type LedgerState } from '../../shared/domain/ledger';
import { defaultContacts } from '../../shared/notifications/default-contacts';
import type { Mail } from '../../shared/notifications/mailer';
import { municipalitiesOf } from '../../shared/reference';
import type { LedgerEvent, LedgerKey } from '../../shared/schemas/ledger';

const YEAR = 2028;
const COUNTY = '03';
const HOUR = 3_600_000;

function fakes() {
  const events = new Map<string, LedgerEvent[]>();
  const views = new Map<string, LedgerState>();
  const id = (k: LedgerKey) => `${k.year}#${k.county}`;
  const reads: string[] = [];
  const ledgers: LedgerStore = {
    load: async (k) => fold(k, events.get(id(k)) ?? []),
    storedView: async (k) => views.get(id(k)) ?? emptyLedger(k),
    catchUp: async (s) => fold(s, (events.get(id(s)) ?? []).filter((e) => e.seq > s.version), s),
    append: async (k, e) => {
      const list = events.get(id(k)) ?? [];
      if (list.some((x) => x.seq === e.seq)) return false;
      events.set(id(k), [...list, e]);
      return true;
    },
    saveView: async (s) => void views.set(id(s), s),
    events: async (k, after = 0) => {
      reads.push(`events ${id(k)} after ${after}`);
      return (events.get(id(k)) ?? []).filter((e) => e.seq > after);
    },
    views: async () => [],
  };
  const progress = new Map<string, number>();
  const notified: NoticeProgress = {
    ofYear: async (y) => {
      reads.push(`progress ${y}`);
      return new Map([...progress].filter(([k]) => k.startsWith(`${y}#`)).map(([k, v]) => [k.slice(5), v]));
    },
    advance: async (k, after, through) => {
      if ((progress.get(id(k)) ?? 0) >= after && (progress.get(id(k)) ?? 0) < through) progress.set(id(k), through);
    },
  };
  const marked = new Set<string>();
  const sentMail: SentMailStore = {
    sentAmong: async (mails) => {
      const out = new Map<string, Set<string>>();
      for (const m of mails) out.set(m.dedupeKey, new Set(m.recipients.map((r) => r.toLowerCase()).filter((r) => marked.has(`${m.dedupeKey} ${r}`))));
      return out;
    },
    recordSent: async (sent) => {
      for (const { mail } of sent) for (const r of [...mail.to, ...mail.cc]) marked.add(`${mail.dedupeKey} ${r.toLowerCase()}`);
    },
    list: async () => ({ mails: [] }),
  };
  const outbox: Mail[] = [];
  const app: Pick<AppContext, 'ledgers' | 'contacts' | 'mailer' | 'sentMail' | 'notified' | 'cycles' | 'appUrl'> = {
    ledgers,
    notified,
    sentMail,
    contacts: { load: async () => defaultContacts(), upsert: async () => {}, seedDefaults: async () => 0 },
    mailer: { send: async (mail) => void outbox.push(mail) },
    cycles: { get: async () => undefined, recent: async () => undefined, save: async () => true },
  };
  return { app, outbox, progress, reads };
}

const key = { year: YEAR, county: COUNTY };
const publishAt = Date.parse(defaultCalendar(YEAR).publishAt);
const [giver, receiver, other] = municipalitiesOf(COUNTY).map((m) => m.code);

async function run(app: ReturnType<typeof fakes>['app'], command: Command, at: number, actor?: string) {
  const calendar = defaultCalendar(YEAR);
  return execute(app.ledgers, key, command, { now: new Date(at).toISOString(), calendar, actor: actor ? { role: 'municipality', id: actor } : { role: 'admin' } });
}

describe('sweepNotices', () => {
  it('sends the notices of events older than an hour that nobody followed, once, and then reads only the progress and empty tails', async () => {
    const { app, outbox, progress, reads } = fakes();
    const t0 = publishAt + 86_400_000;
    await run(app, { type: 'ImportShares', shares: Object.fromEntries(municipalitiesOf(COUNTY).map((m) => [m.code, 10_000])) }, t0);
    await run(app, { type: 'SubmitProposal', giver: giver!, receiver: receiver!, perMille: 1_000 }, t0 + 1000, giver);
    await run(app, { type: 'SubmitProposal', giver: other!, receiver: receiver!, perMille: 500 }, t0 + 2 * HOUR, other);

    // At t0 + 2.5 h the second proposal is half an hour old: the stream's, not the sweep's.
    const first = await sweepNotices(app, t0 + 2.5 * HOUR);
    expect(first).toEqual({ years: [2027, 2028], behind: 1, events: 2, failed: 0 });
    expect(outbox.flatMap((m) => m.to)).toEqual(expect.arrayContaining([`kommun-${receiver}@kommun.example.se`, `kommun-${giver}@kommun.example.se`]));
    expect(outbox.some((m) => m.to.includes(`kommun-${other}@kommun.example.se`))).toBe(false);
    expect(progress.get(`${YEAR}#${COUNTY}`)).toBe(2);

    // A day later: the third event is due; the first two are not sent again.
    const sentBefore = outbox.length;
    const second = await sweepNotices(app, t0 + 26 * HOUR);
    expect(second).toMatchObject({ behind: 1, events: 1, failed: 0 });
    expect(outbox.slice(sentBefore).some((m) => m.to.includes(`kommun-${giver}@kommun.example.se`))).toBe(false);
    expect(outbox.slice(sentBefore).some((m) => m.to.includes(`kommun-${other}@kommun.example.se`))).toBe(true);

    // Nothing left: one progress read per year and one (empty) tail per county, nothing sent.
    reads.length = 0;
    const sentAfter = outbox.length;
    expect(await sweepNotices(app, t0 + 50 * HOUR)).toMatchObject({ behind: 0, events: 0 });
    expect(outbox.length).toBe(sentAfter);
    expect(reads.filter((r) => r.startsWith('progress'))).toEqual(['progress 2027', 'progress 2028']);
    expect(reads).toContain(`events ${YEAR}#${COUNTY} after 3`);
    expect(reads).toHaveLength(2 + 2 * 21);
  });

  it('reports events whose notices still fail, and advances nothing past them', async () => {
    const { app, progress } = fakes();
    const t0 = publishAt + 86_400_000;
    await run(app, { type: 'ImportShares', shares: Object.fromEntries(municipalitiesOf(COUNTY).map((m) => [m.code, 10_000])) }, t0);
    await run(app, { type: 'SubmitProposal', giver: giver!, receiver: receiver!, perMille: 1_000 }, t0, giver);
    app.mailer = { send: async () => Promise.reject(new Error('SES is down')) };
    expect(await sweepNotices(app, t0 + 2 * HOUR)).toMatchObject({ behind: 1, events: 2, failed: 1 }); // the import has no notices; the proposal's fail
    expect(progress.get(`${YEAR}#${COUNTY}`)).toBeUndefined();
  });
});
