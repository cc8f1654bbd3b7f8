import { describe, expect, it } from 'vitest';
import { ListEvents, type ListChange, type ListRelay } from '../../../server/events/list-events.ts';
import { createLogger } from '../../../server/log.ts';

/** What PostgreSQL's NOTIFY does: every listener, the sender included, gets every payload. */
function sharedChannel() {
  const handlers: Array<(payload: string) => void> = [];
  const sent: string[] = [];
  const relay = (): ListRelay => ({
    publish: (payload) => {
      sent.push(payload);
      for (const handler of handlers) handler(payload);
    },
    onMessage: (handler) => void handlers.push(handler),
    close: async () => {},
  });
  return { relay, sent, inject: (payload: string) => handlers.forEach((handler) => handler(payload)) };
}

const log = createLogger('silent');
const collect = (bus: ListEvents) => {
  const got: ListChange[] = [];
  bus.subscribe((change) => got.push(change));
  return got;
};

describe('the conversation-list event bus', () => {
  it('delivers a change here at once and on the other server once, never twice here', () => {
    const channel = sharedChannel();
    const a = new ListEvents({ serverId: 'a', log, relay: channel.relay() });
    const b = new ListEvents({ serverId: 'b', log, relay: channel.relay() });
    const [onA, onB] = [collect(a), collect(b)];
    a.emit({ kind: 'created', conversationId: 'c1' });
    b.emit({ kind: 'deleted', conversationId: 'c2', audience: ['u1', 'u2'] });
    expect(onA).toEqual([{ kind: 'created', conversationId: 'c1' }, { kind: 'deleted', conversationId: 'c2', audience: ['u1', 'u2'] }]);
    expect(onB).toEqual(onA);
    // Ids and the kind only go over the wire.
    expect(channel.sent.map((payload) => Object.keys(JSON.parse(payload) as object).sort())).toEqual([
      ['conversationId', 'kind', 'origin'],
      ['audience', 'conversationId', 'kind', 'origin'],
    ]);
  });

  it('works without a relay (SQLite, one server) and stops delivering to whom unsubscribed', () => {
    const bus = new ListEvents({ serverId: 'only', log });
    const got: ListChange[] = [];
    const stop = bus.subscribe((change) => got.push(change));
    bus.emit({ kind: 'renamed', conversationId: 'c1' });
    stop();
    bus.emit({ kind: 'renamed', conversationId: 'c2' });
    expect(got.map((change) => change.conversationId)).toEqual(['c1']);
    expect(bus.listenerCount).toBe(0);
  });

  it('ignores what is not a list event, and one failing listener does not stop the others', () => {
    const channel = sharedChannel();
    const bus = new ListEvents({ serverId: 'a', log, relay: channel.relay() });
    bus.subscribe(() => {
      throw new Error('broken listener');
    });
    const got = collect(bus);
    for (const payload of ['not json', '{"kind":"exploded","conversationId":"c","origin":"b"}', '{"kind":"created","origin":"b"}']) channel.inject(payload);
    channel.inject('{"kind":"shared","conversationId":"c9","origin":"b","audience":["u"]}');
    expect(got).toEqual([{ kind: 'shared', conversationId: 'c9', audience: ['u'] }]);
  });

  it('does not relay an audience too large for NOTIFY: the others learn it by polling', () => {
    const channel = sharedChannel();
    const bus = new ListEvents({ serverId: 'a', log, relay: channel.relay() });
    const got = collect(bus);
    bus.emit({ kind: 'deleted', conversationId: 'c1', audience: Array.from({ length: 1000 }, (_, n) => `user-${n}-0123456789`) });
    expect(got).toHaveLength(1);
    expect(channel.sent).toEqual([]);
  });
});
