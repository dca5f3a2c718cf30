import OpenAI from 'openai';

// One client per server process; the SDK pools connections.
export const openai = new OpenAI({
  apiKey: process.env.OPENAI_API_KEY,
  organization: process.env.OPENAI_ORG_ID,
});

export const CHAT_MODEL = process.env.CHAT_MODEL ?? 'gpt-4o-mini';
