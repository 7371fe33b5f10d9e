import { useEffect, useState } from 'preact/hooks';
import { SessionExpired } from './api';

export type Loaded<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; message: string };

/** Loads data for a page; a 401 (SessionExpired) keeps the page loading while the app goes to sign-in. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setValue({ state: 'loading' });
    load().then(
      (data) => live && setValue({ state: 'ok', data }),
      (error: unknown) => {
        if (!live || error instanceof SessionExpired) return;
        setValue({ state: 'error', message: error instanceof Error ? error.message : 'Något gick fel.' });
      },
    );
    return () => {
      live = false;
    };
  }, deps);
  return value;
}

const SERVICE = 'Omfördelning av anvisningsandelar';

/** The document title: "Sida – Omfördelning av anvisningsandelar", prefixed "Fel: " while the page shows errors. */
export function useTitle(title: string, hasErrors = false): void {
  useEffect(() => {
    document.title = `${hasErrors ? 'Fel: ' : ''}${title} – ${SERVICE}`;
  }, [title, hasErrors]);
}

/** A value kept in sessionStorage, so that nothing typed is lost on an error, a reload or a new sign-in. */
export function useStored<T>(key: string, initial: T): [T, (next: T) => void] {
  const [value, setValue] = useState<T>(() => readStored(key, initial));
  return [
    value,
    (next: T) => {
      sessionStorage.setItem(key, JSON.stringify(next));
      setValue(next);
    },
  ];
}

export function readStored<T>(key: string, initial: T): T {
  try {
    const text = sessionStorage.getItem(key);
    return text ? { ...initial, ...(JSON.parse(text) as T) } : initial;
  } catch {
    return initial;
  }
}

export function clearStored(key: string): void {
  sessionStorage.removeItem(key);
}
