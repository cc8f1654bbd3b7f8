import type { Output } from '../../server/protocol/index.ts';

/** Everything a cell printed (stdout and stderr), in order. */
export const streamText = (outputs: Output[]): string => outputs.map((o) => (o.output_type === 'stream' ? o.text : '')).join('');
