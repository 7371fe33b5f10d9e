import type { ComponentProps, FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Loading } from '../components';
import type { TotpPage as Page } from './totp';

/** The TOTP registration, loaded only for an administrator without TOTP (once each): a chunk of its own. */
export function TotpPage(props: ComponentProps<typeof Page>) {
  const [Loaded, setLoaded] = useState<FunctionComponent<ComponentProps<typeof Page>>>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import('./totp').then(
      (m) => setLoaded(() => m.TotpPage),
      () => setFailed(true),
    );
  }, []);
  if (failed) return <p class="body" role="alert">Sidan kunde inte laddas. Ladda om sidan.</p>;
  return Loaded ? <Loaded {...props} /> : <Loading />;
}
