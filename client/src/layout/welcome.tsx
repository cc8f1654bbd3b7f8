import { Icon } from '../ui/icons.tsx';
import type { KernelSpecList } from '../protocol.ts';
import { DrawerButton } from './drawer-button.tsx';

export interface WelcomeProps {
  kernelspecs: KernelSpecList | undefined;
  kernel: string | undefined;
  onKernel: (name: string) => void;
  onStart: () => void;
  /** Present when the sidebar is a drawer: opens it. */
  onDrawer?: (() => void) | undefined;
}

/** The home page: what Talkbook is and a way to start. */
export function Welcome({ kernelspecs, kernel, onKernel, onStart, onDrawer }: WelcomeProps) {
  const specs = kernelspecs?.kernelspecs ?? [];
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
        </div>
      </div>
    </>
  );
}
