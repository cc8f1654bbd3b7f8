import type { KernelMessage, Kernel } from '@jupyterlab/services';
import { iopubToEvent } from './iopub-output.ts';
import type { ExecuteOutcome, ExecutionEvent } from './kernel-session.ts';

/** How a followed execution ended: as any execution does, or `lost` (see `followExecution`). */
export type FollowOutcome = ExecuteOutcome | { status: 'lost' };

/**
 * Follow an execution another connection started (`msgId`, its `execute_request`): after a
 * failover this connection has the old one's session id, so Jupyter Server replays what it
 * buffered while no one was connected, then the execution goes on live. Resolves with its
 * outcome, or `lost` when its reply never comes although the kernel answered a later request
 * (it ended while no one listened and nothing was buffered: what it sent meanwhile is gone).
 * `inflight`: the session's in-flight work, failed (with a reason) when the kernel goes.
 */
export function followExecution(
  kernel: Kernel.IKernelConnection,
  inflight: Set<(reason: string) => void>,
  msgId: string,
  onEvent: (event: ExecutionEvent) => void,
): Promise<FollowOutcome> {
  return new Promise((resolve) => {
    let executionCount: number | null = null;
    let heard = false;
    let settled = false;
    const finish = (outcome: FollowOutcome) => {
      if (settled) return;
      settled = true;
      kernel.anyMessage.disconnect(onMessage);
      inflight.delete(onDeath);
      resolve(outcome);
    };
    const onDeath = (reason: string) => finish({ status: 'died', executionCount, reason });
    const onMessage = (_: unknown, { msg, direction }: { msg: KernelMessage.IMessage; direction: 'send' | 'recv' }) => {
      if (direction !== 'recv' || (msg.parent_header as { msg_id?: string } | undefined)?.msg_id !== msgId) return;
      heard = true;
      if (msg.channel === 'shell' && msg.header.msg_type === 'execute_reply') {
        const content = msg.content as { status?: string; execution_count?: number };
        if (typeof content.execution_count === 'number') executionCount = content.execution_count;
        finish({ status: content.status === 'ok' || content.status === 'error' ? content.status : 'aborted', executionCount });
        return;
      }
      if (msg.channel !== 'iopub') return;
      const event = iopubToEvent(msg.header.msg_type, msg.content);
      if (event.kind === 'ignore' || event.kind === 'update-display') return;
      if (event.kind === 'execution-count') executionCount = event.executionCount;
      onEvent(event);
    };
    kernel.anyMessage.connect(onMessage);
    inflight.add(onDeath);
    // Replayed messages come before the answer to this connection's kernel_info; the kernel
    // answers that only once the execution ended (ipykernel serves its shell in order).
    void kernel.info.then(
      () => setTimeout(() => {
        if (!heard) finish({ status: 'lost' });
      }, 1000).unref(),
      () => undefined,
    );
  });
}
