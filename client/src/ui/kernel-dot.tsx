import type { KernelState } from '../protocol.ts';

const LABELS: Record<KernelState, string> = {
  idle: 'Kernel idle',
  busy: 'Kernel busy',
  starting: 'Kernel starting',
  restarting: 'Kernel restarting',
  dead: 'Kernel dead',
};

export function kernelLabel(state: KernelState | undefined): string {
  return state ? LABELS[state] : 'Kernel not started';
}

/** A coloured dot for the kernel's state, with its name for screen readers and on hover. */
export function KernelDot({ state }: { state: KernelState | undefined }) {
  const label = kernelLabel(state);
  return <span className={`kernel-dot kernel-${state ?? 'none'}`} role="img" aria-label={label} title={label} />;
}
