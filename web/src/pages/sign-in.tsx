import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ErrorSummary, Loading, PageHeading, Problem, type FieldError } from '../components';
import { useLoad, useTitle } from '../hooks';
import { setToken, takeReturn } from '../session';

interface Identity {
  role: 'admin' | 'county' | 'municipality';
  municipality?: string;
  county?: string;
  name: string;
  organisation: string;
}

/** The local stack's sign-in: pick an example identity; the stack signs a token with its local key. */
export function LocalSignIn({ expired, onSignedIn }: { expired: boolean; onSignedIn(): void }) {
  const { route } = useLocation();
  const data = useLoad(async () => {
    const res = await fetch('/_local/identities');
    if (!res.ok) throw new Error('Exempelidentiteterna gick inte att hämta från den lokala stacken.');
    return ((await res.json()) as { identities: Identity[] }).identities;
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  useTitle('Logga in', errors.length > 0);
  const signIn = async (identity: Identity) => {
    const res = await fetch('/_local/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: identity.role, municipality: identity.municipality, county: identity.county, name: identity.name }),
    });
    if (!res.ok) return setErrors([{ message: 'Inloggningen misslyckades. Försök igen.' }]);
    setToken(((await res.json()) as { token: string }).token);
    onSignedIn();
    route(takeReturn());
  };
  const groups: [string, Identity['role']][] = [
    ['Kommuner', 'municipality'],
    ['Länsstyrelser', 'county'],
    ['Administratörer', 'admin'],
  ];
  return (
    <>
      <ErrorSummary errors={errors} />
      {expired && (
        <div class="notification" role="status">
          <p class="body">Din inloggning har gått ut. Logga in igen så kommer du tillbaka till sidan du var på.</p>
        </div>
      )}
      <PageHeading caption="Lokal testmiljö">Logga in</PageHeading>
      <p class="body">Den här sidan finns bara i den lokala testmiljön. Välj vem du vill vara. I den riktiga tjänsten loggar du in med ditt konto.</p>
      {data.state === 'loading' && <Loading />}
      {data.state === 'error' && <Problem message={data.message} />}
      {data.state === 'ok' &&
        groups.map(([title, role]) => (
          <section key={role} aria-labelledby={`group-${role}`}>
            <h2 class="heading-m" id={`group-${role}`}>{title}</h2>
            <ul class="identity-list">
              {data.data
                .filter((i) => i.role === role)
                .map((i) => (
                  <li key={`${i.role}-${i.municipality ?? i.county ?? ''}`}>
                    <button type="button" class="button button--secondary identity" onClick={() => void signIn(i)}>
                      {i.organisation}
                      <span class="identity__name">{i.name}</span>
                    </button>
                  </li>
                ))}
            </ul>
          </section>
        ))}
    </>
  );
}
