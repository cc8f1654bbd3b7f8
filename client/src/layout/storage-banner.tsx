import { useEffect, useRef, useState } from 'react';

/** How long "saved again" stays after the store recovered. */
const RECOVERED_MS = 4_000;

/**
 * Says so while the server cannot store this conversation's changes (a `storage` frame, or
 * `storageError` when the page loaded): the page keeps working, the server keeps retrying. An
 * alert when it starts (changes may be lost), a brief polite "saved again" when it recovers.
 */
export function StorageBanner({ error }: { error: string | undefined }) {
  const [recovered, setRecovered] = useState(false);
  const failed = useRef(false);
  useEffect(() => {
    if (error !== undefined) {
      failed.current = true;
      setRecovered(false);
      return;
    }
    if (!failed.current) return;
    failed.current = false;
    setRecovered(true);
    const timer = setTimeout(() => setRecovered(false), RECOVERED_MS);
    return () => clearTimeout(timer);
  }, [error]);

  if (error !== undefined) {
    return (
      <div className="storage-banner" role="alert">
        <span className="spinner" aria-hidden="true" />
        <span>
          <strong>Changes are not being saved; retrying.</strong> {error}
        </span>
      </div>
    );
  }
  if (recovered) {
    return (
      <div className="storage-banner storage-recovered" role="status">
        Changes are being saved again.
      </div>
    );
  }
  return null;
}
