import { NextRequest, NextResponse } from 'next/server';
import OpenAI from 'openai';

export const runtime = 'nodejs';

const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
const CHAT_MODEL = process.env.CHAT_MODEL ?? 'gpt-4o-mini';

interface ChatBody {
  storyId: string;
  messages: { role: 'user' | 'assistant'; content: string }[];
}

const SYSTEM_PROMPT =
  'You are Storyboard, a helpful writing assistant. Continue the user\'s story in the same voice.';

export async function POST(req: NextRequest) {
  const body = (await req.json()) as ChatBody;
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return NextResponse.json({ error: 'messages required' }, { status: 400 });
  }

  const completion = await openai.chat.completions.create({
    model: CHAT_MODEL,
    temperature: 0.8,
    messages: [{ role: 'system', content: SYSTEM_PROMPT }, ...body.messages],
  });

  const reply = completion.choices[0]?.message?.content ?? '';
  // The draft goes straight back to the editor, which shows it as the user's own text.
  return NextResponse.json({ storyId: body.storyId, reply });
}
