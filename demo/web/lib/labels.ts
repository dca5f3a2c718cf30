/**
 * Content labels required by the Measures for Labeling AI-Generated Content and GB 45438-2025:
 * an explicit label people can see, and implicit metadata in the file.
 */
export const EXPLICIT_LABEL = 'AI生成 · AI-generated';

/** GB 45438 implicit label fields, written as the `AIGC` metadata entry. */
export function aigcMetadata(produceId: string) {
  return {
    AIGC: {
      Label: '1',
      ContentProducer: '91310000MA1FL0XXXX',
      ProduceID: produceId,
      ReservedCode1: '',
      ContentPropagator: '91310000MA1FL0XXXX',
      PropagateID: produceId,
      ReservedCode2: '',
    },
  };
}

/** Adds the visible badge to generated text before it is shown. */
export function withAigcLabel(text: string): string {
  return `${text}\n\n— ${EXPLICIT_LABEL}`;
}
