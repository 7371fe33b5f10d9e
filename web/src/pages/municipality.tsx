import { useCheckPage } from '../check-page';
import { useEffect, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import type { ProposalHistory, ProposalList, ProposalView, ShareList } from '../../../shared/schemas/api';
import { api } from '../api';
import { ErrorSummary, Loading, PageHeading, Panel, Problem, Radios, Select, StatusTag, SummaryList, TextArea, TextInput, errorFor, type FieldError } from '../components';
import { countdown, formatInstant, formatPerMille } from '../format';
import { ProposalHistoryList } from '../history';
import { answerBody, apiErrors, emptyResolution, proposalBody, type AnswerDraft, type ProposalDraft, type ResolutionDraft } from '../forms';
import { clearStored, readStored, useLoad, useStored, useTitle } from '../hooks';
import { loadYear, type YearInfo } from '../year';
import { CHANGEABLE, municipalityName, nextStep, statusName, statusTone } from '../words';

interface Overview {
  info: YearInfo;
  shares: ShareList | undefined;
  proposals: ProposalView[];
}

async function loadOverview(): Promise<Overview> {
  const info = await loadYear();
  if (!info.cycle) return { info, shares: undefined, proposals: [] };
  const [shares, list] = await Promise.all([
    api<ShareList>('GET', `/v1/years/${info.year}/shares`),
    api<ProposalList>('GET', `/v1/years/${info.year}/proposals`),
  ]);
  return { info, shares, proposals: list.proposals };
}

function useNow(offsetMs: number): number {
  const [now, setNow] = useState(() => Date.now() + offsetMs);
  useEffect(() => {
    setNow(Date.now() + offsetMs);
    const timer = setInterval(() => setNow(Date.now() + offsetMs), 30_000);
    return () => clearInterval(timer);
  }, [offsetMs]);
  return now;
}

/** Our proposal as giver: the latest one (a withdrawn or declined one stays until a new one replaces it). */
const ours = (o: Overview, me: string) => o.proposals.find((p) => p.giver === me);
const incoming = (o: Overview, me: string) => o.proposals.filter((p) => p.receiver === me);

function ProposalSummary({ p, me }: { p: ProposalView; me: string }) {
  const giving = p.giver === me;
  return (
    <div class="card">
      <h3 class="heading-s">{giving ? `Till ${municipalityName(p.receiver)}` : `Från ${municipalityName(p.giver)}`}</h3>
      <SummaryList
        rows={[
          { key: 'Andel', value: formatPerMille(p.perMille) },
          { key: 'Läge', value: <StatusTag tone={statusTone(p.status)}>{statusName(p.status)}</StatusTag> },
          { key: 'Nästa steg', value: nextStep(p, me) },
        ]}
      />
      <p class="body">
        {!giving && p.status === 'AWAITING_RECEIVER' ? (
          <a class="button" role="button" href={`/forslag/${p.giver}/svara`}>
            Svara på förslaget från {municipalityName(p.giver)}
          </a>
        ) : (
          <a href={`/forslag/${p.giver}`}>Visa förslaget{giving ? '' : ` från ${municipalityName(p.giver)}`}</a>
        )}
      </p>
    </div>
  );
}

export function MunicipalityStart({ me }: { me: string }) {
  const data = useLoad(loadOverview);
  useTitle('Det här väntar på oss');
  const now = useNow(data.state === 'ok' ? data.data.info.offsetMs : 0);
  const heading = <PageHeading caption={municipalityName(me)}>Det här väntar på oss</PageHeading>;
  if (data.state === 'loading') return <>{heading}<Loading /></>;
  if (data.state === 'error') return <>{heading}<Problem message={data.message} /></>;
  const o = data.data;
  const { year, cycle } = o.info;
  if (!cycle) {
    return (
      <>
        {heading}
        <p class="body">Omfördelningen för andelsår {year} har inte startat än. Ni får ett e-brev när den öppnar.</p>
      </>
    );
  }
  const share = o.shares?.shares.find((s) => s.municipality === me);
  const mine = ours(o, me);
  const toUs = incoming(o, me);
  const open = cycle.phase === 'OPEN';
  const deadlineMs = Date.parse(cycle.calendar.deadline);
  const activeMine = mine && mine.status !== 'WITHDRAWN' && mine.status !== 'DECLINED' && mine.status !== 'EXPIRED';
  const receiving = toUs.some((p) => p.status === 'AWAITING_RECEIVER' || p.status === 'AGREED' || p.status === 'APPROVED');
  return (
    <>
      {heading}
      <p class="lead">Andelsår {year}</p>
      <div class="inset">
        <p class="body">
          <strong>Sista dag för förslag:</strong> {formatInstant(cycle.calendar.deadline)}
          {open && <> ({countdown(deadlineMs, now)})</>}
        </p>
        {!open && <p class="body">{cycle.phase === 'PLANNED' ? 'Perioden för förslag har inte öppnat än.' : 'Perioden för förslag är stängd.'}</p>}
      </div>

      {share?.finalPerMille != null ? (
        <>
          <h2 class="heading-m">Vår slutliga andel</h2>
          <p class="body big-number">{formatPerMille(share.finalPerMille)}</p>
          <p class="body">
            Fastställd {formatInstant(cycle.calendar.finalizeAt)}. Den preliminära andelen var {formatPerMille(share.preliminaryPerMille)}
            {share.givenPerMille > 0 && <>; ni har gett {formatPerMille(share.givenPerMille)}</>}
            {share.receivedPerMille > 0 && <>; ni har tagit emot {formatPerMille(share.receivedPerMille)}</>}.
          </p>
        </>
      ) : (
        <>
          <h2 class="heading-m">Vår preliminära andel</h2>
          <p class="body big-number">{share ? formatPerMille(share.preliminaryPerMille) : 'Andelarna har inte lästs in än.'}</p>
        </>
      )}

      <h2 class="heading-m">Vårt förslag</h2>
      {mine && <ProposalSummary p={mine} me={me} />}
      {!activeMine && open && !receiving && share && (
        <p class="body">
          <a class="button" role="button" href="/forslag/nytt">
            Föreslå att ge en del av vår andel
          </a>
        </p>
      )}
      {!mine && !(open && !receiving) && <p class="body">Ni har inget förslag{receiving ? ': en kommun som tar emot andelar kan inte också ge samma år.' : '.'}</p>}
      {!mine && open && !receiving && <p class="body">Ni har inte lämnat något förslag.</p>}

      <h2 class="heading-m">Förslag till oss</h2>
      {toUs.length === 0 ? <p class="body">Ingen kommun har föreslagit att ge er en del av sin andel.</p> : toUs.map((p) => <ProposalSummary key={p.giver} p={p} me={me} />)}
    </>
  );
}

// --- Propose and amend ------------------------------------------------------------------

const DRAFT_KEY = { new: 'omf.draft.proposal', amend: 'omf.draft.amend' } as const;
const ERRORS_KEY = 'omf.errors';
const emptyProposal: ProposalDraft = { receiver: '', amount: '', ...emptyResolution };
const base = (mode: 'new' | 'amend') => (mode === 'new' ? '/forslag/nytt' : '/forslag/andra');

/** Errors handed from the check page back to the form (an API refusal about a field). */
function takeErrors(): FieldError[] {
  const errors = readStored<{ list: FieldError[] }>(ERRORS_KEY, { list: [] }).list;
  clearStored(ERRORS_KEY);
  return errors;
}

function ResolutionFields({ draft, set, errors }: { draft: ResolutionDraft; set(patch: Partial<ResolutionDraft>): void; errors: FieldError[] }) {
  return (
    <>
      <TextInput
        id="decisionReference"
        label="Beslutets diarienummer eller paragraf (valfritt)"
        hint="Till exempel KS 2027/123 § 45."
        value={draft.decisionReference}
        error={errorFor(errors, 'decisionReference')}
        onInput={(v) => set({ decisionReference: v })}
      />
      <fieldset class="fieldset">
        <legend class="fieldset__legend fieldset__legend--s">Kontaktperson för beslutet (valfritt)</legend>
        <TextInput id="contactName" label="Namn" autoComplete="name" value={draft.contactName} error={errorFor(errors, 'contactName')} onInput={(v) => set({ contactName: v })} />
        <TextInput id="contactEmail" label="E-postadress" type="email" autoComplete="email" value={draft.contactEmail} error={errorFor(errors, 'contactEmail')} onInput={(v) => set({ contactEmail: v })} />
        <TextInput id="contactPhone" label="Telefonnummer" type="tel" autoComplete="tel" value={draft.contactPhone} error={errorFor(errors, 'contactPhone')} onInput={(v) => set({ contactPhone: v })} />
      </fieldset>
      <TextArea id="comment" label="Kommentar (valfritt)" hint="Högst 2 000 tecken." value={draft.comment} error={errorFor(errors, 'comment')} onInput={(v) => set({ comment: v })} />
    </>
  );
}

function resolutionRows(d: ResolutionDraft, href: string) {
  const contact = [d.contactName, d.contactEmail, d.contactPhone].map((s) => s.trim()).filter(Boolean);
  return [
    { key: 'Beslutets diarienummer', value: d.decisionReference.trim() || 'Inte angivet', change: { href: `${href}#decisionReference`, label: 'beslutets diarienummer' } },
    { key: 'Kontaktperson', value: contact.length ? contact.map((line) => <div key={line}>{line}</div>) : 'Inte angiven', change: { href: `${href}#contactName`, label: 'kontaktperson' } },
    { key: 'Kommentar', value: d.comment.trim() || 'Ingen', change: { href: `${href}#comment`, label: 'kommentar' } },
  ];
}

export function ProposeForm({ me, mode }: { me: string; mode: 'new' | 'amend' }) {
  const { route } = useLocation();
  const data = useLoad(loadOverview);
  const [draft, setDraft] = useStored<ProposalDraft>(DRAFT_KEY[mode], emptyProposal);
  const [errors, setErrors] = useState<FieldError[]>(takeErrors);
  const title = mode === 'new' ? 'Föreslå att ge en del av er andel' : 'Ändra ert förslag';
  useTitle(title, errors.length > 0);
  const set = (patch: Partial<ProposalDraft>) => setDraft({ ...draft, ...patch });

  // Amending starts from the proposal as it stands (once; what was typed since is kept).
  useEffect(() => {
    if (mode !== 'amend' || data.state !== 'ok' || draft.receiver !== '') return;
    const p = ours(data.data, me);
    if (p) setDraft({ ...draft, receiver: p.receiver, amount: String(p.perMille).replace('.', ',') });
  }, [data.state]);

  if (data.state === 'loading') return <><PageHeading>{title}</PageHeading><Loading /></>;
  if (data.state === 'error') return <><PageHeading>{title}</PageHeading><Problem message={data.message} /></>;
  const share = data.data.shares?.shares.find((s) => s.municipality === me);
  const receivers = (data.data.shares?.shares ?? []).filter((s) => s.municipality !== me && s.givenPerMille === 0);

  const submit = (event: Event) => {
    event.preventDefault();
    const checked = proposalBody(draft, mode);
    setErrors(checked.errors);
    if (checked.errors.length === 0) route(`${base(mode)}/kontrollera`);
  };

  return (
    <>
      <a class="back-link" href="/">Tillbaka</a>
      <ErrorSummary errors={errors} />
      <PageHeading caption={municipalityName(me)}>{title}</PageHeading>
      {share && <p class="body">Er preliminära andel är {formatPerMille(share.preliminaryPerMille)}.</p>}
      <form onSubmit={submit} noValidate>
        <Select
          id="receiver"
          label="Vilken kommun ska ta emot andelen?"
          hint="Kommunerna i ert län. En kommun som själv ger bort en del av sin andel i år kan inte ta emot."
          placeholder="Välj kommun"
          options={receivers.map((s) => ({ value: s.municipality, label: s.name }))}
          value={draft.receiver}
          error={errorFor(errors, 'receiver')}
          onInput={(v) => set({ receiver: v })}
        />
        <TextInput
          id="amount"
          label="Hur stor del av andelen vill ni ge?"
          hint="I promille, med högst tre decimaler. Till exempel 0,5."
          inputMode="decimal"
          width="short"
          value={draft.amount}
          error={errorFor(errors, 'amount')}
          onInput={(v) => set({ amount: v })}
        />
        <ResolutionFields draft={draft} set={set} errors={errors} />
        <button type="submit" class="button">
          Fortsätt
        </button>
      </form>
    </>
  );
}

export function ProposeCheck({ me, mode }: { me: string; mode: 'new' | 'amend' }) {
  const { route } = useLocation();
  const href = base(mode);
  const { draft, body, errors, sending, send } = useCheckPage({
    title: 'Kontrollera ert förslag',
    draftKey: DRAFT_KEY[mode],
    empty: emptyProposal,
    check: (d: ProposalDraft) => proposalBody(d, mode),
    formHref: href,
    errorsKey: ERRORS_KEY,
    toErrors: apiErrors,
    async submit(body) {
      const info = await loadYear();
      if (mode === 'new') await api('POST', `/v1/years/${info.year}/proposals`, body);
      else await api('PATCH', `/v1/years/${info.year}/proposals/${me}`, body);
      clearStored(DRAFT_KEY[mode]);
      sessionStorage.setItem('omf.sent', JSON.stringify({ receiver: body.receiver, perMille: body.perMille }));
      route(`${href}/skickat`);
    },
  });
  if (!body) return null;
  return (
    <>
      <a class="back-link" href={href}>Tillbaka</a>
      <ErrorSummary errors={errors} />
      <PageHeading caption={municipalityName(me)}>Kontrollera ert förslag</PageHeading>
      <SummaryList
        rows={[
          { key: 'Mottagande kommun', value: municipalityName(body.receiver), change: { href: `${href}#receiver`, label: 'mottagande kommun' } },
          { key: 'Andel att ge', value: formatPerMille(body.perMille), change: { href: `${href}#amount`, label: 'andel att ge' } },
          ...resolutionRows(draft, href),
        ]}
      />
      <h2 class="heading-m">Skicka förslaget</h2>
      <p class="body">
        När ni skickar förslaget får {municipalityName(body.receiver)} och länsstyrelsen ett e-brev. {municipalityName(body.receiver)} ska sedan samtycka eller avböja.
      </p>
      <form onSubmit={send}>
        <button type="submit" class="button" disabled={sending} aria-disabled={sending}>
          {mode === 'new' ? 'Skicka förslaget' : 'Skicka det ändrade förslaget'}
        </button>
      </form>
    </>
  );
}

export function ProposeSent({ mode }: { mode: 'new' | 'amend' }) {
  const sent = readStored<{ receiver: string; perMille: number }>('omf.sent', { receiver: '', perMille: 0 });
  useTitle(mode === 'new' ? 'Förslaget är skickat' : 'Det ändrade förslaget är skickat');
  return (
    <>
      <Panel title={mode === 'new' ? 'Förslaget är skickat' : 'Det ändrade förslaget är skickat'}>
        {sent.receiver && <>Ni föreslår att ge {formatPerMille(sent.perMille)} till {municipalityName(sent.receiver)}.</>}
      </Panel>
      <h2 class="heading-m">Vad händer nu</h2>
      <p class="body">{sent.receiver ? municipalityName(sent.receiver) : 'Den mottagande kommunen'} har fått ett e-brev och ska samtycka eller avböja. Ni får ett e-brev när de har svarat.</p>
      <p class="body">
        <a href="/">Tillbaka till det som väntar på er</a>
      </p>
    </>
  );
}

// --- One proposal, answer, withdraw --------------------------------------------------

async function loadProposal(giver: string): Promise<{ info: YearInfo; proposal: ProposalView }> {
  const info = await loadYear();
  const proposal = await api<ProposalView>('GET', `/v1/years/${info.year}/proposals/${encodeURIComponent(giver)}`);
  return { info, proposal };
}

/** The proposal and its history, read together (both refuse the same callers). */
async function loadProposalWithHistory(giver: string) {
  const info = await loadYear();
  const path = `/v1/years/${info.year}/proposals/${encodeURIComponent(giver)}`;
  const [proposal, history] = await Promise.all([api<ProposalView>('GET', path), api<ProposalHistory>('GET', `${path}/history`)]);
  return { info, proposal, history };
}

export function ProposalPage({ me }: { me: string }) {
  const { params } = useRoute();
  const giver = params.giver ?? '';
  const data = useLoad(() => loadProposalWithHistory(giver), [giver]);
  useTitle('Förslaget');
  if (data.state === 'loading') return <><PageHeading>Förslaget</PageHeading><Loading /></>;
  if (data.state === 'error') {
    return (
      <>
        <PageHeading>Förslaget</PageHeading>
        <Problem message={data.message} />
        <p class="body"><a href="/">Tillbaka till det som väntar på er</a></p>
      </>
    );
  }
  const { proposal: p, info, history } = data.data;
  const giving = p.giver === me;
  const res = giving ? p.giverResolution : p.receiverResolution;
  return (
    <>
      <a class="back-link" href="/">Tillbaka</a>
      <PageHeading caption={`Andelsår ${info.year}`}>
        Förslag från {municipalityName(p.giver)} till {municipalityName(p.receiver)}
      </PageHeading>
      <SummaryList
        rows={[
          { key: 'Andel', value: formatPerMille(p.perMille) },
          { key: 'Läge', value: <StatusTag tone={statusTone(p.status)}>{statusName(p.status)}</StatusTag> },
          { key: 'Nästa steg', value: nextStep(p, me) },
          { key: 'Lämnat', value: formatInstant(p.createdAt) },
          { key: 'Senast ändrat', value: formatInstant(p.updatedAt) },
          ...(p.receiverConsentAt ? [{ key: 'Samtycke', value: formatInstant(p.receiverConsentAt) }] : []),
          ...(p.decision ? [{ key: 'Länsstyrelsens beslut', value: `${p.decision.outcome === 'APPROVED' ? 'Godkänt' : 'Avslaget'} ${formatInstant(p.decision.at)} av ${p.decision.by}${p.decision.reason ? `: ${p.decision.reason}` : ''}` }] : []),
          ...(p.giverResolution?.decisionReference ? [{ key: `Beslut i ${municipalityName(p.giver)}`, value: p.giverResolution.decisionReference }] : []),
          ...(p.receiverResolution?.decisionReference ? [{ key: `Beslut i ${municipalityName(p.receiver)}`, value: p.receiverResolution.decisionReference }] : []),
          ...(res?.comment ? [{ key: 'Er kommentar', value: res.comment }] : []),
        ]}
      />
      {giving && CHANGEABLE.includes(p.status) && (
        <div class="button-group">
          <a class="button button--secondary" role="button" href="/forslag/andra">Ändra förslaget</a>
          <a class="button button--warning" role="button" href={`/forslag/${p.giver}/aterkalla`}>Återkalla förslaget</a>
        </div>
      )}
      {!giving && p.status === 'AWAITING_RECEIVER' && (
        <a class="button" role="button" href={`/forslag/${p.giver}/svara`}>Svara på förslaget</a>
      )}
      <ProposalHistoryList events={history.events} />
    </>
  );
}

const ANSWER_KEY = (giver: string) => `omf.draft.answer.${giver}`;
const emptyAnswer: AnswerDraft = { answer: '', ...emptyResolution };

export function AnswerForm({ me }: { me: string }) {
  const { route } = useLocation();
  const { params } = useRoute();
  const giver = params.giver ?? '';
  const data = useLoad(() => loadProposal(giver), [giver]);
  const [draft, setDraft] = useStored<AnswerDraft>(ANSWER_KEY(giver), emptyAnswer);
  const [errors, setErrors] = useState<FieldError[]>(takeErrors);
  const title = 'Svara på förslaget';
  useTitle(title, errors.length > 0);
  if (data.state === 'loading') return <><PageHeading>{title}</PageHeading><Loading /></>;
  if (data.state === 'error') return <><PageHeading>{title}</PageHeading><Problem message={data.message} /></>;
  const p = data.data.proposal;
  const set = (patch: Partial<AnswerDraft>) => setDraft({ ...draft, ...patch });
  const submit = (event: Event) => {
    event.preventDefault();
    const checked = answerBody(draft);
    setErrors(checked.errors);
    if (checked.errors.length === 0) route(`/forslag/${giver}/svara/kontrollera`);
  };
  if (p.receiver !== me || p.status !== 'AWAITING_RECEIVER') {
    return (
      <>
        <PageHeading>{title}</PageHeading>
        <p class="body">{p.receiver !== me ? 'Endast den mottagande kommunen kan svara på förslaget.' : `Förslaget går inte att svara på: det är ${statusName(p.status).toLowerCase()}.`}</p>
        <p class="body"><a href="/">Tillbaka till det som väntar på er</a></p>
      </>
    );
  }
  return (
    <>
      <a class="back-link" href="/">Tillbaka</a>
      <ErrorSummary errors={errors} />
      <PageHeading caption={municipalityName(me)}>{title}</PageHeading>
      <p class="body">
        {municipalityName(p.giver)} föreslår att ge er {formatPerMille(p.perMille)}.
        {p.giverResolution?.decisionReference && <> Deras beslut: {p.giverResolution.decisionReference}.</>}
      </p>
      <form onSubmit={submit} noValidate>
        <Radios
          id="answer"
          label={`Samtycker ni till att ta emot ${formatPerMille(p.perMille)} från ${municipalityName(p.giver)}?`}
          options={[
            { value: 'yes', label: 'Ja, vi samtycker' },
            { value: 'no', label: 'Nej, vi avböjer' },
          ]}
          value={draft.answer}
          error={errorFor(errors, 'answer')}
          onInput={(v) => set({ answer: v as AnswerDraft['answer'] })}
        />
        <ResolutionFields draft={draft} set={set} errors={errors} />
        <button type="submit" class="button">Fortsätt</button>
      </form>
    </>
  );
}

export function AnswerCheck({ me }: { me: string }) {
  const { route } = useLocation();
  const { params } = useRoute();
  const giver = params.giver ?? '';
  const href = `/forslag/${giver}/svara`;
  const { draft, body, errors, sending, send } = useCheckPage({
    title: 'Kontrollera ert svar',
    draftKey: ANSWER_KEY(giver),
    empty: emptyAnswer,
    check: answerBody,
    formHref: href,
    errorsKey: ERRORS_KEY,
    toErrors: apiErrors,
    async submit(body) {
      const info = await loadYear();
      await api('POST', `/v1/years/${info.year}/proposals/${giver}/consent`, body);
      clearStored(ANSWER_KEY(giver));
      sessionStorage.setItem('omf.answered', JSON.stringify({ giver, accept: body.accept }));
      route(`/forslag/${giver}/svara/skickat`);
    },
  });
  if (!body) return null;
  return (
    <>
      <a class="back-link" href={href}>Tillbaka</a>
      <ErrorSummary errors={errors} />
      <PageHeading caption={municipalityName(me)}>Kontrollera ert svar</PageHeading>
      <SummaryList
        rows={[
          { key: 'Förslag från', value: municipalityName(giver) },
          { key: 'Ert svar', value: body.accept ? 'Vi samtycker' : 'Vi avböjer', change: { href: `${href}#answer`, label: 'ert svar' } },
          ...resolutionRows(draft, href),
        ]}
      />
      <form onSubmit={send}>
        <button type="submit" class="button" disabled={sending} aria-disabled={sending}>Skicka svaret</button>
      </form>
    </>
  );
}

export function AnswerSent() {
  const sent = readStored<{ giver: string; accept: boolean }>('omf.answered', { giver: '', accept: true });
  const title = sent.accept ? 'Ni har samtyckt till förslaget' : 'Ni har avböjt förslaget';
  useTitle(title);
  return (
    <>
      <Panel title={title}>{sent.giver && <>Förslaget från {municipalityName(sent.giver)}.</>}</Panel>
      <h2 class="heading-m">Vad händer nu</h2>
      <p class="body">{sent.accept ? 'Länsstyrelsen godkänner eller avslår förslaget senast när länsrapporten lämnas. Ni får ett e-brev om beslutet.' : `${municipalityName(sent.giver)} får ett e-brev om att ni har avböjt.`}</p>
      <p class="body"><a href="/">Tillbaka till det som väntar på er</a></p>
    </>
  );
}

export function WithdrawPage({ me }: { me: string }) {
  const { route } = useLocation();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  useTitle('Återkalla förslaget', errors.length > 0);
  const send = async (event: Event) => {
    event.preventDefault();
    setSending(true);
    try {
      const info = await loadYear();
      await api('DELETE', `/v1/years/${info.year}/proposals/${me}`);
      route('/forslag/aterkallat');
    } catch (error) {
      setSending(false);
      setErrors(apiErrors(error).map((e) => ({ message: e.message })));
    }
  };
  return (
    <>
      <a class="back-link" href={`/forslag/${me}`}>Tillbaka</a>
      <ErrorSummary errors={errors} />
      <PageHeading caption={municipalityName(me)}>Vill ni återkalla ert förslag?</PageHeading>
      <p class="body">Den mottagande kommunen och länsstyrelsen får ett e-brev. Ni kan lämna ett nytt förslag så länge perioden är öppen.</p>
      <form onSubmit={send}>
        <button type="submit" class="button button--warning" disabled={sending}>Ja, återkalla förslaget</button>
      </form>
      <p class="body"><a href={`/forslag/${me}`}>Nej, behåll förslaget</a></p>
    </>
  );
}

export function Withdrawn() {
  useTitle('Förslaget är återkallat');
  return (
    <>
      <Panel title="Förslaget är återkallat" />
      <p class="body"><a href="/">Tillbaka till det som väntar på er</a></p>
    </>
  );
}
