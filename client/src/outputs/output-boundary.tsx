import { Component, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  /** What failed, for the message ("output", "cell"). */
  what?: string;
}

/** Keeps one broken output (or cell) from blanking the page: it shows a small note instead. */
export class OutputBoundary extends Component<Props, { error: Error | undefined }> {
  override state: { error: Error | undefined } = { error: undefined };

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="output-broken" role="note">
        This {this.props.what ?? 'output'} could not be shown: {this.state.error.message}
      </div>
    );
  }
}
