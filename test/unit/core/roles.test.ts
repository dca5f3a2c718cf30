/**
 * One list of roles everywhere: every role an obligation can bind must be declarable in
 * `.aireg.json`, in the `aireg.roles` setting and in the checklist's role picker, or the
 * obligations that bind it could never appear in a team's checklist.
 */
import * as assert from 'node:assert/strict';
import configSchema from '../../../data/schemas/aireg-config.schema.json';
import manifest from '../../../package.json';
import { CONFIG_ROLES } from '../../../src/client/panels/scope';
import { allObligations } from '../../../src/core/kb';
import { ROLES } from '../../../src/core/kb/types';
import { SETTING_ENUMS } from '../../../src/shared/settings';

describe('roles', () => {
  const kb = [...ROLES].sort();

  it('the config schema accepts exactly the knowledge-base roles', () => {
    assert.deepEqual([...configSchema.properties.roles.items.enum].sort(), kb);
  });

  it('the aireg.roles setting and its validator accept exactly the knowledge-base roles', () => {
    const setting = manifest.contributes.configuration.properties['aireg.roles'];
    assert.deepEqual([...setting.items.enum].sort(), kb);
    assert.deepEqual([...SETTING_ENUMS.roles].sort(), kb);
  });

  it('the checklist role picker offers exactly the knowledge-base roles', () => {
    assert.deepEqual([...CONFIG_ROLES].sort(), kb);
  });

  it('every role an obligation binds is a declarable role', () => {
    const used = new Set(allObligations().flatMap((o) => o.roles));
    for (const r of used) assert.ok(kb.includes(r), `obligations bind ${r}, which no configuration can declare`);
  });
});
