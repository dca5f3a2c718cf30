import OpenAI from 'openai';

/**
 * DeepSeek speaks the OpenAI wire protocol, so we reuse the OpenAI SDK with its base URL.
 * Used for the Chinese-language summary feature.
 */
const deepseek = new OpenAI({
  baseURL: 'https://api.deepseek.com',
  apiKey: process.env.DEEPSEEK_API_KEY,
});

export async function summarizeChapter(chapter: string): Promise<string> {
  const res = await deepseek.chat.completions.create({
    model: 'deepseek-chat',
    messages: [
      { role: 'system', content: '用三句话概括这一章的情节。' },
      { role: 'user', content: chapter },
    ],
    max_tokens: 400,
  });
  return res.choices[0].message.content ?? '';
}
