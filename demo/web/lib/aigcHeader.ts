/**
 * The AIGC header our CDN edge attaches to generated media. Written by hand during a migration,
 * and it no longer matches GB 45438: readers look for the exact field names.
 */
export function aigcHeader(produceId: string): string {
  const aigc = {
    Label: 1,
    ContentProducer: '91310000MA1FL0XXXX',
    ProduceId: produceId,
  };
  return JSON.stringify({ AIGC: aigc });
}
