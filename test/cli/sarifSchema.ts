/**
 * The official SARIF 2.1.0 JSON schema (OASIS, as published by Microsoft in the schemastore as
 * sarif-2.1.0-rtm.5.json), read from the npm package @microsoft/jest-sarif that ships it, so
 * tests never need the network. It is draft-04, hence ajv-draft-04; one of its patterns is not
 * valid in unicode mode, hence `unicodeRegExp: false`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

let validator: ValidateFunction | undefined;

export const SARIF_SCHEMA_PATH = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');

export function sarifValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(SARIF_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator;
}

/** Validates a SARIF log and fails with ajv's errors when it does not conform. */
export function assertValidSarif(log: unknown): void {
  const validate = sarifValidator();
  if (!validate(log)) throw new Error(`SARIF does not validate against the 2.1.0 schema:\n${JSON.stringify(validate.errors, null, 2)}`);
}
