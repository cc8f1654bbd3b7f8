import { describe, expect, it } from 'vitest';
import { isSessionId, Sessions } from '../../../server/http/sessions.ts';

const HOUR = 60 * 60 * 1000;

function clocked(options: { idleMs?: number; maxAgeMs?: number; maxSessions?: number } = {}) {
  let now = 1_000_000;
  const sessions = new Sessions({ ...options, now: () => now });
  return { sessions, advance: (ms: number) => (now += ms) };
}

describe('Sessions', () => {
  it('issues random 256-bit ids and keeps only their hash', async () => {
    const { sessions } = clocked();
    const a = await sessions.create('token');
    const b = await sessions.create('token');
    expect(isSessionId(a.id)).toBe(true);
    expect(a.id).not.toBe(b.id);
    expect(a.session.key).not.toBe(a.id);
    expect(JSON.stringify(a.session)).not.toContain(a.id);
    expect((await sessions.find(a.id))?.subject).toBe('token');
    expect(await sessions.find(a.session.key)).toBeUndefined();
  });

  it('ends a session after the idle time, and each use restarts that clock', async () => {
    const { sessions, advance } = clocked({ idleMs: 2 * HOUR });
    const { id } = await sessions.create('token');
    advance(HOUR + HOUR / 2);
    expect(await sessions.find(id)).toBeDefined();
    advance(HOUR + HOUR / 2);
    expect(await sessions.find(id)).toBeDefined();
    advance(2 * HOUR);
    expect(await sessions.find(id)).toBeUndefined();
    expect(sessions.size).toBe(0);
  });

  it('ends a session at its absolute expiry however busy it is', async () => {
    const { sessions, advance } = clocked({ idleMs: 2 * HOUR, maxAgeMs: 5 * HOUR });
    const { id } = await sessions.create('token');
    for (let hour = 1; hour < 5; hour++) {
      advance(HOUR);
      expect(await sessions.find(id)).toBeDefined();
    }
    advance(HOUR);
    expect(await sessions.find(id)).toBeUndefined();
  });

  it('revokes one session, or every session of a subject', async () => {
    const { sessions } = clocked();
    const a = await sessions.create('token');
    const b = await sessions.create('user-1');
    const c = await sessions.create('user-1');
    await sessions.revoke(a.id);
    expect(await sessions.find(a.id)).toBeUndefined();
    expect(await sessions.revokeSubject('user-1')).toBe(2);
    expect(await sessions.find(b.id)).toBeUndefined();
    expect(await sessions.find(c.id)).toBeUndefined();
  });

  it('keeps at most maxSessions, ending the least recently used', async () => {
    const { sessions, advance } = clocked({ maxSessions: 2 });
    const first = await sessions.create('token');
    const second = await sessions.create('token');
    advance(1);
    await sessions.find(first.id);
    const third = await sessions.create('token');
    expect(await sessions.find(second.id)).toBeUndefined();
    expect(await sessions.find(first.id)).toBeDefined();
    expect(await sessions.find(third.id)).toBeDefined();
  });

  it('treats anything that is not a session id as no session', async () => {
    const { sessions } = clocked();
    for (const value of ['', 'x', '%E0%A4%A', 'a'.repeat(44), 'test-token-0123456789']) {
      expect(await sessions.find(value)).toBeUndefined();
    }
  });
});
