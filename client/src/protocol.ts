/** The wire schema shared with the server: validate everything that arrives with it. */
export * from '../../server/protocol/index.ts';
