import { describe, expect, it } from 'vitest';
import { buildMime, encodeWords } from '../../shared/adapters/ses/mime';
import { decodeWords, parseMime as parse } from '../support/mime';
import type { MimePart } from '../support/mime';

const mail = {
  to: ['kommun-0380@kommun.example.se', 'registrator@uppsala.example.se'],
  cc: ['handlaggare-03@lst.example.se'],
  replyTo: ['lansstyrelsen-03@lst.example.se'],
  subject: 'Omfördelning 2028: länsrapport från Uppsala län (03) – med å, ä och ö och en lång rad som måste delas upp',
  text: 'Hej!\n\nLänsrapporten är bifogad: 1,25 promille.\n\nMed vänlig hälsning\nLänsstyrelsen i Uppsala län\n',
};
const csv = '\uFEFFLänsrapport\r\nAndelsår;Län\r\n2028;Uppsala län\r\n';

describe('buildMime', () => {
  const raw = buildMime({ ...mail, attachments: [{ filename: 'lansrapport-2028-03-uppsala-lan.csv', contentType: 'text/csv; charset=utf-8', content: csv }] }, 'omfordelning@example.se', new Date('2027-11-15T08:00:00Z'));

  it('is 7-bit ASCII with CRLF line ends and lines of at most 78 characters', () => {
    expect(raw).toMatch(/^[\x00-\x7f]*$/);
    expect(raw.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    for (const line of raw.split('\r\n')) expect(line.length, line).toBeLessThanOrEqual(78);
  });

  it('has the headers: From, every To and Cc, Reply-To, the subject RFC 2047 encoded, Date, MIME-Version', () => {
    const { headers } = parse(raw);
    expect(headers.from).toBe('omfordelning@example.se');
    expect(headers.to).toBe('kommun-0380@kommun.example.se, registrator@uppsala.example.se');
    expect(headers.cc).toBe('handlaggare-03@lst.example.se');
    expect(headers['reply-to']).toBe('lansstyrelsen-03@lst.example.se');
    expect(headers.subject).toMatch(/^=\?UTF-8\?B\?/);
    expect(decodeWords(headers.subject!)).toBe(mail.subject);
    expect(headers.date).toBe('Mon, 15 Nov 2027 08:00:00 +0000');
    expect(headers['mime-version']).toBe('1.0');
  });

  it('is multipart/mixed: the text as UTF-8 base64, then the CSV as a base64 attachment that decodes to the CSV, byte-order mark included', () => {
    const { headers, body } = parse(raw);
    const boundary = /^multipart\/mixed; boundary="([^"]+)"$/.exec(headers['content-type']!)![1]!;
    expect(body.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
    const parts = body.split(`--${boundary}`).slice(1, -1).map((p) => parse(p.replace(/^\r\n/, '').replace(/\r\n$/, '')));
    expect(parts).toHaveLength(2);
    const [text, attachment] = parts as [MimePart, MimePart];
    expect(text.headers['content-type']).toBe('text/plain; charset=UTF-8');
    expect(text.headers['content-transfer-encoding']).toBe('base64');
    expect(Buffer.from(text.body, 'base64').toString('utf8')).toBe(mail.text.replaceAll('\n', '\r\n'));
    expect(attachment.headers['content-type']).toBe('text/csv; charset=utf-8; name="lansrapport-2028-03-uppsala-lan.csv"');
    expect(attachment.headers['content-disposition']).toBe('attachment; filename="lansrapport-2028-03-uppsala-lan.csv"');
    expect(attachment.headers['content-transfer-encoding']).toBe('base64');
    const bytes = Buffer.from(attachment.body, 'base64');
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.toString('utf8')).toBe(csv);
    // The boundary cannot occur inside a part: base64 has no "_".
    expect(boundary.startsWith('=_')).toBe(true);
  });

  it('is a single text/plain part without attachments, and has no Cc or Reply-To when there are none', () => {
    const plain = buildMime({ to: ['a@x.se'], cc: [], subject: 'Hello', text: 'Hej!\n' }, 'omfordelning@example.se');
    const { headers, body } = parse(plain);
    expect(headers['content-type']).toBe('text/plain; charset=UTF-8');
    expect(headers.subject).toBe('Hello');
    expect('cc' in headers || 'reply-to' in headers).toBe(false);
    expect(Buffer.from(body, 'base64').toString('utf8')).toBe('Hej!\r\n');
  });

  it('cannot be given a header of its own through a subject or a file name, and encodes a non-ASCII file name (RFC 2231)', () => {
    const sneaky = buildMime(
      { to: ['a@x.se'], cc: [], subject: 'Hej\r\nBcc: evil@x.se', text: 't', attachments: [{ filename: 'länsrapport.csv', contentType: 'text/csv', content: 'a' }] },
      'omfordelning@example.se',
    );
    expect(sneaky).not.toMatch(/\r\nBcc:/i);
    expect(sneaky).toContain("filename*=UTF-8''l%C3%A4nsrapport.csv");
  });

  it('splits encoded words on character boundaries, each at most 75 characters', () => {
    const words = encodeWords('å'.repeat(100)).split('\r\n ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
    expect(decodeWords(words.join('\r\n '))).toBe('å'.repeat(100));
  });
});
