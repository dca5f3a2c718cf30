import { CHAT_MODEL, openai } from '@/lib/openai';
import { withAigcLabel } from '@/lib/labels';

/** Streams the next paragraph of a story to the editor as server-sent events. */
export async function POST(req: Request) {
  const { prompt } = (await req.json()) as { prompt: string };
  const stream = await openai.chat.completions.create({ model: CHAT_MODEL, stream: true, messages: [{ role: 'user', content: prompt }] });
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream({
      async start(controller) {
        for await (const chunk of stream) {
          controller.enqueue(encoder.encode(`data: ${chunk.choices[0]?.delta?.content ?? ''}\n\n`));
        }
        controller.close();
      },
    }),
    { headers: { 'Content-Type': 'text/event-stream' } },
  );
}

/** Non-streaming variant: the team's label helper (declared in .aireg.json) adds the badge. */
export async function PUT(req: Request) {
  const { prompt } = (await req.json()) as { prompt: string };
  const r = await openai.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: 'user', content: prompt }] });
  return Response.json({ text: withAigcLabel(r.choices[0].message.content ?? '') });
}
