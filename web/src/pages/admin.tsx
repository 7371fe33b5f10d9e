/**
 * The administrator's pages: the year (phase, calendar as a timeline, counties' reports,
 * workflow), importing the preliminary shares from a CSV file (previewed in the browser with
 * the API's own CSV parser and amount parser), starting the year, moving a milestone,
 * importing the e-mail contacts, and the e-mails the year has sent.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Route, Router, useLocation } from 'preact-iso';
import type { CycleView, SentMailList, SentMailView, ShareList } from '../../../shared/schemas/api';
import { parsePerMille } from '../../../shared/domain/per-mille';
import { COUNTIES, findCounty, findMunicipality } from '../../../shared/reference';
import { ApiError, SessionExpired, api } from '../api';
import { ErrorSummary, FileInput, Loading, PageHeading, Panel, Problem, Select, StatusTag, SummaryList, TextInput, type FieldError } from '../components';
import { formatInstant, formatPerMille } from '../format';
import { clearStored, readStored, useLoad, useStored, useTitle } from '../hooks';
import { loadYear, type YearInfo } from '../year';
import { moveRefusal, previewContacts, previewShares, type ContactsPreview, type Preview } from '../admin-forms';
import { stockholmFields, stockholmInstant } from '../stockholm';
import { municipalityName } from '../words';
import { ENDED_UNFINISHED } from '../../../shared/domain/workflow-failure';

// --- Words ------------------------------------------------------------------------------

const PHASE_WORDS: Record<CycleView['phase'], string> = {
  PLANNED: 'Planerat: perioden för förslag har inte öppnat än',
  OPEN: 'Öppet: kommunerna kan lämna förslag',
  CLOSED: 'Stängt för förslag: länsstyrelserna beslutar och rapporterar',
  REPORTED: 'Länsrapporterna är inlämnade',
  FINAL: 'Klart: de slutliga andelarna är fastställda',
};

const REPORT_WORDS: Record<CycleView['counties'][number]['report'], { text: string; tone: 'waiting' | 'good' | 'neutral' }> = {
  PENDING: { text: 'Inte inlämnad', tone: 'waiting' },
  SUBMITTED: { text: 'Inlämnad', tone: 'good' },
  AUTO_SUBMITTED: { text: 'Inlämnad automatiskt', tone: 'good' },
};

const MILESTONE_WORDS: Record<string, string> = {
  publish: 'Publicering: perioden för förslag öppnar',
  reminder: 'Påminnelse till kommunerna',
  deadline: 'Sista dag för förslag',
  countyWarning: 'Varning till länsstyrelser med obeslutade förslag',
  countyReports: 'Länsstyrelsernas granskning börjar',
  finalize: 'Slutliga andelar',
  deadlineMoved: 'Meddelande om ändrad sista dag',
};

const WORKFLOW_WORDS: Record<string, string> = {
  RUNNING: 'Körs',
  SUCCEEDED: 'Avslutat',
  FAILED: 'Misslyckades',
  TIMED_OUT: 'Avbröts (tidsgräns)',
  ABORTED: 'Avbrutet',
};

const milestoneName = (kind: string) => MILESTONE_WORDS[kind] ?? kind;

// --- The year -----------------------------------------------------------------------------

interface Overview {
  info: YearInfo;
  shares: ShareList;
}

async function loadOverview(): Promise<Overview> {
  const info = await loadYear();
  const shares = await api<ShareList>('GET', `/v1/years/${info.year}/shares`);
  return { info, shares };
}

/** Whether the year's workflow has been started (GET cycle answers before that too, with the default calendar). */
const started = (cycle: CycleView | undefined): boolean => cycle !== undefined && cycle.workflow.status !== 'NOT_STARTED';
/** The year's execution ended without finishing the year: it can be started again (docs/workflow.md "Failures"). */
const stopped = (cycle: CycleView | undefined): boolean => cycle !== undefined && ENDED_UNFINISHED.has(cycle.workflow.status);

/** What stopped the year, in words: the recorded failure, or only how the execution ended. */
function failureRows(cycle: CycleView): { key: string; value: string }[] {
  const f = cycle.failure;
  if (!f) return [{ key: 'Arbetsflöde', value: WORKFLOW_WORDS[cycle.workflow.status] ?? cycle.workflow.status }];
  return [
    { key: 'När', value: formatInstant(f.at) },
    { key: 'Under steget', value: f.step ?? 'Okänt' },
    { key: 'Fel', value: `${f.message} (${f.error})` },
  ];
}

