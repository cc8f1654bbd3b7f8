import { useState } from 'react';
import { Icon } from '../ui/icons.tsx';
import { AccountPanel } from './account-panel.tsx';
import type { KernelSpecList } from '../protocol.ts';
import { DrawerButton } from './drawer-button.tsx';

export interface WelcomeProps {
  kernelspecs: KernelSpecList | undefined;
  kernel: string | undefined;
  onKernel: (name: string) => void;
  onStart: () => void;
  /** Present when the sidebar is a drawer: opens it. */
  onDrawer?: (() => void) | undefined;
  /** Present for admins: opens the admin page. */
  onAdmin?: (() => void) | undefined;
}

/** The home page: what Talkbook is and a way to start. */
export function Welcome({ kernelspecs, kernel, onKernel, onStart, onDrawer, onAdmin }: WelcomeProps) {
  const specs = kernelspecs?.kernelspecs ?? [];
  const [account, setAccount] = useState(false);
  return (
    <>
      {onDrawer ? (
        <div className="home-bar">
          <DrawerButton onOpen={onDrawer} />
        </div>
      ) : null}
      <div className="welcome">
        <span className="brand-mark large" aria-hidden="true" />
        <h1>Talkbook</h1>
        <p>Chat with an assistant that writes and runs code in a live Jupyter kernel. Every conversation has its own kernel; its variables persist between cells.</p>
        <div className="welcome-actions">
          <button type="button" className="button primary large" onClick={onStart}>
            <Icon name="plus" />
            Start a conversation
          </button>
          {specs.length > 1 ? (
            <label className="kernel-select">
              Kernel
              <select value={kernel ?? kernelspecs?.default} onChange={(event) => onKernel(event.target.value)}>
                {specs.map((spec) => (
                  <option key={spec.name} value={spec.name}>
                    {spec.displayName}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <button type="button" className="button ghost" onClick={() => setAccount(true)}>
            Account and API tokens
          </button>
          {onAdmin ? (
            <a className="button ghost" href="/admin" onClick={(event) => {
              event.preventDefault();
              onAdmin();
            }}>
              Admin
            </a>
          ) : null}
        </div>
      </div>
      {account ? <AccountPanel onClose={() => setAccount(false)} /> : null}
    </>
  );
}
