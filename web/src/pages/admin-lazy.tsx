import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Loading } from '../components';

/**
 * The administrator's pages, loaded when an administrator signs in (a chunk of their own:
 * few people use them, and the initial JavaScript stays within its budget).
 */
export function AdminRoutes() {
  const [Routes, setRoutes] = useState<ComponentType>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import('./admin').then(
      (m) => setRoutes(() => m.AdminRoutes),
      () => setFailed(true),
    );
  }, []);
  if (failed) return <p class="body" role="alert">Sidan kunde inte laddas. Ladda om sidan.</p>;
  return Routes ? <Routes /> : <Loading />;
}
