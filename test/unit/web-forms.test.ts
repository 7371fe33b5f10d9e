/**
 * The web app's form logic (web/src/forms.ts, format.ts): what is typed becomes the API's
 * body through the API's own schemas and the ledger's amount parser; the API's refusals land
 * at the fields that caused them.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../web/src/api';
import { countdown, formatInstant, formatPerMille } from '../../web/src/format';
import { answerBody, apiErrors, emptyResolution, proposalBody } from '../../web/src/forms';

const draft = (patch: Record<string, string>) => ({ receiver: '0380', amount: '0,5', ...emptyResolution, ...patch });

describe('the proposal form', () => {
  it('reads a decimal comma or point, trims, and leaves out empty fields', () => {
    expect(proposalBody(draft({ amount: ' 0,125 ' }), 'new')).toEqual({ body: { receiver: '0380', perMille: 0.125 }, errors: [] });
    expect(proposalBody(draft({ amount: '1.5', decisionReference: ' KS 1 ', contactEmail: 'a@b.se' }), 'new').body).toEqual({
      receiver: '0380',
      perMille: 1.5,
      decisionReference: 'KS 1',
      contact: { email: 'a@b.se' },
    });
  });

  it('says what is wrong, at the field, in Swedish', () => {
    expect(proposalBody(draft({ receiver: '', amount: '' }), 'new').errors).toEqual([
      { field: 'receiver', message: 'Välj vilken kommun som ska ta emot andelen.' },
      { field: 'amount', message: 'Ange hur stor del av andelen ni vill ge, i promille.' },
    ]);
    expect(proposalBody(draft({ amount: '0,1234' }), 'new').errors).toEqual([{ field: 'amount', message: 'Beloppet får ha högst tre decimaler. Skriv till exempel 0,5.' }]);
    expect(proposalBody(draft({ amount: '-1' }), 'new').errors[0]).toEqual({ field: 'amount', message: 'Beloppet får inte vara negativt. Skriv till exempel 0,5.' });
    expect(proposalBody(draft({ contactEmail: 'inte-en-adress' }), 'new').errors).toEqual([{ field: 'contactEmail', message: 'Ange en giltig e-postadress.' }]);
    expect(proposalBody(draft({ contactPhone: 'x' }), 'new').errors[0]!.field).toBe('contactPhone');
    expect(proposalBody(draft({ comment: 'a'.repeat(2001) }), 'new').errors).toEqual([{ field: 'comment', message: 'Texten får vara högst 2000 tecken lång.' }]);
    expect(proposalBody(draft({ decisionReference: 'KS\u202E1' }), 'new').errors[0]!.field).toBe('decisionReference');
  });

  it('needs an answer to consent or decline', () => {
    expect(answerBody({ answer: '', ...emptyResolution }).errors).toEqual([{ field: 'answer', message: 'Välj om ni samtycker till förslaget eller avböjer det.' }]);
    expect(answerBody({ answer: 'no', ...emptyResolution, decisionReference: 'KS 2' }).body).toEqual({ accept: false, decisionReference: 'KS 2' });
  });
});

describe("the API's refusals at their fields", () => {
  it('maps rule codes and validation details to the fields', () => {
    expect(apiErrors(new ApiError(422, 'AMOUNT_EXCEEDS_SHARE', 'Beloppet är större än kommunens preliminära andel.', [{ preliminaryPerMille: 1.25 }]))).toEqual([
      { field: 'amount', message: 'Beloppet är större än kommunens preliminära andel. Er preliminära andel är 1,25 promille.' },
    ]);
    expect(apiErrors(new ApiError(422, 'SAME_MUNICIPALITY', 'En kommun kan inte omfördela till sig själv.'))[0]!.field).toBe('receiver');
    expect(apiErrors(new ApiError(409, 'ROLE_CONFLICT', 'x'))[0]!.field).toBe('receiver');
    expect(apiErrors(new ApiError(400, 'VALIDATION_FAILED', 'Förfrågan har fel innehåll.', [{ path: 'contact.email', message: 'Ange en giltig e-postadress.' }]))).toEqual([
      { field: 'contactEmail', message: 'Ange en giltig e-postadress.' },
    ]);
    // About the whole form: no field.
    expect(apiErrors(new ApiError(409, 'SUBMISSION_WINDOW_CLOSED', 'Perioden för förslag är inte öppen.'))).toEqual([{ field: undefined, message: 'Perioden för förslag är inte öppen.' }]);
  });
});

describe('what people read', () => {
  it('writes amounts with a decimal comma and times in Stockholm time', () => {
    expect(formatPerMille(0.5)).toBe('0,5 promille');
    expect(formatPerMille(12.345)).toBe('12,345 promille');
    expect(formatInstant('2027-11-02T22:59:59Z')).toBe('2 november 2027 kl. 23:59');
    expect(formatInstant('2027-07-01T10:00:00Z')).toBe('1 juli 2027 kl. 12:00');
  });

  it('counts down in days and hours, then hours and minutes', () => {
    const at = Date.parse('2027-11-02T22:59:59Z');
    expect(countdown(at, at - (3 * 86_400_000 + 2 * 3_600_000 + 60_000))).toBe('3 dagar och 2 timmar kvar');
    expect(countdown(at, at - (86_400_000 + 3_600_000))).toBe('1 dag och 1 timme kvar');
    expect(countdown(at, at - (5 * 3_600_000 + 10 * 60_000))).toBe('5 timmar och 10 minuter kvar');
    expect(countdown(at, at - 30_000)).toBe('1 minut kvar');
    expect(countdown(at, at + 1)).toBe('Tiden har gått ut.');
  });
});
