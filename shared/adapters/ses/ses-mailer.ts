import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { MailDeliveryError, type Mail, type Mailer } from '../../notifications/mailer';
import { traced } from '../../platform/tracer';
import { buildMime } from './mime';

/**
 * Sends plain-text UTF-8 mail with SES (API v1: client-sesv2 is not a dependency), every
 * mail with SendRawEmail as a MIME message built by ./mime: one way for all of them, with
 * a Reply-To and attachments (SendEmail has none), and every To and Cc in the headers.
 * The endpoint comes from the SDK's own settings (AWS_ENDPOINT_URL_SES locally).
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly from: string,
    // One attempt per call: the caller (app/notify) owns retries, so they do not multiply.
    // Timeouts: a hanging SES must not hold the request (and its Lambda) until it times out.
    private readonly client: SESClient = traced(new SESClient({ maxAttempts: 1, requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } })),
  ) {}

  async send(mail: Mail): Promise<void> {
    try {
      await this.client.send(
        new SendRawEmailCommand({
          Source: this.from,
          Destinations: [...mail.to, ...mail.cc],
          RawMessage: { Data: Buffer.from(buildMime(mail, this.from), 'utf8') },
        }),
      );
    } catch (error) {
      throw new MailDeliveryError(`SES refused the mail: ${(error as Error)?.message ?? String(error)}`, isTransient(error), { cause: error });
    }
  }
}

const TRANSIENT_NAMES = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestTimeout', 'RequestTimeoutException', 'ServiceUnavailable', 'InternalFailure', 'TimeoutError']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Throttling, 5xx and network failures may pass; a rejected message or address will not. */
export function isTransient(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = e?.$metadata?.httpStatusCode ?? 0;
  return Boolean(e?.$retryable) || status >= 500 || status === 429 || TRANSIENT_NAMES.has(e?.name ?? '') || NETWORK_CODES.has(e?.code ?? '');
}
