import { useEffect, useState } from 'react';
import { api } from '../api/conversations-api.ts';
import { HttpError } from '../api/http.ts';
import type { KernelVariable, Output } from '../protocol.ts';
import { OutputArea } from '../outputs/output-area.tsx';
import { formatBytes } from '../ui/format-bytes.ts';
import { Icon } from '../ui/icons.tsx';
import { Sheet } from '../ui/sheet.tsx';
import { SidePanel } from './side-panel.tsx';

export interface VariablesPanelProps {
  conversationId: string;
  /** Changes whenever the kernel's variables may have changed (a cell finished). */
  version: string;
  /** The kernel's language (`python`, `R`); other languages get an empty state that says why. */
  language: string | undefined;
  /** A name was clicked: put it into the message box. */
  onInsert: (name: string) => void;
  onClose: () => void;
}

/** Languages whose variables the server can list (server/kernel/variables.ts). */
const LISTED = new Set(['python', 'r']);
const TABLE_TYPES = new Set(['DataFrame', 'Series']);

/**
 * The variable explorer: the kernel's user variables (name, type, shape or length, size, a short
 * preview), refreshed after each cell without printing anything into the conversation. The model
 * is told the same listing. A name inserts itself into the message box; a DataFrame or Series
 * opens in the interactive table. A side panel on larger screens, a bottom sheet on phones.
 */
export function VariablesPanel({ conversationId, version, language, onInsert, onClose }: VariablesPanelProps) {
  const [variables, setVariables] = useState<KernelVariable[] | undefined>(undefined);
  const [note, setNote] = useState<string | undefined>(undefined);
  const [table, setTable] = useState<{ name: string; output?: Output; error?: string } | undefined>(undefined);
  const supported = language === undefined || LISTED.has(language.toLowerCase());

  useEffect(() => {
    if (!supported) return;
    let live = true;
    api.variables(conversationId).then(
      (list) => {
        if (!live) return;
        setVariables(list);
        setNote(undefined);
      },
      (failure: unknown) => {
        if (!live) return;
        // 409: a cell is running; the list comes back when it finishes (the next version).
        setNote(failure instanceof HttpError && failure.status === 409 ? 'Updating when the running cell finishes…' : failure instanceof Error ? failure.message : String(failure));
      },
    );
    return () => {
      live = false;
    };
  }, [conversationId, version, supported]);

  const openTable = (name: string) => {
    setTable({ name });
    api.variableTable(conversationId, name).then(
      (output) => setTable((shown) => (shown?.name === name ? { name, output } : shown)),
      (failure: unknown) => setTable((shown) => (shown?.name === name ? { name, error: failure instanceof Error ? failure.message : String(failure) } : shown)),
    );
  };

  return (
    <SidePanel title="Variables" closeLabel="Close variables" onClose={onClose} className="variables-panel">
      {!supported ? (
        <p className="variables-note">The variable explorer lists the variables of Python and R kernels; this kernel ({language}) is not one of them.</p>
      ) : null}
      {supported && note ? <p className="variables-note">{note}</p> : null}
      {supported && !variables && !note ? <p className="variables-note">Loading…</p> : null}
      {supported && variables?.length === 0 ? <p className="variables-note">No variables yet. What your cells and the assistant’s define shows here.</p> : null}
      {supported && variables && variables.length > 0 ? (
        <ul className="variables-list" aria-label="Kernel variables">
          {variables.map((variable) => (
            <li key={variable.name} className="variable-row">
              <div className="variable-line">
                <button type="button" className="variable-name" title={`Insert ${variable.name} into the message`} onClick={() => onInsert(variable.name)}>
                  {variable.name}
                </button>
                <span className="variable-type">{variable.type}</span>
                <span className="variable-size">{sizeText(variable)}</span>
                {TABLE_TYPES.has(variable.type) && language?.toLowerCase() === 'python' ? (
                  <button type="button" className="icon-button variable-open" aria-label={`Open ${variable.name} as a table`} title="Open as a table" onClick={() => openTable(variable.name)}>
                    <Icon name="chevronRight" />
                  </button>
                ) : null}
              </div>
              {variable.preview ? <code className="variable-preview">{variable.preview}</code> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {table ? (
        // Escape closes the table only, not the panel around it (the dialog's own cancel still runs).
        <div onKeyDown={(event) => event.key === 'Escape' && event.stopPropagation()}>
        <Sheet label={`Table ${table.name}`} side="center" onClose={() => setTable(undefined)} className="variable-table-sheet">
          <div className="panel-head">
            <h2>{table.name}</h2>
            <button type="button" className="button ghost icon-only" onClick={() => setTable(undefined)} aria-label="Close table" title="Close">
              <Icon name="x" />
            </button>
          </div>
          {table.error ? <p className="variables-note">{table.error}</p> : table.output ? <OutputArea outputs={[table.output]} /> : <p className="variables-note">Loading…</p>}
        </Sheet>
        </div>
      ) : null}
    </SidePanel>
  );
}

/** `120 × 2 · 1.9 KB`, `length 3 · 88 B`, or just the size. */
function sizeText(variable: KernelVariable): string {
  const parts: string[] = [];
  if (variable.shape) parts.push(variable.shape.join(' × '));
  else if (variable.length !== undefined) parts.push(`length ${variable.length}`);
  if (variable.bytes !== undefined) parts.push(formatBytes(variable.bytes));
  return parts.join(' · ');
}
