import { parsePerMille } from '../../shared/domain/per-mille';
import { RuleError } from '../../shared/domain/errors';
import { AmendProposalBody, ConsentBody, SubmitProposalBody } from '../../shared/schemas/api';
import type { z } from 'zod';
import { ApiError } from './api';
import type { FieldError } from './components';

/** What the person typed, as typed (kept in sessionStorage until sent). */
export interface ResolutionDraft {
  decisionReference: string;
  contactName: string;
  contactEmail: string;
  contactPhone: string;
  comment: string;
}
export interface ProposalDraft extends ResolutionDraft {
  receiver: string;
  amount: string;
}
export interface AnswerDraft extends ResolutionDraft {
  answer: '' | 'yes' | 'no';
}

export const emptyResolution: ResolutionDraft = { decisionReference: '', contactName: '', contactEmail: '', contactPhone: '', comment: '' };

/** Contract path → form field. */
const FIELD_OF_PATH: Record<string, string> = {
  receiver: 'receiver',
  perMille: 'amount',
  accept: 'answer',
  decisionReference: 'decisionReference',
  'contact.name': 'contactName',
  'contact.email': 'contactEmail',
  'contact.phone': 'contactPhone',
  comment: 'comment',
};

/** API refusal code → the field it is about (codes not listed are about the whole form). */
const FIELD_OF_CODE: Record<string, string> = {
  INVALID_AMOUNT: 'amount',
  AMOUNT_NOT_POSITIVE: 'amount',
  AMOUNT_EXCEEDS_SHARE: 'amount',
  SAME_MUNICIPALITY: 'receiver',
  OTHER_COUNTY: 'receiver',
  UNKNOWN_MUNICIPALITY: 'receiver',
  ROLE_CONFLICT: 'receiver',
};

const optional = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());

function resolutionOf(d: ResolutionDraft) {
  const contact = { name: optional(d.contactName), email: optional(d.contactEmail), phone: optional(d.contactPhone) };
  const hasContact = Object.values(contact).some((v) => v !== undefined);
  return {
    decisionReference: optional(d.decisionReference),
    contact: hasContact ? Object.fromEntries(Object.entries(contact).filter(([, v]) => v !== undefined)) : undefined,
    comment: optional(d.comment),
  };
}

const compact = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function issues(error: z.core.$ZodError): FieldError[] {
  return error.issues.map((i) => ({
    field: FIELD_OF_PATH[i.path.join('.')],
    // The schemas' own messages (free text, e-mail, telephone) are Swedish sentences; zod's defaults are not.
    message:
      i.code === 'custom' || i.code === 'invalid_format'
        ? i.message
        : i.code === 'too_big'
          ? `Texten får vara högst ${String(i.maximum)} tecken lång.`
          : 'Kontrollera uppgiften.',
  }));
}

function amountOf(text: string, errors: FieldError[]): number | undefined {
  if (text.trim() === '') {
    errors.push({ field: 'amount', message: 'Ange hur stor del av andelen ni vill ge, i promille.' });
    return undefined;
  }
  try {
    return parsePerMille(text) / 1000;
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    errors.push({ field: 'amount', message: `${error.message} Skriv till exempel 0,5.` });
    return undefined;
  }
}

/** The proposal's body, checked with the API's own schema and the ledger's amount parser. */
export function proposalBody(d: ProposalDraft, mode: 'new' | 'amend'): { body?: SubmitProposalBody; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (d.receiver === '') errors.push({ field: 'receiver', message: 'Välj vilken kommun som ska ta emot andelen.' });
  const perMille = amountOf(d.amount, errors);
  const candidate = compact({ receiver: d.receiver || undefined, perMille, ...resolutionOf(d) });
  const parsed = (mode === 'new' ? SubmitProposalBody : AmendProposalBody).safeParse(candidate);
  if (!parsed.success) for (const e of issues(parsed.error)) if (!errors.some((x) => x.field === e.field)) errors.push(e);
  return errors.length > 0 ? { errors } : { body: parsed.data as SubmitProposalBody, errors };
}

export function answerBody(d: AnswerDraft): { body?: z.infer<typeof ConsentBody>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (d.answer === '') errors.push({ field: 'answer', message: 'Välj om ni samtycker till förslaget eller avböjer det.' });
  const parsed = ConsentBody.safeParse(compact({ accept: d.answer === '' ? undefined : d.answer === 'yes', ...resolutionOf(d) }));
  if (!parsed.success) for (const e of issues(parsed.error)) if (!errors.some((x) => x.field === e.field)) errors.push(e);
  return errors.length > 0 ? { errors } : { body: parsed.data!, errors };
}

/** An API refusal as messages at the fields that caused it (the rest about the whole form). */
export function apiErrors(error: unknown): FieldError[] {
  if (!(error instanceof ApiError)) return [{ message: 'Något gick fel. Försök igen om en stund.' }];
  if (error.code === 'VALIDATION_FAILED' && error.details.length > 0) {
    return error.details.map((d) => {
      const detail = d as { path?: string; message?: string };
      return { field: FIELD_OF_PATH[detail.path ?? ''], message: detail.message ?? error.message };
    });
  }
  let message = error.message;
  if (error.code === 'AMOUNT_EXCEEDS_SHARE') {
    const share = (error.details[0] as { preliminaryPerMille?: number } | undefined)?.preliminaryPerMille;
    if (typeof share === 'number') message = `${message} Er preliminära andel är ${share.toLocaleString('sv-SE', { maximumFractionDigits: 3 })} promille.`;
  }
  return [{ field: FIELD_OF_CODE[error.code], message }];
}
