/**
 * What every notice must be, whoever it is for (issue 8, points 10 and 12): plain Swedish
 * for people who are not developers, signed by the county with its mailbox as Reply-To.
 */
import { expect } from 'vitest';
import type { Mail } from '../../shared/notifications/mailer';

/** Codes and type names of the system that must never reach a reader. */
const CODES = /\b(AWAITING_RECEIVER|AGREED|APPROVED|REJECTED|DECLINED|WITHDRAWN|EXPIRED|SUBMITTED|AUTO_SUBMITTED|PENDING|Proposal\w*|Receiver\w*|Window\w*|CycleError|undefined|null|NaN)\b/;

export function expectPlainSwedish(mail: Pick<Mail, 'subject' | 'text'>): void {
  for (const text of [mail.subject, mail.text]) {
    expect(text).not.toContain('POST');
    expect(text).not.toContain('GET ');
    expect(text).not.toContain('/v1/');
    expect(text).not.toMatch(/händelse/i);
    expect(text).not.toMatch(/[{}]/); // no JSON
    expect(text).not.toMatch(CODES);
    expect(text).not.toMatch(/\d\.\d+ promille/); // decimal comma
  }
  expect(mail.text.startsWith('Hej!\n\n')).toBe(true);
  expect(mail.text).toContain('(Det här är ett automatiskt meddelande.)');
}

/** A county's notice: Reply-To its mailbox, signed by it, saying the service sent it. */
export function expectSignedBy(mail: Mail, countyName: string, mailbox: string): void {
  expectPlainSwedish(mail);
  expect(mail.replyTo).toEqual([mailbox]);
  expect(mail.text).toContain(`Med vänlig hälsning\nLänsstyrelsen i ${countyName}\n\nMeddelandet är skickat från tjänsten Omfördelning`);
  expect(mail.text).toContain('Svarar ni på meddelandet går svaret till länsstyrelsen.');
}

/**
 * Says what to do next: something to do and where (the service in words, or the page's
 * address on a line of its own after the instruction), or that nothing is needed.
 */
export function expectNextStep(mail: Pick<Mail, 'text'>): void {
  expect(mail.text).toMatch(/Vad ni behöver göra: Logga in i tjänsten Omfördelning|Vad ni behöver göra: [^\n]+\n[^\n]+ här: https?:\/\/\S+$|behöver (ni )?inte göra något/m);
}
