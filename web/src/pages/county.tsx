import { useCheckPage } from '../check-page';
import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { findCounty } from '../../../shared/reference';
import { DecisionBody, type AuditEvent, type AuditList, type ProposalHistory, type ProposalList, type ProposalView, type ReportView, type ShareList } from '../../../shared/schemas/api';
import { ApiError, SessionExpired, api } from '../api';
import { ErrorSummary, Loading, PageHeading, Panel, Problem, Radios, StatusTag, SummaryList, TextArea, errorFor, type FieldError } from '../components';
import { formatInstant, formatPerMille } from '../format';
import { ProposalHistoryList } from '../history';
import { clearStored, readStored, useLoad, useStored, useTitle } from '../hooks';
import { token } from '../session';
import { loadYear, type YearInfo } from '../year';
import { municipalityName, statusName, statusTone } from '../words';

const countyName = (county: string) => `Länsstyrelsen i ${findCounty(county)?.name ?? county}`;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

interface Board {
  info: YearInfo;
  proposals: ProposalView[];
  /** The county report has been submitted (by the officer or automatically): decisions are final. */
  reported: boolean;
}

async function loadBoard(county: string): Promise<Board> {
  const info = await loadYear();
  if (!info.cycle) return { info, proposals: [], reported: false };
  const list = await api<ProposalList>('GET', `/v1/years/${info.year}/proposals?county=${county}`);
  const report = info.cycle.counties.find((c) => c.county === county)?.report ?? 'PENDING';
  return { info, proposals: list.proposals, reported: report !== 'PENDING' };
}

/** The board's groups, in the order the officer works through them. */
const GROUPS: { title: string; statuses: ProposalView['status'][]; empty: string }[] = [
  { title: 'Att besluta', statuses: ['AGREED'], empty: 'Inga överenskomna förslag väntar på beslut.' },
  { title: 'Beslutade', statuses: ['APPROVED', 'REJECTED'], empty: 'Inga förslag är beslutade än.' },
  { title: 'Väntar på mottagaren', statuses: ['AWAITING_RECEIVER'], empty: 'Inga förslag väntar på den mottagande kommunens svar.' },
  { title: 'Avslutade', statuses: ['DECLINED', 'WITHDRAWN', 'EXPIRED'], empty: 'Inga förslag är avböjda, återkallade eller förfallna.' },
];

const references = (p: ProposalView): string[] =>
  [
    p.giverResolution?.decisionReference && `${municipalityName(p.giver)}: ${p.giverResolution.decisionReference}`,
    p.receiverResolution?.decisionReference && `${municipalityName(p.receiver)}: ${p.receiverResolution.decisionReference}`,
  ].filter((s): s is string => Boolean(s));

const decisionText = (p: ProposalView): string =>
  p.decision ? `${p.decision.outcome === 'APPROVED' ? 'Godkänt' : 'Avslaget'} ${formatInstant(p.decision.at)} av ${p.decision.by}${p.decision.reason ? `: ${p.decision.reason}` : ''}` : '';

