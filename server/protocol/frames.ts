import { z } from 'zod';
import { cell } from './cells.ts';
import { output } from './outputs.ts';

/** Largest client frame the server reads; anything bigger closes the socket with a reason. */
export const MAX_CLIENT_FRAME_BYTES = 1_048_576;

const requestId = z.string().max(200).optional();

// ---- client → server --------------------------------------------------------------------

export const clientFrame = z.discriminatedUnion('type', [
  /** Run code the person wrote. With `cellId` of an existing code cell: edit it and run it again. */
  z.object({ type: z.literal('run'), code: z.string(), cellId: z.string().optional(), requestId }),
  z.object({ type: z.literal('ask'), text: z.string().min(1), requestId }),
  /** Run every code cell again, in order, in place; stops at the first that fails. */
  z.object({ type: z.literal('run_all'), requestId }),
  /** Run the stale code cells again, in order (a cell is stale when an earlier one it read from ran again). */
  z.object({ type: z.literal('run_stale'), requestId }),
  z.object({ type: z.literal('interrupt'), requestId }),
  z.object({ type: z.literal('restart'), requestId }),
  z.object({ type: z.literal('cancel'), requestId }),
  /** Rebuild lost kernel state: a fresh kernel replays the code cells that last ran without error. */
  z.object({ type: z.literal('restore'), requestId }),
  /**
   * A turn that undoes the conversation's last code cell not already undone: the kernel goes
   * back to the checkpoint before it (its files too), and the cell is marked `undone`.
   */
  z.object({ type: z.literal('undo'), requestId }),
  /** Change a cell's settings (not a turn: applied at once, announced as a `cell` frame). */
  z.object({ type: z.literal('set_cell'), cellId: z.string(), noReplay: z.boolean(), requestId }),
  /** Remove a cell from the conversation (refused while a request runs). Not a turn: applied at once. */
  z.object({ type: z.literal('delete_cell'), cellId: z.string(), requestId }),
  /** The answer to the `stdin` prompt waiting in `cellId` (`input()`, `getpass()`). Not a turn: the first answer wins. */
  z.object({ type: z.literal('stdin_reply'), cellId: z.string(), value: z.string().max(65_536), requestId }),
  z.object({ type: z.literal('resume'), after: z.number().int().min(-1) }),
]);
export type ClientFrame = z.infer<typeof clientFrame>;
export type ClientFrameType = ClientFrame['type'];

// ---- server → client --------------------------------------------------------------------

export const kernelState = z.enum(['starting', 'idle', 'busy', 'restarting', 'dead']);
export type KernelState = z.infer<typeof kernelState>;

export const turnState = z.enum(['started', 'done', 'cancelled', 'failed']);
export type TurnState = z.infer<typeof turnState>;

export const restoreState = z.enum(['started', 'progress', 'done', 'failed', 'cancelled']);
export type RestoreState = z.infer<typeof restoreState>;

const seq = z.number().int();

/** A running cell waits for a line of input: `input(prompt)`, or `getpass(prompt)` (`password`). */
export const stdinPrompt = z.object({ cellId: z.string(), prompt: z.string(), password: z.boolean() });
export type StdinPrompt = z.infer<typeof stdinPrompt>;

export const serverFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('turn'),
    seq,
    turnId: z.string(),
    state: turnState,
    /** Which request this turn answers (`run`, `ask`, …) and the client's `requestId`, if any. */
    request: z.string().optional(),
    requestId,
    error: z.string().optional(),
  }),
  z.object({ type: z.literal('cell'), seq, cell }),
  z.object({ type: z.literal('cell_deleted'), seq, cellId: z.string() }),
  /** `cellId` waits for a line of input (show a field in it); answered with `stdin_reply`. */
  z.object({ type: z.literal('stdin'), seq, ...stdinPrompt.shape }),
  /** The prompt of `cellId` ended: answered (from any tab), interrupted, cancelled or timed out. */
  z.object({ type: z.literal('stdin_done'), seq, cellId: z.string() }),
  z.object({ type: z.literal('output'), seq, cellId: z.string(), output }),
  z.object({ type: z.literal('clear_output'), seq, cellId: z.string(), wait: z.boolean() }),
  /**
   * `update_display_data`: the outputs of `cellId` that carry `displayId` take `output`'s data
   * (in whichever cell they are: a later cell can update an earlier cell's display). Without
   * `cellId` (older servers), every cell's.
   */
  z.object({ type: z.literal('update_display'), seq, displayId: z.string(), cellId: z.string().optional(), output }),
  z.object({ type: z.literal('text'), seq, cellId: z.string(), delta: z.string() }),
  z.object({ type: z.literal('kernel'), seq, state: kernelState }),
  z.object({ type: z.literal('title'), seq, title: z.string() }),
  /** Whether the kernel lost the state the conversation's code built (offer "Restore state"). */
  z.object({ type: z.literal('state'), seq, lost: z.boolean() }),
  /**
   * A restore turn's progress: `started` (done 0), `progress` as each cell starts (`cellId`),
   * then one of `done`, `failed` (`cellId` and `error` say which cell and why) or `cancelled`.
   */
  z.object({
    type: z.literal('restore'),
    seq,
    turnId: z.string(),
    state: restoreState,
    /** Cells replayed so far, of `total`. */
    done: z.number().int().min(0),
    total: z.number().int().min(0),
    cellId: z.string().optional(),
    /** Cells marked `noReplay`, left out (on `started`). */
    skipped: z.array(z.string()).optional(),
    /** Why it failed, e.g. `NameError: name 'df' is not defined`. */
    error: z.string().optional(),
  }),
  /**
   * Whether the conversation's changes reach the store. `ok: false` while writes fail (a full
   * disk, the database gone), with why; retried until they work again (`ok: true`).
   */
  z.object({ type: z.literal('storage'), seq, ok: z.boolean(), message: z.string().optional() }),
  /**
   * A malformed or impossible request. Errors answer one socket only: they carry the
   * conversation's current `seq` without advancing it and are never replayed by `resume`.
   */
  z.object({ type: z.literal('error'), seq, message: z.string(), requestId }),
  /**
   * Sent instead of the missed frames when `resume` asks for more than the server still
   * holds: the whole conversation as of `seq`. The client replaces its state with it.
   */
  z.object({ type: z.literal('reset'), seq, cells: z.array(cell), stateLost: z.boolean().optional(), stdin: stdinPrompt.optional() }),
]);
export type ServerFrame = z.infer<typeof serverFrame>;
export type ServerFrameType = ServerFrame['type'];

/** A server frame before the conversation stamps it with `seq`. */
export type UnsequencedFrame = ServerFrame extends infer F
  ? F extends ServerFrame
    ? Omit<F, 'seq'>
    : never
  : never;
