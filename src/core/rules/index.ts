/**
 * Every rule aireg runs, in order. The generation detector comes first: the review rules read
 * the generation calls it leaves in the context.
 */
import type { Rule } from './rule';
import { generationRule } from './generation';
import { missingLabelRule } from './missingLabel';
import { invalidLabelMetadataRule } from './invalidLabelMetadata';
import { labelStrippedRule } from './labelStripped';
import { recNoOptOutRule } from './recNoOptOut';
import { biometricNoConsentRule } from './biometricNoConsent';

export const ALL_RULES: readonly Rule[] = [
  generationRule,
  // The review rules (they run after the generation detector).
  missingLabelRule,
  invalidLabelMetadataRule,
  labelStrippedRule,
  recNoOptOutRule,
  biometricNoConsentRule,
];