/** The year page's notice of a stopped year, with the way to start it again. */
function Stopped({ cycle }: { cycle: CycleView }) {
  return (
    <div class="inset">
      <h2 class="heading-m">Året har stoppats av ett fel</h2>
      <p class="body">Arbetsflödet avbröts innan året var klart. Det som redan är gjort finns kvar.</p>
      <SummaryList rows={failureRows(cycle)} />
      <p class="body">Rätta orsaken först (till exempel e-posttjänsten), och starta sedan året igen. Året fortsätter där det stoppades.</p>
      <p class="body">
        <a class="button" role="button" href="/starta">
          Starta året igen
        </a>
      </p>
    </div>
  );
}

interface TimelineItem {
  id: string;
  name: string;
  at: string;
  done: string | boolean;
}

/**
 * The milestones as people read them: the deadline at its last second (the workflow acts one
 * second later), and the county report date, which the counties' reports meet, after the warning.
 */
function timelineOf(cycle: CycleView): TimelineItem[] {
  const items: TimelineItem[] = [];
  for (const m of cycle.milestones) {
    const at = m.kind === 'deadline' ? cycle.calendar.deadline : m.at;
    items.push({ id: m.id, name: milestoneName(m.kind), at, done: m.doneAt ?? false });
    if (m.kind === 'countyWarning') {
      const all = cycle.counties.length > 0 && cycle.counties.every((c) => c.report !== 'PENDING');
      items.push({ id: 'countyReportAt', name: 'Länsrapporterna lämnas senast', at: cycle.calendar.countyReportAt, done: all });
    }
  }
  return items;
}

function Timeline({ cycle }: { cycle: CycleView }) {
  const items = timelineOf(cycle);
  const next = items.findIndex((x) => !x.done);
  return (
    <ol class="timeline">
      {items.map((m, i) => {
        const state =
          typeof m.done === 'string'
            ? { text: `Klart ${formatInstant(m.done)}`, tone: 'good' as const }
            : m.done
              ? { text: 'Klart', tone: 'good' as const }
              : i === next
                ? { text: 'Nästa', tone: 'waiting' as const }
                : { text: 'Senare', tone: 'neutral' as const };
        return (
          <li class="timeline__item" key={m.id}>
            <span class="timeline__name">{m.name}</span>
            <span class="timeline__when">{formatInstant(m.at)}</span>
            <StatusTag tone={state.tone}>{state.text}</StatusTag>
          </li>
        );
      })}
    </ol>
  );
}

function AdminYear() {
  const data = useLoad(loadOverview);
  useTitle('Året');
  const heading = <PageHeading caption="Administratör">Året</PageHeading>;
  if (data.state === 'loading') return <>{heading}<Loading /></>;
  if (data.state === 'error') return <>{heading}<Problem message={data.message} /></>;
  const { info, shares } = data.data;
  const { year, cycle } = info;
  const counties = new Set(shares.shares.map((s) => s.county));
  return (
    <>
      {heading}
      <p class="lead">Andelsår {year}</p>

      <h2 class="heading-m">Preliminära andelar</h2>
      <p class="body">
        {shares.shares.length === 0
          ? 'Inga andelar har lästs in för året.'
          : `Inlästa för ${shares.shares.length} kommuner i ${counties.size} ${counties.size === 1 ? 'län' : 'län'}.`}
      </p>
      <p class="body">
        <a href="/andelar">Läs in andelar från en fil</a>
      </p>
      <h2 class="heading-m">E-post</h2>
      <ul class="link-list">
        <li>
          <a href="/e-post">Skickade e-postmeddelanden</a>
        </li>
        <li>
          <a href="/kontakter">Läs in kontakter från en fil</a>
        </li>
      </ul>

      {!started(cycle) ? (
        <>
          <h2 class="heading-m">Året har inte startat</h2>
          <p class="body">När året startas följer tjänsten kalendern: publicering, påminnelser, sista dag, länsrapporter och slutliga andelar.</p>
          <p class="body">
            <a class="button" role="button" href="/starta">
              Starta året
            </a>
          </p>
          {cycle && (
            <>
              <h2 class="heading-m">Kalender</h2>
              <Timeline cycle={cycle} />
            </>
          )}
        </>
      ) : (
        cycle && <>
          {stopped(cycle) && <Stopped cycle={cycle} />}
          <h2 class="heading-m">Läge</h2>
          <SummaryList
            rows={[
              { key: 'Fas', value: PHASE_WORDS[cycle.phase] },
              { key: 'Arbetsflöde', value: `${WORKFLOW_WORDS[cycle.workflow.status] ?? cycle.workflow.status}${cycle.workflow.state ? `. ${cycle.workflow.state}` : ''}` },
              { key: 'Påminnelser', value: cycle.remindersFollowDeadline ? 'Följer sista dag för förslag' : 'Satta för hand' },
            ]}
          />
          <h2 class="heading-m">Kalender</h2>
          <Timeline cycle={cycle} />
          <p class="body">
            <a href="/kalender">Flytta en tidpunkt</a>
          </p>
          <h2 class="heading-m">Länsrapporter</h2>
          <SummaryList
            rows={cycle.counties.map((c) => ({
              key: findCounty(c.county)?.name ?? c.county,
              value: <StatusTag tone={REPORT_WORDS[c.report].tone}>{REPORT_WORDS[c.report].text}</StatusTag>,
            }))}
          />
        </>
      )}
    </>
  );
}

