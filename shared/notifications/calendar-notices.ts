import type { Calendar } from '../domain/calendar';
import type { Proposal } from '../domain/ledger';
import type { Milli } from '../domain/per-mille';
import type { Contacts } from '../schemas/contacts';
import { SERVICE, body, countyName, countyNextPage, cycleDedupeKey, longTime, name, proposalLine, subject, toCounty, toMunicipality, toService } from './cycle-messages';
import type { Mail } from './mailer';
import { formatPerMille } from './messages';

/**
 * The notices of the calendar, in Swedish (house style: what happened, what the reader should
 * do next and by when; no technical instructions; signed with the county's name):
 *   deadline moved → every municipality of the counties taking part, and those counties, once
 *                    publication has told them the deadline (once per recipient and move)
 *   county warning → a county with agreed proposals still undecided, 3 working days before
 *                    its report date (once per county and report date)
 *   left out       → both parties of an agreed proposal the county did not decide before its
 *                    report was submitted automatically (once per proposal and party)
 * Pure: the facts and the contacts in, the mail out, with a dedupe key naming the event;
 * with the web app's address (`appUrl`) a mail links the page where its next step is done.
 */

/** The proposal as the parties and the county read it: "Uppsala (0380) till Enköping (0381), 1,25 promille". */
type ProposalFacts = Pick<Proposal, 'giver' | 'receiver' | 'perMille'>;

/** What a "deadline moved" notice tells: the deadline the reader had, the new one, and which move it is. */
export interface DeadlineMove {
  /** 1 for the first move after publication, 2 for the next, … */
  move: number;
  from: string;
  to: string;
}

const county = (code: string): string => `Länsstyrelsen i ${countyName(code)}`;

const list = (proposals: readonly ProposalFacts[]): string => proposals.map((p) => `- ${proposalLine(p)}`).join('\n');

const later = (move: DeadlineMove): boolean => Date.parse(move.to) > Date.parse(move.from);

function whatTheMoveMeans(move: DeadlineMove): string {
  return later(move)
    ? 'Perioden för förslag är alltså öppen längre än ni tidigare fått besked om.'
    : 'Perioden för förslag stänger alltså tidigare än ni tidigare fått besked om.';
}

/** To a municipality that was told the old deadline (at publication or by an earlier notice). */
export function deadlineMovedNotice(year: number, municipality: string, countyCode: string, move: DeadlineMove, contacts: Contacts, appUrl?: string): Mail {
  return {
    ...toMunicipality(municipality, contacts),
    subject: subject(year, `sista dag för förslag om omfördelning är ändrad till ${longTime(move.to)}`),
    text: body(
      [
        `Sista tidpunkten för förslag och samtycken om omfördelning av anvisningsandelar för ${year} är ändrad.`,
        `Tidigare sista tidpunkt: ${longTime(move.from, true)}\nNy sista tidpunkt: ${longTime(move.to, true)}`,
        `${whatTheMoveMeans(move)} Förslag, ändringar, återkallelser och samtycken tas emot till och med den nya tidpunkten; ` +
          'förslag som då inte har den mottagande kommunens samtycke förfaller. Förslag som ni redan har lämnat eller samtyckt till gäller som tidigare.',
        `Vill ${name(municipality)} lämna, ändra eller svara på ett förslag ska det göras i ${SERVICE} senast ${longTime(move.to, true)}. ` +
          'Vill ni inte omfördela behöver ni inte göra något.' +
          toService(appUrl),
      ],
      countyCode,
    ),
    dedupeKey: cycleDedupeKey(year, 'deadline-moved', move.move, move.to, municipality),
    year,
    kind: 'deadline-moved',
  };
}

