import { useEffect, useState } from 'react';
import { sharingApi } from '../api/sharing-api.ts';
import { HttpError } from '../api/http.ts';
import { navigate } from '../router/use-route.ts';

/**
 * Opening a read-only link (`/shared#<secret>`): the server checks the secret and lets this
 * signed-in browser view the conversation (a cookie scoped to it), then the page opens it.
 * The address bar loses the secret on the way.
 */
export function SharedLinkPage({ secret }: { secret: string }) {
  const [failed, setFailed] = useState<string | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    sharingApi.openLink(secret).then(
      (id) => !cancelled && navigate({ name: 'conversation', id }, { replace: true }),
      (error: unknown) => {
        if (cancelled) return;
        setFailed(error instanceof HttpError && error.status === 404 ? 'This link does not work (any more): its owner may have revoked it or made a new one.' : error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [secret]);
  if (!failed) return <div className="page-loading" aria-busy="true"><span className="spinner" /> Opening the shared conversation…</div>;
  return (
    <div className="page-message">
      <h1>Link not found</h1>
      <p>{failed}</p>
    </div>
  );
}
