import type { Context } from 'hono';
import type { z } from 'zod';
import { BadRequestError } from '../errors.ts';

/** Parse a JSON body against `schema`; 400 with the reason otherwise. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new BadRequestError('The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new BadRequestError(`Invalid request: ${reasons.join('; ')}`);
  }
  return parsed.data;
}
