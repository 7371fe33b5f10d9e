/** A proposal's history in the web app's words (web/src/history-words.ts): who, what, and what was stated. */
import { describe, expect, it } from 'vitest';
import type { ProposalHistoryEvent } from '../../shared/schemas/api';
import { statedWith, whatHappened, whoActed } from '../../web/src/history-words';

const at = '2027-11-03T13:05:00Z';
const tierp = { role: 'municipality' as const, id: '0360', name: 'Anna Berg' };

describe("a proposal's history in words", () => {
  it('names the person and the organisation, or the organisation alone', () => {
    expect(whoActed(tierp)).toBe('Anna Berg, Tierp (0360)');
    expect(whoActed({ role: 'municipality', id: '0381' })).toBe('Enköping (0381)');
    expect(whoActed({ role: 'county', id: '03' })).toBe('Länsstyrelsen i Uppsala län');
    expect(whoActed({ role: 'county', id: '03', name: 'Karin Lind' })).toBe('Karin Lind, Länsstyrelsen i Uppsala län');
    expect(whoActed({ role: 'system' })).toBe('Tjänsten (automatiskt)');
  });

  it('says what happened, with the amount in per mille and a decimal comma', () => {
    const cases: [ProposalHistoryEvent, string][] = [
      [{ type: 'ProposalSubmitted', at, actor: tierp, receiver: '0381', perMille: 1.5 }, 'Lämnade förslaget: 1,5 promille till Enköping (0381)'],
      [{ type: 'ProposalAmended', at, actor: tierp, receiver: '0380', perMille: 0.125 }, 'Ändrade förslaget: 0,125 promille till Uppsala (0380)'],
      [{ type: 'ReceiverReplaced', at, actor: tierp }, 'Ändrade förslaget till en annan mottagande kommun'],
      [{ type: 'ProposalWithdrawn', at, actor: tierp }, 'Återkallade förslaget'],
      [{ type: 'ReceiverConsented', at, actor: tierp }, 'Samtyckte'],
      [{ type: 'ReceiverDeclined', at, actor: tierp }, 'Avböjde'],
      [{ type: 'ProposalDecided', at, actor: tierp, outcome: 'APPROVED' }, 'Godkände'],
      [{ type: 'ProposalDecided', at, actor: tierp, outcome: 'REJECTED', reason: 'Underlaget räcker inte.' }, 'Avslog: Underlaget räcker inte.'],
      [{ type: 'ProposalExpired', at, actor: { role: 'system' } }, 'Förslaget förföll: mottagaren hade inte svarat när perioden för förslag stängde'],
      [{ type: 'ProposalLeftOut', at, actor: { role: 'system' } }, 'Förslaget beslutades inte: länsrapporten lämnades automatiskt utan det, så det ändrar inga andelar'],
    ];
    for (const [event, words] of cases) expect(whatHappened(event)).toBe(words);
  });

  it("lists the leadership's decision reference, contact person and comment, only those given", () => {
    const resolution = { decisionReference: 'KS 2027/123 § 45', contact: { name: 'Anna Berg', phone: '0293-123 45' }, comment: 'Vi har fler platser.' };
    expect(statedWith({ type: 'ReceiverConsented', at, actor: tierp, resolution })).toEqual([
      'Beslutets diarienummer: KS 2027/123 § 45',
      'Kontaktperson: Anna Berg, 0293-123 45',
      'Kommentar: Vi har fler platser.',
    ]);
    expect(statedWith({ type: 'ProposalSubmitted', at, actor: tierp, receiver: '0381', perMille: 1, resolution: { comment: 'Bara en kommentar.' } })).toEqual(['Kommentar: Bara en kommentar.']);
    expect(statedWith({ type: 'ProposalWithdrawn', at, actor: tierp })).toEqual([]);
  });
});
