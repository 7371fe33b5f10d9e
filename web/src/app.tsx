import { useEffect, useState } from 'preact/hooks';
import { ErrorBoundary, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import type { ComponentChildren } from 'preact';
import { findCounty } from '../../shared/reference';
import { onSessionExpired } from './api';
import { Loading, PageHeading, Problem } from './components';
import { loadConfig, type AppConfig } from './config';
import { useTitle } from './hooks';
import { AuditPage, CountyStart, DecideCheck, DecideForm, DecideSent, ReportPage, ReportSent } from './pages/county';
import { AnswerCheck, AnswerForm, AnswerSent, MunicipalityStart, ProposalPage, ProposeCheck, ProposeForm, ProposeSent, WithdrawPage, Withdrawn } from './pages/municipality';
import { AdminRoutes } from './pages/admin-lazy';
import { LocalClockPage } from './pages/local-clock';
import { LocalSignIn } from './pages/sign-in';
import { TotpPage } from './pages/totp-lazy';
import { clearSession, currentUser, rememberReturn, takeReturn, type SessionUser } from './session';
import { municipalityName } from './words';

const organisation = (u: SessionUser): string =>
  u.role === 'municipality' ? `${municipalityName(u.municipality)} (${u.municipality})` : u.role === 'county' ? `Länsstyrelsen i ${findCounty(u.county)?.name ?? u.county}` : 'Administratör';

/** After each navigation (not the first load) focus moves to the new page's heading. */
let navigated = false;
function FocusOnNavigate() {
  const { url } = useLocation();
  const [first, setFirst] = useState(true);
  useEffect(() => {
    if (first) return setFirst(false);
    navigated = true;
    window.scrollTo(0, 0);
  }, [url]);
  useEffect(() => {
    if (!navigated) return;
    const timer = setInterval(() => {
      const heading = document.querySelector<HTMLElement>('[data-page-heading]');
      if (heading) {
        heading.focus();
        navigated = false;
        clearInterval(timer);
      }
    }, 20);
    return () => clearInterval(timer);
  });
  return null;
}

function Layout({ user, onSignOut, localClock, children }: { user: SessionUser | undefined; onSignOut(): void; localClock?: boolean; children: ComponentChildren }) {
  return (
    <>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is a real link to #main; the click only moves focus there too */}
      <a href="#main" class="skip-link" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Hoppa till huvudinnehållet
      </a>
      <header class="header">
        <div class="width-container header__inner">
          <a href="/" class="header__service">Omfördelning av anvisningsandelar</a>
          {user && (
            <div class="header__user">
              <span>
                {user.name}, {organisation(user)}
              </span>
              <button type="button" class="link-button" onClick={onSignOut}>
                Logga ut
              </button>
            </div>
          )}
        </div>
      </header>
      <div class="width-container">
        <main id="main" class="main" tabIndex={-1}>
          {children}
        </main>
      </div>
      <footer class="footer">
        <div class="width-container">
          <p>Omfördelning av anvisningsandelar för ensamkommande barn mellan kommuner i samma län.</p>
          {localClock && (
            <p>
              Lokal testmiljö: <a href="/klocka">flytta klockan</a>
            </p>
          )}
        </div>
      </footer>
    </>
  );
}

function NotFound() {
  useTitle('Sidan finns inte');
  return (
    <>
      <PageHeading>Sidan finns inte</PageHeading>
      <p class="body">Kontrollera adressen, eller gå till <a href="/">startsidan</a>.</p>
    </>
  );
}

function SignedIn({ user }: { user: Exclude<SessionUser, { role: 'admin-without-totp' }> }) {
  if (user.role === 'admin') return <AdminRoutes />;
  if (user.role === 'county') {
    const county = user.county;
    return (
      <Router>
        <Route path="/" component={() => <CountyStart county={county} />} />
        <Route path="/beslut/:giver" component={() => <DecideForm county={county} />} />
        <Route path="/beslut/:giver/kontrollera" component={() => <DecideCheck county={county} />} />
        <Route path="/beslut/:giver/skickat" component={DecideSent} />
        <Route path="/rapport" component={() => <ReportPage county={county} />} />
        <Route path="/rapport/skickad" component={ReportSent} />
        <Route path="/handelser" component={() => <AuditPage county={county} />} />
        <Route default component={NotFound} />
      </Router>
    );
  }
  const me = user.municipality;
  return (
    <Router>
      <Route path="/" component={() => <MunicipalityStart me={me} />} />
      <Route path="/forslag/nytt" component={() => <ProposeForm me={me} mode="new" />} />
      <Route path="/forslag/nytt/kontrollera" component={() => <ProposeCheck me={me} mode="new" />} />
      <Route path="/forslag/nytt/skickat" component={() => <ProposeSent mode="new" />} />
      <Route path="/forslag/andra" component={() => <ProposeForm me={me} mode="amend" />} />
      <Route path="/forslag/andra/kontrollera" component={() => <ProposeCheck me={me} mode="amend" />} />
      <Route path="/forslag/andra/skickat" component={() => <ProposeSent mode="amend" />} />
      <Route path="/forslag/aterkallat" component={Withdrawn} />
      <Route path="/forslag/:giver" component={() => <ProposalPage me={me} />} />
      <Route path="/forslag/:giver/svara" component={() => <AnswerForm me={me} />} />
      <Route path="/forslag/:giver/svara/kontrollera" component={() => <AnswerCheck me={me} />} />
      <Route path="/forslag/:giver/svara/skickat" component={AnswerSent} />
      <Route path="/forslag/:giver/aterkalla" component={() => <WithdrawPage me={me} />} />
      <Route default component={NotFound} />
    </Router>
  );
}

function Shell({ config }: { config: AppConfig }) {
  const { url, route } = useLocation();
  const [user, setUser] = useState(() => currentUser());
  const [expired, setExpired] = useState(false);
  useEffect(() => {
    onSessionExpired(() => {
      setUser(undefined);
      setExpired(true);
    });
  }, []);
  // The user follows the token (sign-in and sign-out change it).
  useEffect(() => setUser(currentUser()), [url]);

  const signOut = () => {
    if (config.auth.kind === 'cognito') {
      const auth = config.auth;
      void import('./cognito').then((c) => c.signOutRedirect(auth));
      return;
    }
    clearSession();
    setUser(undefined);
    setExpired(false);
    route('/logga-in');
  };

  const path = url.split('?')[0]!;
  // Before the sign-in routes back: the page it returns to must not see the signed-out user and sign in again.
  const signedIn = () => (setUser(currentUser()), setExpired(false));
  let page: ComponentChildren;
  if (config.auth.kind === 'cognito' && path === '/inloggad') page = <CognitoCallback config={config} onSignedIn={signedIn} />;
  else if (config.clock && path === '/klocka') page = <LocalClockPage clockUrl={config.clock} />;
  else if (!user || path === '/logga-in') {
    if (config.auth.kind === 'local') page = <LocalSignIn expired={expired} onSignedIn={signedIn} />;
    else page = <CognitoRedirect config={config} />;
    if (!expired) rememberReturn(url);
  } else if (user.role === 'admin-without-totp') page = <TotpPage config={config} account={user.name} onSignOut={signOut} />;
  else page = <SignedIn user={user} />;
  return (
    <Layout user={path === '/logga-in' ? undefined : user} onSignOut={signOut} localClock={config.clock !== undefined}>
      <FocusOnNavigate />
      {page}
    </Layout>
  );
}

function CognitoRedirect({ config }: { config: AppConfig }) {
  useTitle('Logga in');
  useEffect(() => {
    if (config.auth.kind === 'cognito') {
      const auth = config.auth;
      void import('./cognito').then((c) => c.signInRedirect(auth));
    }
  }, []);
  return (
    <>
      <PageHeading>Logga in</PageHeading>
      <p class="body" role="status">Du skickas vidare till inloggningen …</p>
    </>
  );
}

function CognitoCallback({ config, onSignedIn }: { config: AppConfig; onSignedIn(): void }) {
  const { route } = useLocation();
  const [problem, setProblem] = useState<string>();
  useTitle('Loggar in');
  useEffect(() => {
    if (config.auth.kind !== 'cognito') return;
    const auth = config.auth;
    import('./cognito')
      .then((c) => c.completeSignIn(auth))
      .then(() => {
        onSignedIn();
        route(takeReturn(), true);
      })
      .catch(() => setProblem('Inloggningen kunde inte slutföras. Försök logga in igen.'));
  }, []);
  return (
    <>
      <PageHeading>Loggar in</PageHeading>
      {problem ? <Problem message={problem} /> : <Loading />}
    </>
  );
}

export function App() {
  const [config, setConfig] = useState<AppConfig>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    loadConfig().then(setConfig, () => setProblem('Tjänsten kunde inte starta. Ladda om sidan om en stund.'));
  }, []);
  return (
    <LocationProvider>
      <ErrorBoundary>
        {config ? (
          <Shell config={config} />
        ) : (
          <Layout user={undefined} onSignOut={() => {}}>
            {problem ? <Problem message={problem} /> : <Loading />}
          </Layout>
        )}
      </ErrorBoundary>
    </LocationProvider>
  );
}
