import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { api } from '../api/conversations-api.ts';
import { HttpError, UnauthorizedError } from '../api/http.ts';
import {
  openConversationSocket,
  type ConnectionStatus,
  type ConversationSocket,
} from '../api/conversation-socket.ts';
import type { ClientFrame, ServerFrame } from '../protocol.ts';
import { conversationReducer, type ConversationAction } from './conversation-reducer.ts';
import { initialState, type ConversationState } from './conversation-state.ts';

export type LoadState =
  | { kind: 'loading' }
  | { kind: 'ready' }
  | { kind: 'missing' }
  | { kind: 'failed'; message: string };

export interface ConversationHandle {
  load: LoadState;
  state: ConversationState | undefined;
  connection: ConnectionStatus;
  send: (frame: ClientFrame) => void;
  dispatch: (action: ConversationAction) => void;
}

type Store = ConversationState | undefined;

function reducer(state: Store, action: ConversationAction): Store {
  if (action.type === 'loaded') return initialState(action.detail);
  return state ? conversationReducer(state, action) : state;
}

/**
 * Loads one conversation (GET gives cells and `seq`), then follows it over the WebSocket,
 * resuming after the last `seq` seen on every (re)connection.
 */
export function useConversation(id: string, onFrame?: (frame: ServerFrame) => void): ConversationHandle {
  const [state, dispatch] = useReducer(reducer, undefined);
  const [load, setLoad] = useState<LoadState>({ kind: 'loading' });
  const [connection, setConnection] = useState<ConnectionStatus>('connecting');
  const seqRef = useRef(-1);
  const socketRef = useRef<ConversationSocket | undefined>(undefined);
  const onFrameRef = useRef(onFrame);
  onFrameRef.current = onFrame;
  seqRef.current = state?.id === id ? state.seq : -1;

  useEffect(() => {
    let cancelled = false;
    setLoad({ kind: 'loading' });
    setConnection('connecting');
    api.get(id).then(
      (detail) => {
        if (cancelled) return;
        dispatch({ type: 'loaded', detail });
        seqRef.current = detail.seq;
        setLoad({ kind: 'ready' });
        socketRef.current = openConversationSocket(id, {
          lastSeq: () => seqRef.current,
          onFrame: (frame) => {
            dispatch({ type: 'frame', frame });
            onFrameRef.current?.(frame);
          },
          onStatus: setConnection,
          onInvalid: (text) => dispatch({ type: 'toast', level: 'error', text }),
          shouldRetry: async () => {
            // A cheap probe tells a network blip from a lost session or a deleted conversation.
            try {
              await api.get(id);
              return true;
            } catch (error) {
              if (error instanceof HttpError && error.status === 404) {
                setLoad({ kind: 'missing' });
                return false;
              }
              return !(error instanceof UnauthorizedError);
            }
          },
        });
      },
      (error: unknown) => {
        if (cancelled) return;
        if (error instanceof HttpError && error.status === 404) setLoad({ kind: 'missing' });
        else setLoad({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      cancelled = true;
      socketRef.current?.close();
      socketRef.current = undefined;
    };
  }, [id]);

  const send = useCallback((frame: ClientFrame) => socketRef.current?.send(frame), []);
  return { load, state: state?.id === id ? state : undefined, connection, send, dispatch };
}
