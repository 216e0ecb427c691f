import * as v from 'valibot';
import { ParleyError } from './core/errors.js';

/** Problems as one readable sentence: "from.id: must be a 24-character hex id". */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path?.map((p) => String(p.key)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Parses input against a schema or throws `invalid_payload` naming each problem. */
export function parse<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (!result.success) throw new ParleyError('invalid_payload', `Invalid request: ${describeIssues(result.issues)}.`);
  return result.output;
}
