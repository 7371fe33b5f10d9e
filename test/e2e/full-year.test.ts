import { beforeAll, describe, expect, it } from 'vitest';
import { findCounty, findMunicipality, MUNICIPALITIES } from '../../shared/reference';
import { sentEmails, type StoredEmail } from '../../local/emulators/ses/ses';
import { yearScenario } from '../../local/tools/scenario';
import { exampleShares } from '../../local/tools/example-data';
import { leftUndecided, runYear, type YearRunResult } from '../../local/tools/year-run';


/**
 * A whole share year on the local stack, driven through the API with the virtual clock
 * jumping from milestone to milestone while the synthesized state machine runs it.
 */
const year = 2022;
const scenario = yearScenario(exampleShares());
let result: YearRunResult;
let emails: StoredEmail[];
let reports: Record<string, any>;
let csv: string;

beforeAll(async () => {
  result = await runYear({
    year,
    log: () => {},
    workflow: { waitPollMs: 100 },
    afterYear: async ({ stack, api }) => {
      await stack.streams.idle();
      emails = await sentEmails(stack.sesUrl);
      reports = {};
      for (const county of ['01', '09', scenario.silentCounty]) {
        reports[county] = await api.admin('GET', `/v1/years/${year}/counties/${county}/report`);
      }
      const response = await fetch(`${stack.apiUrl}/v1/years/${year}/counties/01/report`, {
        headers: { authorization: `Bearer ${await stack.token({ role: 'admin' })}`, accept: 'text/csv' },
      });
      csv = await response.text();
    },
  });
}, 180_000);

const subjectsTo = (address: string): string[] => emails.filter((e) => e.destination.to.includes(address)).map((e) => e.subject);

describe(`a whole share year ${year} on the local stack`, () => {
  it('holds every invariant the simulation checks (final shares exact, totals kept)', () => {
    expect(result.problems).toEqual([]);
  });

  it('moves through the phases milestone by milestone, on working days', () => {
    expect(result.milestones.map((m) => [m.name, m.at, m.phase])).toEqual([
      ['publish', '2021-08-16T07:00:00Z', 'OPEN'], // Sunday 15 Aug 2021 → Monday 16 Aug 09:00
      ['reminder-0', '2021-10-19T07:00:00Z', 'OPEN'],
      ['reminder-1', '2021-10-29T07:00:00Z', 'OPEN'], // Saturday 30 Oct → Friday 29 Oct 09:00
      ['deadline', '2021-11-02T23:00:00Z', 'CLOSED'],
      ['countyWarning', '2021-11-10T08:00:00Z', 'CLOSED'], // 3 working days before Monday 15 Nov
      ['countyReports', '2021-11-15T08:00:00Z', 'REPORTED'],
      ['finalize', '2021-12-15T08:00:00Z', 'FINAL'],
    ]);
  });

  it('warns the county that has not decided an agreed proposal, listing it, and tells both parties it was left out', () => {
    const undecided = leftUndecided(scenario)!;
    const county = findCounty(scenario.silentCounty)!;
    const warnings = emails.filter((e) => e.subject.includes('väntar på beslut – länsrapporten senast'));
    expect(warnings.map((e) => e.destination.to)).toEqual([[`lansstyrelsen-${scenario.silentCounty}@lst.example.se`]]);
    const [giver, receiver] = [findMunicipality(undecided.giver)!, findMunicipality(undecided.receiver)!];
    const amount = `${String(undecided.perMille).replace('.', ',')} promille`;
    expect(warnings[0]!.body.text).toContain(`- ${giver.name} (${giver.code}) till ${receiver.name} (${receiver.code}), ${amount}`);
    expect(warnings[0]!.body.text).toContain('senast måndag 15 november 2021 kl. 09:00');
    expect(warnings[0]!.body.text).toContain(`Med vänlig hälsning\nLänsstyrelsen i ${county.name}`);
    const leftOut = emails.filter((e) => e.subject.includes('beslutades inte'));
    expect(leftOut.map((e) => e.destination.to[0]).sort()).toEqual([`kommun-${giver.code}@kommun.example.se`, `kommun-${receiver.code}@kommun.example.se`].sort());
    for (const mail of leftOut) {
      expect(mail.subject).toBe(`Omfördelning ${year}: förslaget om ${amount} från ${giver.name} (${giver.code}) till ${receiver.name} (${receiver.code}) beslutades inte`);
      expect(mail.body.text).toContain('Förslaget ändrar alltså inte era andelar');
    }
    for (const mail of [...warnings, ...leftOut]) expect(mail.body.text).not.toMatch(/POST|GET \/|händelse/);
  });

  it('tells every municipality at publication, reminders, deadline and final shares, in Swedish', () => {
    for (const { code } of MUNICIPALITIES) {
      const subjects = subjectsTo(`kommun-${code}@kommun.example.se`);
      expect(subjects, code).toContain(`Omfördelning ${year}: preliminära anvisningsandelar är publicerade`);
      expect(subjects.filter((s) => s.includes('påminnelse – förslag om omfördelning senast')), code).toHaveLength(2);
      expect(subjects, code).toContain(`Omfördelning ${year}: perioden för förslag om omfördelning har stängt`);
      expect(subjects, code).toContain(`Omfördelning ${year}: slutliga anvisningsandelar är fastställda`);
    }
  });

  it("sends each county's report to Migrationsverket, once", () => {
    const toMigrationsverket = subjectsTo('ensamkommande@migrationsverket.example.se');
    expect(toMigrationsverket.filter((s) => s.includes('länsrapport från'))).toHaveLength(21);
    expect(new Set(toMigrationsverket).size).toBe(toMigrationsverket.length);
  });

  it('auto-submits the county that never reported and tells it', () => {
    expect(reports[scenario.silentCounty].mode).toBe('AUTO_SUBMITTED');
    const name = findCounty(scenario.silentCounty)!.name;
    expect(subjectsTo(`lansstyrelsen-${scenario.silentCounty}@lst.example.se`)).toContain(`Omfördelning ${year}: länsrapporten för ${name} har lämnats automatiskt`);
  });

  it('reports every proposal with its outcome, every municipality, totals and the fixed compensation', () => {
    const stockholm = reports['01'];
    const proposals = scenario.proposals.filter((p) => p.giver.startsWith('01'));
    expect(stockholm.proposals.map((p: any) => p.giver).sort()).toEqual(proposals.map((p) => p.giver).sort());
    expect(new Set(stockholm.proposals.map((p: any) => p.status))).toEqual(new Set(['APPROVED', 'EXPIRED']));
    expect(stockholm.municipalities).toHaveLength(26);
    expect(stockholm.totals.beforePerMille).toBe(stockholm.totals.afterPerMille);
    expect(stockholm.fixedCompensation).toMatchObject({ amountSek: 500000, unchanged: true });
    expect(stockholm.fixedCompensation.statement).toMatch(/500 000/);
    // Gotland, one municipality, nothing to redistribute: its report says so and keeps its share.
    expect(reports['09'].proposals).toEqual([]);
    expect(reports['09'].municipalities).toEqual([expect.objectContaining({ municipality: '0980', givenPerMille: 0, receivedPerMille: 0 })]);
    // The CSV names every municipality of the county.
    for (const code of stockholm.municipalities.map((m: any) => m.municipality)) expect(csv).toContain(code);
  });
});
