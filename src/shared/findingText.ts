/**
 * What a finding says where space is one line: the Problems panel, the squiggle hover, the Findings
 * view, the CLI's text report. The rules write a full explanation (what, why, which articles, how to
 * fix); here each rule gets a one-line template in the l10n bundles, filled from the finding's facts
 * and its primary obligation's first article, so it reads "Generated text is returned without an
 * AI-generated label (Labeling Measures, Art. 4)" in English and the same in Chinese. The full
 * explanation moves to the hover and the obligation card. Pure: the caller passes the translator
 * (`@vscode/l10n`'s `t`, configured with the display language's bundle).
 */
import { articleLabel, getObligation, type Lang } from '../core/kb';
import type { Finding } from '../core/types';

export type Translate = (message: string, ...args: (string | number | boolean)[]) => string;

/** The longest one-line message; longer ones (a very long API name) are cut with an ellipsis. */
export const MAX_MESSAGE = 120;

/** The modality as a noun in the display language. */
export function modalityName(modality: string, t: Translate): string {
  switch (modality) {
    case 'text': return t('text');
    case 'image': return t('image');
    case 'audio': return t('audio');
    case 'video': return t('video');
    case 'face': return t('face');
    case 'voice': return t('voice');
    case '3d': return t('3D content');
    case 'multimodal': return t('multimodal content');
    default: return modality;
  }
}

/** How the output leaves, by the sink kind the missing-label rule reports. */
function leaves(sinkKind: unknown, t: Translate): string {
  switch (sinkKind) {
    case 'http': return t('is returned');
    case 'network': return t('is sent');
    case 'stream': return t('is streamed');
    case 'file': return t('is saved');
    case 'ui': return t('is shown');
    case 'storage': return t('is stored');
    default: return t('leaves');
  }
}

function operation(kind: unknown, t: Translate): string {
  switch (kind) {
    case 'face-swap': return t('Face swap');
    case 'reenactment': return t('Face reenactment');
    case 'face-edit': return t('Face editing');
    case 'voice-clone': return t('Voice cloning');
    default: return t('Face or voice editing');
  }
}

/** "Labeling Measures, Art. 4": the first article of the obligation, in the display language. */
export function firstArticle(obligationId: string | undefined, lang: Lang): string | undefined {
  const o = obligationId ? getObligation(obligationId) : undefined;
  const a = o?.articles[0];
  return a ? articleLabel(a, lang) : undefined;
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX_MESSAGE ? one.slice(0, MAX_MESSAGE - 1) + '…' : one;
}

/**
 * The one-line message of a finding. `primary` is the obligation the finding is first evidence for
 * under the configured roles (its first article is named); unknown rules keep their own first line.
 */
export function shortMessage(f: Pick<Finding, 'ruleId' | 'message' | 'data' | 'generation' | 'confidence'>, primary: string | undefined, lang: Lang, t: Translate): string {
  const d = f.data ?? {};
  const art = firstArticle(primary, lang);
  const withArt = (s: string): string => clip(art ? t('{0} ({1})', s, art) : s);
  switch (f.ruleId) {
    case 'aigc-generation-call': {
      const g = f.generation ?? { provider: String(d.provider ?? ''), modality: String(d.modality ?? ''), api: String(d.api ?? '') };
      return clip(t('AI {0} generation call: {1} ({2})', modalityName(g.modality, t), g.api, g.provider));
    }
    case 'aigc-missing-label': {
      const m = modalityName(String(d.modality ?? f.generation?.modality ?? 'text'), t);
      const how = leaves(d.sinkKind, t);
      const text =
        d.missing === 'implicit' ? t('Generated {0} {1} without implicit AI-label metadata', m, how)
        : d.missing === 'both' ? t('Generated {0} {1} without an AI-generated label or label metadata', m, how)
        : t('Generated {0} {1} without an AI-generated label', m, how);
      return withArt(d.partial === true ? t('{0} on some paths', text) : text);
    }
    case 'aigc-invalid-label-metadata':
      switch (d.problem) {
        case 'misspelt': return withArt(t('AIGC metadata field "{0}" is misspelt: the standard name is "{1}"', String(d.found ?? ''), String(d.field ?? '')));
        case 'non-string': return withArt(t('AIGC metadata field "{0}" must be a string', String(d.field ?? '')));
        case 'label-value': return withArt(t('AIGC metadata "Label" must be "1", "2" or "3", not "{0}"', String(d.found ?? '')));
        case 'missing': return withArt(t('AIGC metadata lacks {0}', String(d.fields ?? '').split(',').join(', ')));
        default: return clip(f.message.split('\n')[0]!);
      }
    case 'aigc-label-stripped':
      return withArt(t('{0} strips the implicit AI-label metadata of media', String(d.strip ?? '')));
    case 'rec-no-opt-out': {
      if (f.confidence === 'low') return withArt(t('Ranking by user data with no opt-out checked on the path'));
      // Name the library when the line stays short enough ("via LightFM (model.predict)").
      const via = /^Personalised recommendation via (.+?) with no user opt-out/.exec(f.message)?.[1];
      const named = via ? withArt(t('Recommendation via {0} has no opt-out check', via)) : '';
      return named && !named.endsWith('…') ? named : withArt(t('Personalised recommendation with no opt-out checked on the path'));
    }
    case 'biometric-no-consent':
      return withArt(t("{0} with no check of the person's separate consent", operation(d.kind, t)));
    case 'aireg-suppression-without-reason': {
      const directive = String(d.directive ?? 'aireg-disable');
      const unknown = /unknown rule id "([^"]*)"/.exec(f.message);
      if (unknown) return clip(t('{0} names an unknown rule "{1}"; nothing is suppressed', directive, unknown[1]!));
      if (/must name the rule/.test(f.message)) return clip(t('{0} must name the rules it suppresses; nothing is suppressed', directive));
      return clip(t('{0} needs a reason after "--"; nothing is suppressed', directive));
    }
    default:
      return clip(f.message.split('\n')[0]!);
  }
}