function ProposalTable({ proposals, reported, id }: { proposals: ProposalView[]; reported: boolean; id: string }) {
  return (
    <div class="table-wrap">
      <table class="table" aria-labelledby={id}>
        <thead>
          <tr>
            <th scope="col">Ger</th>
            <th scope="col">Tar emot</th>
            <th scope="col" class="table__numeric">Andel</th>
            <th scope="col">Läge</th>
            <th scope="col">Kommunernas beslut</th>
            <th scope="col"><span class="visually-hidden">Åtgärd</span></th>
          </tr>
        </thead>
        <tbody>
          {proposals.map((p) => {
            const decidable = !reported && (p.status === 'AGREED' || p.status === 'APPROVED' || p.status === 'REJECTED');
            const from = municipalityName(p.giver);
            return (
              <tr key={p.giver}>
                <th scope="row">{from}</th>
                <td>{municipalityName(p.receiver)}</td>
                <td class="table__numeric">{formatPerMille(p.perMille)}</td>
                <td>
                  <StatusTag tone={statusTone(p.status)}>{statusName(p.status)}</StatusTag>
                  {p.decision && <div class="hint">{decisionText(p)}</div>}
                </td>
                <td>{references(p).length ? references(p).map((r) => <div key={r}>{r}</div>) : 'Inga angivna'}</td>
                <td>
                  {decidable ? (
                    <a href={`/beslut/${p.giver}`}>
                      {p.status === 'AGREED' ? 'Besluta' : 'Ändra beslutet'}
                      <span class="visually-hidden"> om förslaget från {from}</span>
                    </a>
                  ) : (
                    '–'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function CountyStart({ county }: { county: string }) {
  const data = useLoad(() => loadBoard(county), [county]);
  useTitle('Länets förslag');
  const heading = <PageHeading caption={countyName(county)}>Länets förslag</PageHeading>;
  if (data.state === 'loading') return <>{heading}<Loading /></>;
  if (data.state === 'error') return <>{heading}<Problem message={data.message} /></>;
  const { info, proposals, reported } = data.data;
  if (!info.cycle) return <>{heading}<p class="body">Omfördelningen för andelsår {info.year} har inte startat än.</p></>;
  return (
    <>
      {heading}
      <p class="lead">Andelsår {info.year}</p>
      <div class="inset">
        <p class="body">
          <strong>Sista dag för förslag:</strong> {formatInstant(info.cycle.calendar.deadline)}.{' '}
          {info.cycle.phase === 'PLANNED' ? 'Perioden för förslag har inte öppnat än.' : info.cycle.phase === 'OPEN' ? 'Perioden för förslag är öppen.' : 'Perioden för förslag är stängd.'}
        </p>
        <p class="body">
          <strong>Länsrapporten:</strong> {reported ? 'inlämnad' : `lämnas senast ${formatInstant(info.cycle.calendar.countyReportAt)}`}
        </p>
      </div>
      <ul class="link-list">
        <li><a href="/rapport">{reported ? 'Visa länsrapporten' : 'Förhandsgranska och lämna länsrapporten'}</a></li>
        <li><a href="/handelser">Visa händelser i länet</a></li>
      </ul>
      {GROUPS.map((g, i) => {
        const rows = proposals.filter((p) => g.statuses.includes(p.status));
        return (
          <section key={g.title} aria-labelledby={`group-${i}`}>
            <h2 class="heading-m" id={`group-${i}`}>
              {g.title} ({rows.length})
            </h2>
            {rows.length === 0 ? <p class="body">{g.empty}</p> : <ProposalTable proposals={rows} reported={reported} id={`group-${i}`} />}
          </section>
        );
      })}
    </>
  );
}

// --- Decide ----------------------------------------------------------------------------

interface DecisionDraft {
  outcome: '' | 'APPROVED' | 'REJECTED';
  reason: string;
}
const emptyDecision: DecisionDraft = { outcome: '', reason: '' };
const DECISION_KEY = (giver: string) => `omf.draft.decision.${giver}`;
const DECISION_ERRORS_KEY = 'omf.errors.decision';

/** The decision's body, checked with the API's own schema (a rejection needs a reason, as the API says). */
function decisionBody(d: DecisionDraft): { body?: DecisionBody; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (d.outcome === '') errors.push({ field: 'outcome', message: 'Välj om länsstyrelsen godkänner eller avslår förslaget.' });
  const reason = d.reason.trim();
  if (d.outcome === 'REJECTED' && reason === '') errors.push({ field: 'reason', message: 'Ett avslag ska motiveras. Skriv varför länsstyrelsen avslår förslaget.' });
  if (errors.length) return { errors };
  const parsed = DecisionBody.safeParse({ outcome: d.outcome, ...(reason !== '' && { reason }) });
  if (!parsed.success) {
    return {
      errors: parsed.error.issues.map((i) => ({
        field: i.path[0] === 'reason' ? 'reason' : 'outcome',
        message: i.code === 'too_big' ? `Texten får vara högst ${String(i.maximum)} tecken lång.` : i.code === 'custom' || i.code === 'invalid_format' ? i.message : 'Kontrollera uppgiften.',
      })),
    };
  }
  return { body: parsed.data, errors };
}

function decisionErrors(error: unknown): FieldError[] {
  if (!(error instanceof ApiError)) return [{ message: 'Något gick fel. Försök igen om en stund.' }];
  if (error.code === 'REJECTION_REASON_REQUIRED') return [{ field: 'reason', message: error.message }];
  if (error.code === 'VALIDATION_FAILED' && error.details.length > 0) {
    return error.details.map((d) => {
      const detail = d as { path?: string; message?: string };
      return { field: detail.path === 'reason' ? 'reason' : detail.path === 'outcome' ? 'outcome' : undefined, message: detail.message ?? error.message };
    });
  }
  return [{ message: error.message }];
}

async function loadOne(county: string, giver: string) {
  const board = await loadBoard(county);
  const info = board.info;
  const path = `/v1/years/${info.year}/proposals/${encodeURIComponent(giver)}`;
  const [proposal, history] = await Promise.all([api<ProposalView>('GET', path), api<ProposalHistory>('GET', `${path}/history`)]);
  return { info, proposal, history, reported: board.reported };
}

export function DecideForm({ county }: { county: string }) {
  const { route } = useLocation();
  const { params } = useRoute();
  const giver = params.giver ?? '';
  const data = useLoad(() => loadOne(county, giver), [giver]);
  const [draft, setDraft] = useStored<DecisionDraft>(DECISION_KEY(giver), emptyDecision);
  const [errors, setErrors] = useState<FieldError[]>(() => {
    const list = readStored<{ list: FieldError[] }>(DECISION_ERRORS_KEY, { list: [] }).list;
    clearStored(DECISION_ERRORS_KEY);
    return list;
  });
  const title = 'Besluta om förslaget';
  useTitle(title, errors.length > 0);
  if (data.state === 'loading') return <><PageHeading>{title}</PageHeading><Loading /></>;
  if (data.state === 'error') return <><PageHeading>{title}</PageHeading><Problem message={data.message} /><p class="body"><a href="/">Tillbaka till länets förslag</a></p></>;
  const { proposal: p, history, reported } = data.data;
  const set = (patch: Partial<DecisionDraft>) => setDraft({ ...draft, ...patch });
  if (reported || !(p.status === 'AGREED' || p.status === 'APPROVED' || p.status === 'REJECTED')) {
    return (
      <>
        <PageHeading>{title}</PageHeading>
        <p class="body">{reported ? 'Länsrapporten är inlämnad. Besluten kan inte ändras.' : `Förslaget går inte att besluta om: det är ${statusName(p.status).toLowerCase()}.`}</p>
        <p class="body"><a href="/">Tillbaka till länets förslag</a></p>
        <ProposalHistoryList events={history.events} />
      </>
    );
  }
  const submit = (event: Event) => {
    event.preventDefault();
    const checked = decisionBody(draft);
    setErrors(checked.errors);
    if (checked.errors.length === 0) route(`/beslut/${giver}/kontrollera`);
  };
  return (
    <>
      <a class="back-link" href="/">Tillbaka</a>
      <ErrorSummary errors={errors} />
      <PageHeading caption={countyName(county)}>
        {title} från {municipalityName(p.giver)} till {municipalityName(p.receiver)}
      </PageHeading>
      <SummaryList
        rows={[
          { key: 'Andel', value: formatPerMille(p.perMille) },
          { key: 'Läge', value: <StatusTag tone={statusTone(p.status)}>{statusName(p.status)}</StatusTag> },
          ...(p.receiverConsentAt ? [{ key: 'Samtycke', value: formatInstant(p.receiverConsentAt) }] : []),
          { key: 'Kommunernas beslut', value: references(p).length ? references(p).map((r) => <div key={r}>{r}</div>) : 'Inga angivna' },
          ...(p.decision ? [{ key: 'Nuvarande beslut', value: decisionText(p) }] : []),
        ]}
      />
      {p.decision && <p class="body">Ett nytt beslut ersätter det nuvarande. Kommunerna får ett e-brev om det.</p>}
      <form onSubmit={submit} noValidate>
        <Radios
          id="outcome"
          label="Vad beslutar länsstyrelsen?"
          options={[
            { value: 'APPROVED', label: 'Godkänn förslaget' },
            { value: 'REJECTED', label: 'Avslå förslaget' },
          ]}
          value={draft.outcome}
          error={errorFor(errors, 'outcome')}
          onInput={(v) => set({ outcome: v as DecisionDraft['outcome'] })}
        />
        <TextArea
          id="reason"
          label="Motivering"
          hint="Krävs om ni avslår förslaget. Högst 2 000 tecken. Kommunerna får läsa den."
          value={draft.reason}
          error={errorFor(errors, 'reason')}
          onInput={(v) => set({ reason: v })}
        />
        <button type="submit" class="button">Fortsätt</button>
      </form>
      <ProposalHistoryList events={history.events} />
    </>
  );
}

export function DecideCheck({ county }: { county: string }) {
  const { route } = useLocation();
  const { params } = useRoute();
  const giver = params.giver ?? '';
  const href = `/beslut/${giver}`;
  const { body, errors, sending, send } = useCheckPage({
    title: 'Kontrollera beslutet',
    draftKey: DECISION_KEY(giver),
    empty: emptyDecision,
    check: decisionBody,
    formHref: href,
    errorsKey: DECISION_ERRORS_KEY,
    toErrors: decisionErrors,
    async submit(body) {
      const info = await loadYear();
      const p = await api<ProposalView>('POST', `/v1/years/${info.year}/proposals/${giver}/decision`, body);
      clearStored(DECISION_KEY(giver));
      sessionStorage.setItem('omf.decided', JSON.stringify({ giver, receiver: p?.receiver ?? '', outcome: body.outcome }));
      route(`/beslut/${giver}/skickat`);
    },
  });
  if (!body) return null;
  return (
    <>
      <a class="back-link" href={href}>Tillbaka</a>
      <ErrorSummary errors={errors} />
      <PageHeading caption={countyName(county)}>Kontrollera beslutet</PageHeading>
      <SummaryList
        rows={[
          { key: 'Förslag från', value: municipalityName(giver) },
          { key: 'Beslut', value: body.outcome === 'APPROVED' ? 'Godkänn förslaget' : 'Avslå förslaget', change: { href: `${href}#outcome`, label: 'beslut' } },
          { key: 'Motivering', value: body.reason ?? 'Ingen', change: { href: `${href}#reason`, label: 'motivering' } },
        ]}
      />
      <p class="body">När ni skickar beslutet får båda kommunerna ett e-brev om det.</p>
      <form onSubmit={send}>
        <button type="submit" class="button" disabled={sending} aria-disabled={sending}>Skicka beslutet</button>
      </form>
    </>
  );
}

export function DecideSent() {
  const sent = readStored<{ giver: string; receiver: string; outcome: string }>('omf.decided', { giver: '', receiver: '', outcome: 'APPROVED' });
  const title = sent.outcome === 'APPROVED' ? 'Förslaget är godkänt' : 'Förslaget är avslaget';
  useTitle(title);
  return (
    <>
      <Panel title={title}>{sent.giver && <>Förslaget från {municipalityName(sent.giver)}{sent.receiver && ` till ${municipalityName(sent.receiver)}`}.</>}</Panel>
      <h2 class="heading-m">Vad händer nu</h2>
      <p class="body">Båda kommunerna har fått ett e-brev om beslutet. Ni kan ändra beslutet tills länsrapporten är inlämnad.</p>
      <p class="body"><a href="/">Tillbaka till länets förslag</a></p>
    </>
  );
}

// --- The report ----------------------------------------------------------------------

interface Row {
  municipality: string;
  name: string;
  before: number;
  given: number;
  received: number;
  after: number;
}

interface ReportData {
  info: YearInfo;
  rows: Row[];
  report: ReportView | undefined;
}

async function loadReport(county: string): Promise<ReportData> {
  const info = await loadYear();
  if (!info.cycle) return { info, rows: [], report: undefined };
  const reported = (info.cycle.counties.find((c) => c.county === county)?.report ?? 'PENDING') !== 'PENDING';
  if (reported) {
    const report = await api<ReportView>('GET', `/v1/years/${info.year}/counties/${county}/report`);
    const rows = report.municipalities.map((m) => ({ municipality: m.municipality, name: m.name, before: m.preliminaryPerMille, given: m.givenPerMille, received: m.receivedPerMille, after: m.resultingPerMille }));
    return { info, rows, report };
  }
  const shares = await api<ShareList>('GET', `/v1/years/${info.year}/shares?county=${county}`);
  const rows = shares.shares.map((s) => ({
    municipality: s.municipality,
    name: s.name,
    before: s.preliminaryPerMille,
    given: s.givenPerMille,
    received: s.receivedPerMille,
    after: round3(s.preliminaryPerMille - s.givenPerMille + s.receivedPerMille),
  }));
  return { info, rows, report: undefined };
}

/** Bars before and after per municipality; hidden from screen readers, the table below holds the same figures. */
function ShareChart({ rows }: { rows: Row[] }) {
  const max = Math.max(0.001, ...rows.flatMap((r) => [r.before, r.after]));
  const pct = (n: number) => `${((n / max) * 100).toFixed(2)}%`;
  return (
    <figure class="chart">
      <figcaption class="body">
        Diagrammet visar varje kommuns andel före (grå stapel) och efter (blå stapel) omfördelningen. Samma uppgifter finns i tabellen under diagrammet.
      </figcaption>
      <div aria-hidden="true">
        {rows.map((r) => (
          <div class="chart__row" key={r.municipality}>
            <span class="chart__label">{r.name}</span>
            <span class="chart__bars">
              <span class="chart__bar chart__bar--before" style={{ width: pct(r.before) }} />
              <span class="chart__bar chart__bar--after" style={{ width: pct(r.after) }} />
            </span>
            <span class="chart__value">
              {formatPerMille(r.before)} → {formatPerMille(r.after)}
            </span>
          </div>
        ))}
      </div>
    </figure>
  );
}

function ShareTable({ rows }: { rows: Row[] }) {
  const before = round3(rows.reduce((s, r) => s + r.before, 0));
  const after = round3(rows.reduce((s, r) => s + r.after, 0));
  return (
    <div class="table-wrap">
      <table class="table" id="share-table">
        <caption class="table__caption">Andelar före och efter omfördelningen, i promille</caption>
        <thead>
          <tr>
            <th scope="col">Kommun</th>
            <th scope="col" class="table__numeric">Före</th>
            <th scope="col" class="table__numeric">Ger</th>
            <th scope="col" class="table__numeric">Tar emot</th>
            <th scope="col" class="table__numeric">Efter</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.municipality}>
              <th scope="row">{r.name}</th>
              <td class="table__numeric">{formatPerMille(r.before)}</td>
              <td class="table__numeric">{formatPerMille(r.given)}</td>
              <td class="table__numeric">{formatPerMille(r.received)}</td>
              <td class="table__numeric">{formatPerMille(r.after)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Länet totalt</th>
            <td class="table__numeric">{formatPerMille(before)}</td>
            <td />
            <td />
            <td class="table__numeric">{formatPerMille(after)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** The report as CSV: fetched with the bearer, saved under the name the API gives. */
async function downloadCsv(year: number, county: string): Promise<void> {
  const jwt = token();
  const res = await fetch(`/v1/years/${year}/counties/${county}/report`, { headers: { accept: 'text/csv', ...(jwt && { authorization: `Bearer ${jwt}` }) } });
  if (!res.ok) throw new Error('Filen kunde inte hämtas. Försök igen om en stund.');
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name ? decodeURIComponent(name) : `lansrapport-${year}-${county}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ReportPage({ county }: { county: string }) {
  const { route } = useLocation();
  const data = useLoad(() => loadReport(county), [county]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  const submitted = data.state === 'ok' && data.data.report !== undefined;
  const title = submitted ? 'Länsrapporten' : 'Förhandsgranska länsrapporten';
  useTitle(title, errors.length > 0);
  const heading = <PageHeading caption={countyName(county)}>{title}</PageHeading>;
  if (data.state === 'loading') return <>{heading}<Loading /></>;
  if (data.state === 'error') return <>{heading}<Problem message={data.message} /></>;
  const { info, rows, report } = data.data;
  if (!info.cycle) return <>{heading}<p class="body">Omfördelningen för andelsår {info.year} har inte startat än.</p></>;
  const send = async (event: Event) => {
    event.preventDefault();
    if (sending) return;
    setSending(true);
    try {
      await api('POST', `/v1/years/${info.year}/counties/${county}/report`);
      route('/rapport/skickad');
    } catch (error) {
      if (error instanceof SessionExpired) return;
      setSending(false);
      setErrors([{ message: error instanceof ApiError ? error.message : 'Något gick fel. Försök igen om en stund.' }]);
    }
  };
  const download = () => {
    setErrors([]);
    downloadCsv(info.year, county).catch((error: unknown) => setErrors([{ message: error instanceof Error ? error.message : 'Filen kunde inte hämtas.' }]));
  };
  return (
    <>
      <a class="back-link" href="/">Tillbaka</a>
      <ErrorSummary errors={errors} />
      {heading}
      <p class="lead">Andelsår {info.year}</p>
      {report ? (
        <SummaryList
          rows={[
            { key: 'Inlämnad', value: `${formatInstant(report.submittedAt)}${report.mode === 'AUTO_SUBMITTED' ? ' (automatiskt)' : ` av ${report.submittedBy}`}` },
            { key: 'Förslag i rapporten', value: String(report.proposals.length) },
            { key: 'Länets andel', value: `${formatPerMille(report.totals.beforePerMille)} före och ${formatPerMille(report.totals.afterPerMille)} efter` },
            { key: 'Fast ersättning', value: report.fixedCompensation.statement },
          ]}
        />
      ) : (
        <p class="body">Så här blir andelarna med de godkända förslagen. Länets totala andel ändras inte.</p>
      )}
      <ShareChart rows={rows} />
      <ShareTable rows={rows} />
      {report ? (
        <button type="button" class="button button--secondary" onClick={download}>
          Ladda ner rapporten som CSV-fil
        </button>
      ) : (
        <>
          <h2 class="heading-m">Lämna rapporten</h2>
          <p class="body">
            Alla överenskomna förslag ska vara beslutade, och perioden för förslag ska ha stängt. Rapporten skickas till Migrationsverket och kan inte ändras efteråt.
          </p>
          <form onSubmit={send}>
            <button type="submit" class="button" disabled={sending} aria-disabled={sending}>Lämna länsrapporten</button>
          </form>
        </>
      )}
    </>
  );
}

export function ReportSent() {
  useTitle('Länsrapporten är inlämnad');
  return (
    <>
      <Panel title="Länsrapporten är inlämnad">Migrationsverket har fått rapporten.</Panel>
      <h2 class="heading-m">Vad händer nu</h2>
      <p class="body">Andelarna fastställs när alla län har lämnat sina rapporter. Besluten om förslagen kan inte längre ändras.</p>
      <p class="body"><a href="/rapport">Visa länsrapporten</a></p>
      <p class="body"><a href="/">Tillbaka till länets förslag</a></p>
    </>
  );
}

// --- The audit -----------------------------------------------------------------------

const amount = (e: AuditEvent): string => (typeof e.perMille === 'number' ? formatPerMille(e.perMille) : '');
const name = (code: unknown): string => (typeof code === 'string' ? municipalityName(code) : 'kommunen');

/** What happened, in Swedish. */
function eventPhrase(e: AuditEvent): string {
  switch (e.type) {
    case 'SharesImported': return 'De preliminära andelarna lästes in';
    case 'WindowOpened': return 'Perioden för förslag öppnade';
    case 'ProposalSubmitted': return `${name(e.giver)} föreslog att ge ${amount(e)} till ${name(e.receiver)}`;
    case 'ProposalAmended': return `${name(e.giver)} ändrade sitt förslag: ${amount(e)} till ${name(e.receiver)}`;
    case 'ProposalWithdrawn': return `${name(e.giver)} återkallade sitt förslag`;
    case 'ReceiverConsented': return `Mottagaren samtyckte till förslaget från ${name(e.giver)}`;
    case 'ReceiverDeclined': return `Mottagaren avböjde förslaget från ${name(e.giver)}`;
    case 'WindowClosed': {
      const expired = Array.isArray(e.expired) ? e.expired.length : 0;
      return `Perioden för förslag stängde${expired ? ` (${expired} obesvarade förslag förföll)` : ''}`;
    }
    case 'ProposalDecided': return `Länsstyrelsen ${e.outcome === 'APPROVED' ? 'godkände' : 'avslog'} förslaget från ${name(e.giver)}${typeof e.reason === 'string' ? `: ${e.reason}` : ''}`;
    case 'CountyReportSubmitted': return e.mode === 'AUTO_SUBMITTED' ? 'Länsrapporten lämnades automatiskt' : 'Länsstyrelsen lämnade länsrapporten';
    case 'SharesFinalized': return 'Andelarna fastställdes';
    default: return e.type;
  }
}

const organisationOf = (actor: AuditEvent['actor']): string =>
  actor.role === 'municipality' && actor.id ? `${municipalityName(actor.id)} (${actor.id})`
  : actor.role === 'county' && actor.id ? countyName(actor.id)
  : actor.role === 'admin' ? 'Administratör'
  : actor.role === 'system' ? 'Tjänsten (automatiskt)'
  : actor.role;

const personOf = (actor: AuditEvent['actor']): string => {
  const p = actor.person;
  if (!p) return actor.role === 'system' ? '–' : 'Okänd';
  if (p.name && p.email) return `${p.name} (${p.email})`;
  return p.name ?? p.email ?? p.sub;
};

export function AuditPage({ county }: { county: string }) {
  const data = useLoad(async () => {
    const info = await loadYear();
    if (!info.cycle) return { info, events: [] as AuditEvent[] };
    const list = await api<AuditList>('GET', `/v1/years/${info.year}/audit?county=${county}`);
    return { info, events: list.events };
  }, [county]);
  useTitle('Händelser i länet');
  const heading = <PageHeading caption={countyName(county)}>Händelser i länet</PageHeading>;
  if (data.state === 'loading') return <>{heading}<Loading /></>;
  if (data.state === 'error') return <>{heading}<Problem message={data.message} /></>;
  const { info, events } = data.data;
  return (
    <>
      <a class="back-link" href="/">Tillbaka</a>
      {heading}
      <p class="lead">Andelsår {info.year}</p>
      {events.length === 0 ? (
        <p class="body">Inget har hänt i länet än.</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="table__caption">Alla händelser, de äldsta först (svensk tid)</caption>
            <thead>
              <tr>
                <th scope="col">Tid</th>
                <th scope="col">Vad hände</th>
                <th scope="col">Vem</th>
                <th scope="col">Organisation</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq}>
                  <td>{formatInstant(e.at)}</td>
                  <td>{eventPhrase(e)}</td>
                  <td>{personOf(e.actor)}</td>
                  <td>{organisationOf(e.actor)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
