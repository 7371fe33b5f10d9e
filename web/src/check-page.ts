import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { SessionExpired } from './api';
import type { FieldError } from './components';
import { readStored, useTitle } from './hooks';

/**
 * A "check your answers" page: the draft its form stored, checked again (no valid draft:
 * back to the form), and `send`, which runs `submit` once at a time. A refusal about a field
 * goes back to the form with its message (stored under `errorsKey` for the form to show); a
 * refusal about the whole request stays here, in `errors`.
 */
export function useCheckPage<D, B>(options: {
  title: string;
  draftKey: string;
  empty: D;
  check(draft: D): { body?: B | undefined };
  formHref: string;
  errorsKey: string;
  toErrors(error: unknown): FieldError[];
  submit(body: B): Promise<void>;
}): { draft: D; body: B | undefined; errors: FieldError[]; sending: boolean; send(event: Event): Promise<void> } {
  const { route } = useLocation();
  const draft = readStored<D>(options.draftKey, options.empty);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  useTitle(options.title, errors.length > 0);
  const body = options.check(draft).body;
  useEffect(() => {
    if (!body) route(options.formHref, true);
  }, []);
  const send = async (event: Event) => {
    event.preventDefault();
    if (sending || !body) return;
    setSending(true);
    try {
      await options.submit(body);
    } catch (error) {
      if (error instanceof SessionExpired) return;
      setSending(false);
      const list = options.toErrors(error);
      if (list.some((e) => e.field)) {
        sessionStorage.setItem(options.errorsKey, JSON.stringify({ list }));
        route(options.formHref);
      } else setErrors(list);
    }
  };
  return { draft, body, errors, sending, send };
}
