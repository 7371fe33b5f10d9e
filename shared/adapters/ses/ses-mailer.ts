import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { MailDeliveryError, type Mail, type Mailer } from '../../notifications/mailer';

/**
 * Sends plain-text UTF-8 mail with SES (API v1: client-sesv2 is not a dependency).
 * The endpoint comes from the SDK's own settings (AWS_ENDPOINT_URL_SES locally).
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly from: string,
    // One attempt per call: the caller (app/notify) owns retries, so they do not multiply.
    // Timeouts: a hanging SES must not hold the request (and its Lambda) until it times out.
    private readonly client: SESClient = new SESClient({ maxAttempts: 1, requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } }),
  ) {}

  async send(mail: Mail): Promise<void> {
    try {
      await this.client.send(
        new SendEmailCommand({
          Source: this.from,
          Destination: { ToAddresses: mail.to, ...(mail.cc.length ? { CcAddresses: mail.cc } : {}) },
          Message: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
          },
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
