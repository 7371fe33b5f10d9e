import { useState } from 'preact/hooks';
import { resetClock } from '../clock';
import { ErrorSummary, Loading, PageHeading, Panel, Problem, TextInput, errorFor, type FieldError } from '../components';
import { formatInstant } from '../format';
import { useLoad, useTitle } from '../hooks';
import { stockholmFields, stockholmInstant } from '../stockholm';

async function readClock(url: string): Promise<string> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error('Klockan i testmiljön gick inte att läsa.');
  return ((await res.json()) as { now: string }).now;
}

/**
 * The local stack's clock (only where the configuration names one): move it forward, so that
 * the calendar's milestones (publication, deadline, county reports, final shares) happen now.
 */
export function LocalClockPage({ clockUrl }: { clockUrl: string }) {
  const data = useLoad(() => readClock(clockUrl), [clockUrl]);
  const [draft, setDraft] = useState<{ date: string; time: string }>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [moved, setMoved] = useState<string>();
  useTitle(moved ? 'Klockan är flyttad' : 'Klockan i testmiljön', errors.length > 0);
  if (moved) {
    return (
      <>
        <Panel title="Klockan är flyttad">Nu är det {formatInstant(moved)} i testmiljön.</Panel>
        <p class="body">Det som skulle ha hänt fram till dess, som utskick, att perioden för förslag stänger och automatiska länsrapporter, sker nu. Det kan ta några sekunder.</p>
        <p class="body"><a href="/">Till startsidan</a></p>
      </>
    );
  }
  const heading = <PageHeading caption="Lokal testmiljö">Klockan i testmiljön</PageHeading>;
  if (data.state === 'loading') return <>{heading}<Loading /></>;
  if (data.state === 'error') return <>{heading}<Problem message={data.message} /></>;
  const now = data.data;
  const fields = draft ?? stockholmFields(now);
  const send = async (event: Event) => {
    event.preventDefault();
    const target = stockholmInstant(fields.date, fields.time);
    if (!target) return setErrors([{ field: 'date', message: 'Ange ett datum och en tid, till exempel 2027-11-03 och 10:00.' }]);
    if (Date.parse(target) < Date.parse(now)) return setErrors([{ field: 'date', message: `Klockan kan bara flyttas framåt. Den är nu ${formatInstant(now)}.` }]);
    const res = await fetch(clockUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ now: target }) });
    const body = (await res.json().catch(() => ({}))) as { now?: string; error?: { message?: string } };
    if (!res.ok || !body.now) return setErrors([{ field: 'date', message: body.error?.message ?? 'Klockan gick inte att flytta. Försök igen.' }]);
    resetClock();
    setMoved(body.now);
  };
  return (
    <>
      <a class="back-link" href="/">Tillbaka till startsidan</a>
      <ErrorSummary errors={errors} />
      {heading}
      <p class="body">Den här sidan finns bara i den lokala testmiljön. Där går tiden som vanligt men kan flyttas framåt, så att ett helt år kan provas på en stund.</p>
      <p class="body">
        <strong>Nu:</strong> {formatInstant(now)}
      </p>
      <p class="body">
        Så här ligger året till: förslag kan lämnas från mitten av augusti till och med den 2 november, länsrapporterna lämnas senast den 15 november och de slutliga andelarna
        fastställs den 15 december.
      </p>
      <form onSubmit={(e) => void send(e)} noValidate>
        <TextInput id="date" label="Nytt datum" hint="Svensk tid. Till exempel 2027-11-03." type="date" width="short" value={fields.date} error={errorFor(errors, 'date')} onInput={(v) => setDraft({ ...fields, date: v })} />
        <TextInput id="time" label="Ny tid" hint="Timmar och minuter, till exempel 10:00." inputMode="numeric" width="short" value={fields.time} onInput={(v) => setDraft({ ...fields, time: v })} />
        <button type="submit" class="button">
          Flytta klockan
        </button>
      </form>
    </>
  );
}
