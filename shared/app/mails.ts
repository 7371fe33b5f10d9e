import { countyName, name } from '../notifications/common';
import type { MailsQuery, SentMailList, SentMailView } from '../schemas/api';
import { MAIL_PAGE_SIZE } from '../schemas/api';
import type { SentMailEntry } from '../schemas/mail-log';
import { asAdmin, requireCounty } from './access';
import type { CommandInput } from './command';
import type { AppContext } from './context';

/**
 * The e-mails the year has sent, newest first, a page at a time; with `?county=` only those
 * concerning that county. Administrators only: the list holds every county's mails and the
 * administrators' own (a county board has its copies in its mailbox).
 */
export async function listMails({ app, user, year }: Pick<CommandInput<Pick<AppContext, 'sentMail'>>, 'app' | 'user' | 'year'>, query: MailsQuery): Promise<SentMailList> {
  asAdmin(user);
  const county = query.county === undefined ? undefined : requireCounty(query.county);
  const page = await app.sentMail.list(year, {
    limit: query.limit ?? MAIL_PAGE_SIZE,
    ...(county && { county }),
    ...(query.after !== undefined && { after: query.after }),
  });
  return { year, ...(county && { county }), mails: page.mails.map(presentMail), ...(page.next !== undefined && { next: page.next }) };
}

/** The mail with its addressee named as a person reads it. Pure. */
function presentMail(entry: SentMailEntry): SentMailView {
  const { addressee } = entry;
  const named =
    addressee.organisation === 'municipality'
      ? { ...addressee, name: name(addressee.code) }
      : addressee.organisation === 'county'
        ? { ...addressee, name: `Länsstyrelsen i ${countyName(addressee.code)}` }
        : { ...addressee, name: addressee.organisation === 'migrationsverket' ? 'Migrationsverket' : 'Administratörerna' };
  return { ...entry, addressee: named };
}
