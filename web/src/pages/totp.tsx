/**
 * An administrator without TOTP (signed in, no role yet): registers an authenticator app
 * (web/src/totp.ts), then signs out and in again, when Cognito asks for the code and the
 * tokens carry the admin role.
 */
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ErrorSummary, PageHeading, Panel, TextInput, errorFor, type FieldError } from '../components';
import type { AppConfig } from '../config';
import { useTitle } from '../hooks';
import { accessToken } from '../session';
import { associateSoftwareToken, codeRefusal, otpauthUri, userApiEndpoint, verifyAndPrefer } from '../totp';

const TOTP_PAGE = '/tvastegsverifiering';

type Step = { step: 'start' } | { step: 'code'; secret: string } | { step: 'done' };

/** The secret in groups of four, as it is typed into an app by hand. */
const grouped = (secret: string) => secret.replace(/(.{4})/g, '$1 ').trim();

export function TotpPage({ config, account, onSignOut }: { config: AppConfig; account: string; onSignOut(): void }) {
  const { path, route } = useLocation();
  const [step, setStep] = useState<Step>({ step: 'start' });
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  useTitle(step.step === 'done' ? 'Tvåstegsverifieringen är klar' : 'Tvåstegsverifiering', errors.length > 0);
  useEffect(() => {
    if (path !== TOTP_PAGE) route(TOTP_PAGE, true);
  }, [path]);
  const auth = config.auth;
  const access = accessToken();
  if (auth.kind !== 'cognito' || !access) {
    return (
      <>
        <PageHeading>Tvåstegsverifiering</PageHeading>
        <p class="body">Du är administratör men har ingen tvåstegsverifiering. Logga ut och logga in igen för att registrera den.</p>
      </>
    );
  }
  const endpoint = userApiEndpoint(auth.authority);

  const begin = async () => {
    try {
      setStep({ step: 'code', secret: await associateSoftwareToken(endpoint, access) });
      setErrors([]);
    } catch (error) {
      setErrors([{ message: codeRefusal(error).message }]);
    }
  };
  const verify = async () => {
    const typed = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(typed)) return setErrors([{ field: 'code', message: 'Skriv koden med 6 siffror, till exempel 123456.' }]);
    try {
      await verifyAndPrefer(endpoint, access, typed);
      setErrors([]);
      setStep({ step: 'done' });
    } catch (error) {
      setErrors([codeRefusal(error)]);
    }
  };

  if (step.step === 'done') {
    return (
      <>
        <Panel title="Tvåstegsverifieringen är klar" />
        <p class="body">Från och med nu frågar inloggningen efter en kod från appen varje gång du loggar in.</p>
        <p class="body">Logga ut och logga in igen för att få administratörens behörighet.</p>
        <button type="button" class="button" onClick={onSignOut}>
          Logga ut
        </button>
      </>
    );
  }
  return (
    <>
      <ErrorSummary errors={errors} />
      <PageHeading caption="Administratör">Tvåstegsverifiering</PageHeading>
      <p class="body">Som administratör måste du logga in med en kod från en app för tvåstegsverifiering (till exempel Microsoft Authenticator eller Google Authenticator), utöver lösenordet. Du registrerar appen en gång.</p>
      {step.step === 'start' ? (
        <button type="button" class="button" onClick={() => void begin()}>
          Registrera en app
        </button>
      ) : (
        <>
          <h2 class="heading-m">1. Lägg till kontot i appen</h2>
          <p class="body">
            På mobilen: <a href={otpauthUri(step.secret, account)}>öppna länken i appen</a>. Annars: välj att ange en nyckel i appen och skriv in nyckeln nedan.
          </p>
          <div class="inset">
            <p class="body">
              Nyckel: <code class="secret">{grouped(step.secret)}</code>
            </p>
          </div>
          <h2 class="heading-m">2. Skriv koden som appen visar</h2>
          <TextInput
            id="code"
            label="Kod med 6 siffror"
            hint="Koden byts var 30:e sekund."
            width="short"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            error={errorFor(errors, 'code')}
            onInput={setCode}
          />
          <button type="button" class="button" onClick={() => void verify()}>
            Spara
          </button>
        </>
      )}
    </>
  );
}
