import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import OpenAI from 'openai';
import { aigcMetadata, EXPLICIT_LABEL } from '@/lib/labels';

const openai = new OpenAI();

/**
 * Generates a poster and serves it labeled: a visible caption and GB 45438 implicit metadata
 * in the PNG. This is the path the other image route should follow.
 */
export async function POST(req: Request) {
  const { prompt } = (await req.json()) as { prompt: string };
  const produceId = randomUUID();

  const generated = await openai.images.generate({
    model: 'gpt-image-1',
    prompt,
    size: '1024x1536',
  });
  const png = Buffer.from(generated.data?.[0]?.b64_json ?? '', 'base64');

  const caption = Buffer.from(
    `<svg width="1024" height="64"><text x="16" y="44" font-size="32" fill="white">${EXPLICIT_LABEL}</text></svg>`,
  );
  const labeled = await sharp(png)
    .composite([{ input: caption, gravity: 'south' }])
    .withMetadata({ exif: { IFD0: { ImageDescription: JSON.stringify(aigcMetadata(produceId)) } } })
    .png()
    .toBuffer();

  return new Response(labeled, {
    headers: {
      'Content-Type': 'image/png',
      'X-AIGC-Label': EXPLICIT_LABEL,
      'X-AIGC-Metadata': JSON.stringify(aigcMetadata(produceId)),
    },
  });
}