/** To a county taking part, once it was told the old deadline. */
export function countyDeadlineMovedNotice(
  year: number,
  countyCode: string,
  move: DeadlineMove,
  calendar: Pick<Calendar, 'countyReportAt'>,
  contacts: Contacts,
  appUrl?: string,
): Mail {
  return {
    ...toCounty(countyCode, contacts),
    subject: subject(year, `sista dag för förslag om omfördelning är ändrad till ${longTime(move.to)} – ${countyName(countyCode)}`),
    text: body(
      [
        `Sista tidpunkten för kommunernas förslag och samtycken om omfördelning av anvisningsandelar för ${year} är ändrad.`,
        `Tidigare sista tidpunkt: ${longTime(move.from, true)}\nNy sista tidpunkt: ${longTime(move.to, true)}`,
        `${whatTheMoveMeans(move)} Alla kommuner i ${countyName(countyCode)} har fått samma besked.`,
        `Ni kan som tidigare besluta om överenskomna förslag redan nu. När perioden har stängt får ni en sammanställning av det som återstår att besluta. ` +
          `Länsrapporten ska lämnas senast ${longTime(calendar.countyReportAt, true)}.` +
          toService(appUrl),
      ],
      countyCode,
    ),
    dedupeKey: cycleDedupeKey(year, 'deadline-moved', move.move, move.to, 'county', countyCode),
    year,
    kind: 'deadline-moved',
  };
}

/** To a county that still has agreed proposals without a decision, before its report date. */
export function countyWarningNotice(year: number, countyCode: string, undecided: readonly ProposalFacts[], countyReportAt: string, contacts: Contacts, appUrl?: string): Mail {
  const one = undecided.length === 1;
  return {
    ...toCounty(countyCode, contacts),
    subject: subject(year, `${undecided.length} överenskomna förslag i ${countyName(countyCode)} väntar på beslut – länsrapporten senast ${longTime(countyReportAt)}`),
    text: body(
      [
        `${county(countyCode)} har ännu inte beslutat om ${one ? 'följande överenskomna förslag' : `följande ${undecided.length} överenskomna förslag`} ` +
          `om omfördelning av anvisningsandelar för ${year}:\n${list(undecided)}`,
        `Besluta om ${one ? 'förslaget' : 'varje förslag'} – godkänn eller avslå (ett avslag ska motiveras) – och lämna länsrapporten ` +
          `${appUrl ? '' : `i ${SERVICE} `}senast ${longTime(countyReportAt, true)}.` +
          countyNextPage(undecided, appUrl),
        'Har länsrapporten inte lämnats då, lämnas den automatiskt till Migrationsverket med de förslag som är godkända. ' +
          `Förslag som inte är beslutade ingår då inte i rapporten och ändrar inte kommunernas andelar, och de berörda kommunerna får besked om det.`,
      ],
      countyCode,
    ),
    dedupeKey: cycleDedupeKey(year, 'county-warning', countyCode, countyReportAt),
    year,
    kind: 'county-warning',
  };
}

/**
 * To each party (giver, then receiver) of an agreed proposal that the county did not decide
 * before its report was submitted automatically: the proposal does not change their shares.
 */
export function leftOutNotices(
  year: number,
  countyCode: string,
  proposal: ProposalFacts,
  at: { submittedAt: string; finalizeAt: string },
  preliminary: Readonly<Record<string, Milli>>,
  contacts: Contacts,
): Mail[] {
  return [proposal.giver, proposal.receiver].map((code) => {
    const share = preliminary[code];
    return {
      ...toMunicipality(code, contacts),
      subject: subject(year, `förslaget om ${formatPerMille(proposal.perMille)} från ${name(proposal.giver)} till ${name(proposal.receiver)} beslutades inte`),
      text: body(
        [
          `${county(countyCode)} hann inte besluta om förslaget att ${name(proposal.giver)} överlåter ${formatPerMille(proposal.perMille)} ` +
            `av sin anvisningsandel för ${year} till ${name(proposal.receiver)}, som båda kommunerna hade samtyckt till. ` +
            `Länsrapporten lämnades därför automatiskt till Migrationsverket ${longTime(at.submittedAt, true)}, utan förslaget.`,
          `Förslaget ändrar alltså inte era andelar${share !== undefined ? ` (${name(code)} har en preliminär andel på ${formatPerMille(share)})` : ''}. ` +
            `Förslaget kan inte längre beslutas för ${year}.`,
          `Ni behöver inte göra något. De slutliga andelarna fastställs ${longTime(at.finalizeAt, true)}, och då får ni besked om er slutliga andel.`,
        ],
        countyCode,
      ),
      dedupeKey: cycleDedupeKey(year, 'left-out', proposal.giver, code),
      year,
      kind: 'left-out',
    };
  });
}
