import type { Addressee, MailKind } from '../schemas/mail-log';

/** A file sent with a mail (the county report's CSV). */
interface Attachment {
  /** As the recipient sees it, for example `lansrapport-2028-03-uppsala-lan.csv`. */
  filename: string;
  /** A MIME type, for example `text/csv; charset=utf-8`. */
  contentType: string;
  /** The file's content: text is sent as its UTF-8 bytes. */
  content: string | Uint8Array;
}

/** One plain-text e-mail (UTF-8), as the notices compose it and a Mailer sends it. */
export interface Mail {
  to: string[];
  cc: string[];
  /** Where a reply goes (the county's mailbox); none: to the sender. */
  replyTo?: string[];
  subject: string;
  text: string;
  attachments?: Attachment[];
  /**
   * Names what the mail is about (for a ledger event `${year}#${county}#${seq}`); with the
   * recipient's address it is the idempotency key: one address gets one mail per key.
   */
  dedupeKey: string;
  /** The share year it belongs to: the year's list of sent mails is by it. */
  year: number;
  /** Which notice it is. */
  kind: MailKind;
  /** To whom it is addressed, as an organisation. */
  addressee: Addressee;
  /** The county it concerns (the addressed municipality's, the county, the reporting county); none: the administrators' mails. */
  county?: string;
}

/** The port to the e-mail service (SES in the cloud, aws-ses-v2-local on one machine). */
export interface Mailer {
  /** Resolves once the service has accepted the mail for every recipient. */
  send(mail: Mail): Promise<void>;
}

/** A refused or failed send; `transient` says whether trying again later may succeed. */
export class MailDeliveryError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MailDeliveryError';
  }
}

/** How an address counts for "each recipient once": case-insensitive, one person, one mail. */
export const recipientKey = (address: string): string => address.trim().toLowerCase();
