import OpenAI from 'openai';
import { withAigcLabel } from './labels';

const openai = new OpenAI();
const CHAT_MODEL = 'gpt-4o-mini';

/** Writes a blurb for the story page; the badge is added before it is stored. */
export async function storyBlurb(title: string, synopsis: string): Promise<string> {
  const res = await openai.chat.completions.create({
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: `Write a two-sentence blurb for "${title}": ${synopsis}` }],
  });
  return withAigcLabel(res.choices[0].message.content ?? '');
}

/** Internal quality evaluation: generated text never leaves the batch job. */
export async function gradeDraft(draft: string): Promise<number> {
  // aireg-disable-next-line aigc-generation-call -- offline evaluation job, output is a score that never reaches users
  const res = await openai.chat.completions.create({
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: `Grade this draft from 1 to 10. Answer with a number only.\n\n${draft}` }],
  });
  return Number(res.choices[0].message.content) || 0;
}