// --- Import shares ----------------------------------------------------------------------

const rowErrors = (p: Preview): FieldError[] =>
  p.fileProblem ? [{ field: 'file', message: p.fileProblem }] : p.rows.filter((r) => r.problem).map((r) => ({ field: 'file', message: `Rad ${r.line}: ${r.problem}` }));

/** An API refusal of the import as messages, each row it names with its line. */
function importRefusal(error: unknown): FieldError[] {
  if (!(error instanceof ApiError)) return [{ message: 'Något gick fel. Försök igen om en stund.' }];
  const rows = (error.details as { line?: number; municipality?: string }[]).filter((d) => d && (d.line || d.municipality));
  if (rows.length === 0) return [{ field: 'file', message: error.message }];
  return [{ field: 'file', message: error.message }, ...rows.map((d) => ({ field: 'file', message: `${d.line ? `Rad ${d.line}` : `Kommun ${d.municipality}`}: ${error.message}` }))];
}

function ImportShares() {
  const { route } = useLocation();
  const data = useLoad(loadYear);
  const [preview, setPreview] = useState<Preview>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  useTitle('Läs in preliminära andelar', errors.length > 0);
  const heading = <PageHeading caption="Administratör">Läs in preliminära andelar</PageHeading>;
  if (data.state === 'loading') return <>{heading}<Loading /></>;
  if (data.state === 'error') return <>{heading}<Problem message={data.message} /></>;
  const { year } = data.data;

  const choose = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    const p = previewShares(file.name, await file.text());
    setPreview(p);
    setErrors(rowErrors(p));
  };

  const send = async (event: Event) => {
    event.preventDefault();
    if (!preview) return setErrors([{ field: 'file', message: 'Välj en CSV-fil med andelarna.' }]);
    if (rowErrors(preview).length > 0) return setErrors(rowErrors(preview));
    setSending(true);
    try {
      const result = await api<ShareList>('PUT', `/v1/years/${year}/shares`, preview.text, 'text/csv');
      sessionStorage.setItem('omf.imported', JSON.stringify({ year, count: result.shares.length, fileName: preview.fileName }));
      route('/andelar/inlasta');
    } catch (error) {
      if (error instanceof SessionExpired) return;
      setErrors(importRefusal(error));
    } finally {
      setSending(false);
    }
  };

  const fileError = errors.filter((e) => e.field === 'file').length > 0 ? 'Filen har fel. Rätta dem och välj filen igen.' : undefined;
  const counties = new Set(preview?.rows.filter((r) => !r.problem).map((r) => findMunicipality(r.municipality)?.county));
  return (
    <>
      <a class="back-link" href="/">Tillbaka</a>
      <ErrorSummary errors={errors} />
      {heading}
      <p class="body">Andelsår {year}. Inget sparas förrän du väljer Läs in.</p>
      <form onSubmit={send} noValidate>
        <div class={`form-group${fileError ? ' form-group--error' : ''}`}>
          <label class="label" for="file">
            CSV-fil med andelarna
          </label>
          <div id="file-hint" class="hint">
            Rubrikraden municipality_code,per_mille och en rad per kommun, till exempel 0114,1,234 eller 0114;1,234. Decimalkomma eller decimalpunkt.
          </div>
          {fileError && (
            <p id="file-error" class="error-message">
              <span class="visually-hidden">Fel: </span>
              {fileError}
            </p>
          )}
          <input
            id="file"
            name="file"
            type="file"
            class={`file-upload${fileError ? ' input--error' : ''}`}
            accept=".csv,text/csv,text/plain"
            aria-describedby={`file-hint${fileError ? ' file-error' : ''}`}
            aria-invalid={fileError ? true : undefined}
            onChange={(e) => void choose(e.target as HTMLInputElement)}
          />
        </div>
        {preview && !preview.fileProblem && (
          <>
            <h2 class="heading-m">Förhandsgranskning av {preview.fileName}</h2>
            <p class="body" role="status">
              {preview.rows.length} rader, {counties.size} län. {preview.rows.filter((r) => r.problem).length === 0 ? 'Inga fel.' : `${preview.rows.filter((r) => r.problem).length} rader med fel.`}
            </p>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1; axe scrollable-region-focusable) */}
            <div class="table-wrapper" tabIndex={0} role="region" aria-label="Förhandsgranskning">
              <table class="table">
                <caption class="visually-hidden">Andelarna i filen, rad för rad</caption>
                <thead>
                  <tr>
                    <th scope="col">Rad</th>
                    <th scope="col">Kommun</th>
                    <th scope="col">Andel</th>
                    <th scope="col">Kontroll</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.map((r) => (
                    <tr key={r.line} class={r.problem ? 'table__row--error' : ''}>
                      <td>{r.line}</td>
                      <td>{r.municipality ? `${municipalityName(r.municipality)} (${r.municipality})` : ''}</td>
                      <td>{r.problem || !r.municipality ? r.amount : formatPerMille(parsePerMille(r.amount) / 1000)}</td>
                      <td>{r.problem ? <strong class="error-text">Fel: {r.problem}</strong> : 'OK'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
        <button type="submit" class="button" disabled={sending}>
          Läs in
        </button>
      </form>
    </>
  );
}

function SharesImported() {
  const done = readStored<{ year?: number; count?: number; fileName?: string }>('omf.imported', {});
  useTitle('Andelarna är inlästa');
  return (
    <>
      <Panel title="Andelarna är inlästa">
        {done.count !== undefined && (
          <>
            {done.count} kommuners preliminära andelar för andelsår {done.year}.
          </>
        )}
      </Panel>
      <p class="body">
        <a href="/">Tillbaka till året</a>
      </p>
    </>
  );
}

// --- Start the year -------------------------------------------------------------------

function StartYear() {
  const { route } = useLocation();
  const data = useLoad(loadOverview);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const again = data.state === 'ok' && stopped(data.data.info.cycle);
  const title = again ? 'Starta året igen' : 'Starta året';
  useTitle(title, errors.length > 0);
  const heading = <PageHeading caption="Administratör">{title}</PageHeading>;
  if (data.state === 'loading') return <>{heading}<Loading /></>;
  if (data.state === 'error') return <>{heading}<Problem message={data.message} /></>;
  const { info, shares } = data.data;
  const start = async () => {
    try {
      await api('POST', `/v1/years/${info.year}/cycle`);
      sessionStorage.setItem('omf.started', JSON.stringify({ year: info.year, again }));
      route('/startat');
    } catch (error) {
      if (error instanceof SessionExpired) return;
      setErrors([{ message: error instanceof ApiError ? error.message : 'Något gick fel. Försök igen om en stund.' }]);
    }
  };
  const button = (
    <button type="button" class="button" onClick={() => void start()}>
      {title}
    </button>
  );
  let body: ComponentChildren;
  if (info.cycle && stopped(info.cycle)) {
    body = (
      <>
        <SummaryList rows={[{ key: 'Andelsår', value: String(info.year) }, ...failureRows(info.cycle)]} />
        <div class="inset">
          <p class="body">Kontrollera att orsaken är rättad. När året startas igen fortsätter det där det stoppades: det som redan är gjort görs inte om, och ingen får samma e-post två gånger.</p>
        </div>
        {button}
      </>
    );
  } else if (started(info.cycle)) body = <p class="body">Andelsår {info.year} är redan startat.</p>;
  else {
    body = (
      <>
        <SummaryList
          rows={[
            { key: 'Andelsår', value: String(info.year) },
            { key: 'Preliminära andelar', value: shares.shares.length === 0 ? 'Inga inlästa' : `${shares.shares.length} kommuner` },
            ...(info.cycle
              ? [
                  { key: 'Publicering', value: formatInstant(info.cycle.calendar.publishAt) },
                  { key: 'Sista dag för förslag', value: formatInstant(info.cycle.calendar.deadline) },
                  { key: 'Länsrapporterna senast', value: formatInstant(info.cycle.calendar.countyReportAt) },
                  { key: 'Slutliga andelar', value: formatInstant(info.cycle.calendar.finalizeAt) },
                ]
              : []),
          ]}
        />
        <div class="inset">
          <p class="body">När året startas följer tjänsten kalendern och skickar e-post till kommuner och länsstyrelser vid publiceringen. Tidpunkter som inte har passerats kan flyttas efteråt.</p>
        </div>
        {button}
      </>
    );
  }
  return (
    <>
      <a class="back-link" href="/">Tillbaka</a>
      <ErrorSummary errors={errors} />
      {heading}
      {body}
    </>
  );
}

function YearStarted() {
  const done = readStored<{ year?: number; again?: boolean }>('omf.started', {});
  const title = done.again ? 'Året är startat igen' : 'Året är startat';
  useTitle(title);
  return (
    <>
      <Panel title={title}>
        {done.year !== undefined && <>Andelsår {done.year}.</>}
        {done.again && <> Arbetsflödet fortsätter där det stoppades.</>}
      </Panel>
      <p class="body">
        <a href="/">Se året och kalendern</a>
      </p>
    </>
  );
}

// --- Move a milestone -------------------------------------------------------------------

type Field = 'publishAt' | 'deadline' | 'countyReportAt' | 'finalizeAt' | `reminder-${number}`;
interface MoveDraft {
  milestone: string;
  date: string;
  time: string;
}
const MOVE_KEY = 'omf.draft.move';
const MOVE_ERRORS = 'omf.errors.move';
const emptyMove: MoveDraft = { milestone: '', date: '', time: '' };

/** The calendar fields an administrator can move, with their current instant. */
function movable(cycle: CycleView, nowMs: number): { field: Field; label: string; at: string }[] {
  const c = cycle.calendar;
  const all: { field: Field; label: string; at: string }[] = [
    { field: 'publishAt', label: 'Publicering', at: c.publishAt },
    ...c.reminders.map((at, i) => ({ field: `reminder-${i}` as Field, label: `Påminnelse ${i + 1}`, at })),
    { field: 'deadline', label: 'Sista dag för förslag', at: c.deadline },
    { field: 'countyReportAt', label: 'Länsrapporterna lämnas', at: c.countyReportAt },
    { field: 'finalizeAt', label: 'Slutliga andelar', at: c.finalizeAt },
  ];
  return all.filter((m) => Date.parse(m.at) > nowMs);
}

function patchOf(cycle: CycleView, field: Field, instant: string): Record<string, unknown> {
  if (field.startsWith('reminder-')) {
    const i = Number(field.slice('reminder-'.length));
    return { reminders: cycle.calendar.reminders.map((r, j) => (j === i ? instant : r)) };
  }
  return { [field]: instant };
}

function consequences(cycle: CycleView, field: Field): string[] {
  const published = cycle.milestones.some((m) => m.kind === 'publish' && m.doneAt);
  const out: string[] = [];
  if (field === 'deadline') {
    out.push(
      cycle.remindersFollowDeadline
        ? 'Påminnelserna flyttas med: de skickas 14 och 3 dagar före den nya sista dagen kl. 09:00 (eller arbetsdagen före). Påminnelser som redan har skickats flyttas inte.'
        : 'Påminnelserna är satta för hand och flyttas inte.',
    );
    out.push(
      published
        ? 'Alla kommuner och länsstyrelser som har fått den gamla sista dagen får ett meddelande med den gamla och den nya.'
        : 'Ingen har fått sista dagen än: den nya meddelas vid publiceringen.',
    );
  }
  if (field.startsWith('reminder-')) out.push('Påminnelserna räknas inte längre om när sista dagen flyttas: de ligger kvar där de är satta.');
  if (field === 'countyReportAt') out.push('Varningen till länsstyrelser med obeslutade förslag flyttas med (3 arbetsdagar före, kl. 09:00).');
  if (field === 'publishAt') out.push('Perioden för förslag öppnar vid den nya tidpunkten; e-posten om publiceringen skickas då.');
  return out;
}

function checkMove(draft: MoveDraft): { instant?: string; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (draft.milestone === '') errors.push({ field: 'milestone', message: 'Välj vilken tidpunkt som ska flyttas.' });
  const dateOk = /^\d{4}-\d{2}-\d{2}$/.test(draft.date.trim());
  const timeOk = /^\d{1,2}[:.]\d{2}$/.test(draft.time.trim());
  if (!dateOk) errors.push({ field: 'date', message: 'Ange ett datum, till exempel 2027-11-09.' });
  if (!timeOk) errors.push({ field: 'time', message: 'Ange en tid i timmar och minuter, till exempel 23:59.' });
  const instant = dateOk && timeOk ? stockholmInstant(draft.date, draft.time) : undefined;
  if (dateOk && timeOk && !instant) errors.push({ field: 'time', message: 'Ange ett datum som finns och en tid mellan 00:00 och 23:59.' });
  return errors.length > 0 ? { errors } : { instant: instant!, errors };
}

const allErrorsAt = (errors: FieldError[], field: string) =>
  errors
    .filter((e) => e.field === field)
    .map((e) => e.message)
    .join(' ') || undefined;

function MoveForm() {
  const { route } = useLocation();
  const data = useLoad(loadYear);
  const [draft, setDraft] = useStored<MoveDraft>(MOVE_KEY, emptyMove);
  const [errors, setErrors] = useState<FieldError[]>(() => {
    const list = readStored<{ list: FieldError[] }>(MOVE_ERRORS, { list: [] }).list;
    clearStored(MOVE_ERRORS);
    return list;
  });
  useTitle('Flytta en tidpunkt', errors.length > 0);
  const heading = <PageHeading caption="Administratör">Flytta en tidpunkt</PageHeading>;
  if (data.state === 'loading') return <>{heading}<Loading /></>;
  if (data.state === 'error') return <>{heading}<Problem message={data.message} /></>;
  const { cycle, offsetMs } = data.data;
  if (!cycle || !started(cycle)) return <>{heading}<p class="body">Året har inte startat. <a href="/">Tillbaka till året</a></p></>;
  const options = movable(cycle, Date.now() + offsetMs);
  const choose = (field: string) => {
    const m = options.find((o) => o.field === field);
    setDraft(m ? { milestone: field, ...stockholmFields(m.at) } : { ...draft, milestone: field });
  };
  const submit = (event: Event) => {
    event.preventDefault();
    const checked = checkMove(draft);
    setErrors(checked.errors);
    if (checked.errors.length === 0) route('/kalender/kontrollera');
  };
  return (
    <>
      <a class="back-link" href="/">Tillbaka</a>
      <ErrorSummary errors={errors} />
      {heading}
      <form onSubmit={submit} noValidate>
        <Select
          id="milestone"
          label="Vilken tidpunkt ska flyttas?"
          hint="Bara tidpunkter som inte har passerats kan flyttas."
          placeholder="Välj tidpunkt"
          options={options.map((o) => ({ value: o.field, label: `${o.label} (nu ${formatInstant(o.at)})` }))}
          value={draft.milestone}
          error={allErrorsAt(errors, 'milestone')}
          onInput={choose}
        />
        <TextInput id="date" label="Nytt datum" hint="Svensk tid. Till exempel 2027-11-09." type="date" width="short" value={draft.date} error={allErrorsAt(errors, 'date')} onInput={(v) => setDraft({ ...draft, date: v })} />
        <TextInput id="time" label="Ny tid" hint="Timmar och minuter, till exempel 09:00. 23:59 gäller till och med 23:59:59." inputMode="numeric" width="short" value={draft.time} error={allErrorsAt(errors, 'time')} onInput={(v) => setDraft({ ...draft, time: v })} />
        <button type="submit" class="button">
          Fortsätt
        </button>
      </form>
    </>
  );
}

function MoveCheck() {
  const { route } = useLocation();
  const data = useLoad(loadYear);
  const draft = readStored<MoveDraft>(MOVE_KEY, emptyMove);
  const [sending, setSending] = useState(false);
  useTitle('Kontrollera flytten');
  const heading = <PageHeading caption="Administratör">Kontrollera flytten</PageHeading>;
  if (data.state === 'loading') return <>{heading}<Loading /></>;
  if (data.state === 'error') return <>{heading}<Problem message={data.message} /></>;
  const { cycle, year, offsetMs } = data.data;
  const checked = checkMove(draft);
  const option = cycle && movable(cycle, Date.now() + offsetMs).find((o) => o.field === draft.milestone);
  if (!cycle || !started(cycle) || !checked.instant || !option) {
    route('/kalender', true);
    return null;
  }
  const field = draft.milestone as Field;
  const confirm = async () => {
    setSending(true);
    try {
      const moved = await api<CycleView>('PATCH', `/v1/years/${year}/cycle/calendar`, patchOf(cycle, field, checked.instant!));
      clearStored(MOVE_KEY);
      sessionStorage.setItem('omf.moved', JSON.stringify({ label: option.label, from: option.at, to: checked.instant, calendar: moved.calendar }));
      route('/kalender/flyttad');
    } catch (error) {
      setSending(false);
      if (error instanceof SessionExpired) return;
      sessionStorage.setItem(MOVE_ERRORS, JSON.stringify({ list: moveRefusal(error) }));
      route('/kalender');
    }
  };
  return (
    <>
      <a class="back-link" href="/kalender">Tillbaka</a>
      {heading}
      <SummaryList
        rows={[
          { key: 'Tidpunkt', value: option.label, change: { href: '/kalender#milestone', label: 'tidpunkt' } },
          { key: 'Nu', value: formatInstant(option.at) },
          { key: 'Ny', value: formatInstant(checked.instant), change: { href: '/kalender#date', label: 'ny tidpunkt' } },
        ]}
      />
      {consequences(cycle, field).length > 0 && (
        <>
          <h2 class="heading-m">Det här händer också</h2>
          <ul class="list list--bullet">
            {consequences(cycle, field).map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </>
      )}
      <button type="button" class="button" disabled={sending} onClick={() => void confirm()}>
        Flytta tidpunkten
      </button>
    </>
  );
}

function Moved() {
  const done = readStored<{ label?: string; from?: string; to?: string; calendar?: CycleView['calendar'] }>('omf.moved', {});
  useTitle('Tidpunkten är flyttad');
  return (
    <>
      <Panel title="Tidpunkten är flyttad">{done.label && done.to && <>{done.label}: {formatInstant(done.to)}.</>}</Panel>
      {done.calendar && (
        <SummaryList
          rows={[
            { key: 'Sista dag för förslag', value: formatInstant(done.calendar.deadline) },
            { key: 'Påminnelser', value: done.calendar.reminders.length ? done.calendar.reminders.map((r) => <div key={r}>{formatInstant(r)}</div>) : 'Inga' },
          ]}
        />
      )}
      <p class="body">
        <a href="/">Se året och kalendern</a>
      </p>
    </>
  );
}

// --- Import contacts -------------------------------------------------------------------

/** A file input with its label, hint and error (GOV.UK file upload). */
function ImportContacts() {
  const { route } = useLocation();
  const [preview, setPreview] = useState<ContactsPreview>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  useTitle('Läs in e-postkontakter', errors.length > 0);
  const choose = async (file: File) => {
    const p = previewContacts(file.name, await file.text());
    setPreview(p);
    setErrors(p.problems.map((message) => ({ field: 'contacts-file', message })));
  };
  const send = async (event: Event) => {
    event.preventDefault();
    if (!preview) return setErrors([{ field: 'contacts-file', message: 'Välj en JSON-fil med kontakterna.' }]);
    if (preview.problems.length > 0) return setErrors(preview.problems.map((message) => ({ field: 'contacts-file', message })));
    setSending(true);
    try {
      await api('PUT', '/v1/contacts', preview.body);
      sessionStorage.setItem('omf.contacts', JSON.stringify({ count: preview.rows.length }));
      route('/kontakter/inlasta');
    } catch (error) {
      if (error instanceof SessionExpired) return;
      const e = error instanceof ApiError ? error : undefined;
      const details = (e?.details ?? []).map((d) => (d as { message?: string }).message).filter((m): m is string => typeof m === 'string');
      setErrors([{ field: 'contacts-file', message: e?.message ?? 'Något gick fel. Försök igen om en stund.' }, ...details.map((message) => ({ field: 'contacts-file', message }))]);
    } finally {
      setSending(false);
    }
  };
  const fileError = errors.length > 0 ? 'Filen har fel. Rätta dem och välj filen igen.' : undefined;
  return (
    <>
      <a class="back-link" href="/">Tillbaka</a>
      <ErrorSummary errors={errors} />
      <PageHeading caption="Administratör">Läs in e-postkontakter</PageHeading>
      <p class="body">Vem som får tjänstens e-post. Det som inte står i filen ändras inte; en lista i filen ersätter den som finns. Inget sparas förrän du väljer Läs in.</p>
      <form onSubmit={send} noValidate>
        <FileInput
          id="contacts-file"
          label="JSON-fil med kontakterna"
          hint='Till exempel {"municipalities": {"0360": {"emails": ["registrator@tierp.se"]}}, "counties": {"03": {"mailbox": "uppsala@lansstyrelsen.se", "officers": []}}}.'
          error={fileError}
          accept=".json,application/json"
          onFile={(f) => void choose(f)}
        />
        {preview && preview.problems.length === 0 && (
          <>
            <h2 class="heading-m">Förhandsgranskning av {preview.fileName}</h2>
            <SummaryList rows={preview.rows.map((r) => ({ key: r.who, value: r.addresses }))} />
          </>
        )}
        <button type="submit" class="button" disabled={sending}>
          Läs in
        </button>
      </form>
    </>
  );
}

function ContactsImported() {
  const done = readStored<{ count?: number }>('omf.contacts', {});
  useTitle('Kontakterna är inlästa');
  return (
    <>
      <Panel title="Kontakterna är inlästa">{done.count !== undefined && <>{done.count} mottagare har fått nya adresser.</>}</Panel>
      <p class="body">
        <a href="/">Tillbaka till året</a>
      </p>
    </>
  );
}

// --- Sent e-mails ---------------------------------------------------------------------

interface MailPage {
  year: number;
  mails: SentMailView[];
  next?: string;
}

const mailsPath = (year: number, county: string, after?: string): string => {
  const query = new URLSearchParams({ ...(county && { county }), ...(after && { after }) }).toString();
  return `/v1/years/${year}/mails${query ? `?${query}` : ''}`;
};

async function loadMails(county: string): Promise<MailPage> {
  const { year } = await loadYear();
  const list = await api<SentMailList>('GET', mailsPath(year, county));
  return { year, mails: list.mails, ...(list.next && { next: list.next }) };
}

/** Whom a mail went to: the organisation, then its addresses, the copies marked as such. */
function Recipients({ mail }: { mail: SentMailView }) {
  return (
    <>
      <strong>{mail.addressee.name}</strong>
      {mail.to.map((a) => (
        <div key={a}>{a}</div>
      ))}
      {mail.cc.length > 0 && <div>Kopia: {mail.cc.join(', ')}</div>}
    </>
  );
}

/** The year's mails, newest first, with a county filter (`?lan=03`) and more on request. */
function SentMails() {
  const { query, route } = useLocation();
  const county = findCounty(query.lan ?? '') ? query.lan! : '';
  const data = useLoad(() => loadMails(county), [county]);
  const [choice, setChoice] = useState(county);
  const [more, setMore] = useState<{ for: MailPage; mails: SentMailView[]; next?: string }>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreFailed, setMoreFailed] = useState(false);
  useTitle('Skickade e-postmeddelanden');
  const heading = <PageHeading caption="Administratör">Skickade e-postmeddelanden</PageHeading>;
  if (data.state === 'loading') return <>{heading}<Loading /></>;
  if (data.state === 'error') return <>{heading}<Problem message={data.message} /></>;
  const first = data.data;
  // What "Visa fler" added belongs to this first page only (a new filter starts over).
  const extra = more?.for === first ? more : undefined;
  const mails = [...first.mails, ...(extra?.mails ?? [])];
  const next = extra ? extra.next : first.next;
  const where = county ? ` om ${findCounty(county)!.name}` : '';

  const filter = (event: Event) => {
    event.preventDefault();
    route(choice ? `/e-post?lan=${choice}` : '/e-post');
  };
  const showMore = async () => {
    setLoadingMore(true);
    setMoreFailed(false);
    try {
      const list = await api<SentMailList>('GET', mailsPath(first.year, county, next));
      setMore({ for: first, mails: [...(extra?.mails ?? []), ...list.mails], ...(list.next && { next: list.next }) });
    } catch (error) {
      if (!(error instanceof SessionExpired)) setMoreFailed(true);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <>
      <a class="back-link" href="/">Tillbaka</a>
      {heading}
      <p class="lead">Andelsår {first.year}</p>
      <p class="body">E-post som tjänsten har skickat för året, det senaste först. Ett meddelande som har skickats på nytt till nya adresser visas en gång till, med bara de nya adresserna.</p>
      <form onSubmit={filter} noValidate>
        <Select
          id="lan"
          label="Län"
          hint="Visa bara meddelanden som gäller ett län: till länets kommuner och länsstyrelse, och länets rapport till Migrationsverket."
          placeholder="Alla län"
          options={COUNTIES.map((c) => ({ value: c.code, label: c.name }))}
          value={choice}
          onInput={setChoice}
        />
        <button type="submit" class="button button--secondary">
          Visa
        </button>
      </form>
      {mails.length === 0 ? (
        <p class="body">Inga e-postmeddelanden{where} har skickats för andelsår {first.year} än.</p>
      ) : (
        <>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1; axe scrollable-region-focusable) */}
          <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="mails-caption">
            <table class="table">
              <caption id="mails-caption" class="table__caption">
                Skickade e-postmeddelanden{where}, de senaste först (svensk tid)
              </caption>
              <thead>
                <tr>
                  <th scope="col">Skickat</th>
                  <th scope="col">Till</th>
                  <th scope="col">Ämne</th>
                </tr>
              </thead>
              <tbody>
                {mails.map((m) => (
                  <tr key={`${m.sentAt}${m.subject}${m.to.join()}`}>
                    <td>{formatInstant(m.sentAt)}</td>
                    <td>
                      <Recipients mail={m} />
                    </td>
                    <td>{m.subject}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="body" role="status">
            {next ? `Visar de ${mails.length} senaste meddelandena.` : `Visar alla ${mails.length} meddelanden.`}
          </p>
          {moreFailed && (
            <p class="body error-text" role="alert">
              Fler meddelanden kunde inte hämtas. Försök igen om en stund.
            </p>
          )}
          {next && (
            <button type="button" class="button button--secondary" disabled={loadingMore} onClick={() => void showMore()}>
              Visa fler meddelanden
            </button>
          )}
        </>
      )}
    </>
  );
}

/** The administrator's routes (app.tsx routes a signed-in administrator here). */
export function AdminRoutes() {
  return (
    <Router>
      <Route path="/" component={AdminYear} />
      <Route path="/andelar" component={ImportShares} />
      <Route path="/andelar/inlasta" component={SharesImported} />
      <Route path="/starta" component={StartYear} />
      <Route path="/startat" component={YearStarted} />
      <Route path="/kalender" component={MoveForm} />
      <Route path="/kalender/kontrollera" component={MoveCheck} />
      <Route path="/kalender/flyttad" component={Moved} />
      <Route path="/kontakter" component={ImportContacts} />
      <Route path="/kontakter/inlasta" component={ContactsImported} />
      <Route path="/e-post" component={SentMails} />
      <Route default component={AdminNotFound} />
    </Router>
  );
}

function AdminNotFound() {
  useTitle('Sidan finns inte');
  return (
    <>
      <PageHeading>Sidan finns inte</PageHeading>
      <p class="body">
        Kontrollera adressen, eller gå till <a href="/">startsidan</a>.
      </p>
    </>
  );
}
