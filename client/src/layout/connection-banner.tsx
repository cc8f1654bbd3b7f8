import type { ConnectionStatus } from '../api/conversation-socket.ts';

/** Says so when the live connection drops; the socket reconnects and resumes by itself. */
export function ConnectionBanner({ status }: { status: ConnectionStatus }) {
  if (status === 'open' || status === 'connecting') return null;
  return (
    <div className={`connection-banner banner-${status}`} role="status">
      {status === 'reconnecting' ? (
        <>
          <span className="spinner" aria-hidden="true" />
          Connection lost. Reconnecting…
        </>
      ) : (
        <>Disconnected from the server. Reload the page to try again.</>
      )}
    </div>
  );
}
