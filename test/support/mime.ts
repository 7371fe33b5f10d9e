/**
 * A small MIME reader for the tests (RFC 5322 headers, RFC 2047 B-encoded words, multipart):
 * enough to read back what our SesMailer sends, independently of the code that builds it.
 */
export interface MimePart {
  headers: Record<string, string>;
  body: string;
}

/** Undoes RFC 2047 B-encoded words (and the folding between them). */
export const decodeWords = (value: string): string =>
  value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?B\?([^?]*)\?=/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));

/** Headers (unfolded, names lower-case) and body of a message or part. */
export function parseMime(raw: string): MimePart {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]/g, ' ');
  const headers = Object.fromEntries(head.split('\r\n').map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { headers, body: raw.slice(split + 4) };
}

/** The parts of a multipart message, in order. */
export function mimeParts(message: MimePart): MimePart[] {
  const boundary = /boundary="([^"]+)"/.exec(message.headers['content-type'] ?? '')?.[1];
  if (!boundary) throw new Error(`not multipart: ${message.headers['content-type']}`);
  return message.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => parseMime(part.replace(/^\r\n/, '').replace(/\r\n$/, '')));
}

/** A base64 part's bytes. */
export const partBytes = (part: MimePart): Buffer => Buffer.from(part.body.replace(/\r\n/g, ''), 'base64');
