import { NextResponse } from 'next/server';
import OpenAI from 'openai';

const openai = new OpenAI();

export async function POST(req: Request) {
  const { prompt, size } = (await req.json()) as { prompt: string; size?: '1024x1024' | '1792x1024' };

  const result = await openai.images.generate({
    model: 'dall-e-3',
    prompt,
    size: size ?? '1024x1024',
    quality: 'standard',
    n: 1,
  });

  const url = result.data?.[0]?.url;
  if (!url) {
    return NextResponse.json({ error: 'no image returned' }, { status: 502 });
  }
  return NextResponse.json({ url, revisedPrompt: result.data?.[0]?.revised_prompt });
}
