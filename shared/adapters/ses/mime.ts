import { createHash } from 'node:crypto';
import type { Mail } from '../../notifications/mailer';

/**
 * A Mail as an Internet message (RFC 5322 with MIME, RFC 2045–2047, 2231), for SES
 * SendRawEmail. Pure and deterministic. Lines end in CRLF and are at most 78 characters.
 *   - Header texts that are not plain ASCII are RFC 2047 encoded words (UTF-8, base64),
 *     split on character boundaries; address lists are folded between addresses.
 *   - The text is text/plain; charset=UTF-8, base64 encoded (safe for any line length and
 *     character, and nothing for a relay to rewrap).
 *   - With attachments the message is multipart/mixed: the text first, then each file
 *     base64 encoded, its name in Content-Disposition (RFC 2231 when it is not ASCII).
 *   - The boundary starts with "=_", which base64 never contains, so it cannot occur in a part.
 */
export function buildMime(mail: Pick<Mail, 'to' | 'cc' | 'replyTo' | 'subject' | 'text' | 'attachments'>, from: string, date: Date = new Date()): string {
  const headers = [
    header('From', address(from)),
    addressHeader('To', mail.to),
    ...(mail.cc.length > 0 ? [addressHeader('Cc', mail.cc)] : []),
    ...(mail.replyTo?.length ? [addressHeader('Reply-To', mail.replyTo)] : []),
    header('Subject', encodeWords(mail.subject)),
    header('Date', date.toUTCString().replace('GMT', '+0000')),
    'MIME-Version: 1.0',
  ];
  const text = textPart(mail.text);
  const attachments = mail.attachments ?? [];
  if (attachments.length === 0) return [...headers, ...text.headers, '', text.body, ''].join(CRLF);

  const boundary = `=_omf_${createHash('sha256').update(mail.subject).update(mail.text).update(String(attachments.length)).digest('hex').slice(0, 24)}`;
  const parts = [
    text,
    ...attachments.map((a) => ({
      headers: [
        `Content-Type: ${safe(a.contentType)}${isPlainAscii(a.filename) && !a.filename.includes('"') ? `;\r\n name="${safe(a.filename)}"` : ''}`,
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment;',
        ` ${filenameParameter(a.filename)}`,
      ],
      body: base64Lines(typeof a.content === 'string' ? Buffer.from(a.content, 'utf8') : Buffer.from(a.content)),
    })),
  ];
  return [
    ...headers,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    'This is a multipart message in MIME format.',
    ...parts.flatMap((part) => [`--${boundary}`, ...part.headers, '', part.body]),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

const CRLF = '\r\n';

function textPart(text: string): { headers: string[]; body: string } {
  return {
    headers: ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64'],
    // Line ends as e-mail has them: CRLF.
    body: base64Lines(Buffer.from(text.replace(/\r?\n/g, CRLF), 'utf8')),
  };
}

function base64Lines(bytes: Buffer): string {
  const encoded = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.join(CRLF);
}

/** No control characters in a header (a CR or LF would start a header of its own). */
const safe = (value: string): string => value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

const header = (name: string, value: string): string => `${name}: ${value}`;

/** An address as given (`a@b.se` or `Namn <a@b.se>`), its display name encoded when not ASCII. */
function address(value: string): string {
  const clean = safe(value);
  const match = /^(.*?)\s*<([^<>]+)>$/.exec(clean);
  if (!match || match[1] === '') return match ? match[2]! : clean;
  const name = match[1]!.replace(/^"|"$/g, '');
  return `${isPlainAscii(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : encodeWords(name)} <${match[2]}>`;
}

/** `To: a@x.se, b@y.se`, folded between addresses to stay within 78 characters a line. */
function addressHeader(name: string, addresses: readonly string[]): string {
  const lines = [`${name}:`];
  addresses.map(address).forEach((a, i, all) => {
    const item = ` ${a}${i < all.length - 1 ? ',' : ''}`;
    if (lines.at(-1)!.length + item.length > 78 && lines.at(-1)!.length > name.length + 1) lines.push(item);
    else lines[lines.length - 1] += item;
  });
  return lines.join(CRLF);
}

const isPlainAscii = (text: string): boolean => /^[\x20-\x7e]*$/.test(text);

/**
 * RFC 2047: the text as is when it is printable ASCII and short, else as UTF-8 base64
 * encoded words of at most 68 characters (42 bytes each, so that even "Subject: " and the first word fit in 78, never splitting a character),
 * separated by folding white space (which a reader drops between encoded words).
 */
export function encodeWords(text: string): string {
  const clean = safe(text);
  if (isPlainAscii(clean) && clean.length <= 66 && !/=\?/.test(clean)) return clean;
  const words: string[] = [];
  let chunk = '';
  for (const char of clean) {
    if (Buffer.byteLength(chunk + char, 'utf8') > 42) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
}

/** filename="…" for ASCII names, else RFC 2231 filename*=UTF-8''… (percent-encoded). */
function filenameParameter(filename: string): string {
  const clean = safe(filename).replace(/[\\/]/g, '_');
  if (isPlainAscii(clean) && !clean.includes('"')) return `filename="${clean}"`;
  const encoded = [...Buffer.from(clean, 'utf8')].map((b) => (/[A-Za-z0-9._-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`));
  return `filename*=UTF-8''${encoded.join('')}`;
}
