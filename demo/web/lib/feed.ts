import { db } from './db';

export interface Story {
  id: string;
  title: string;
  tags: string[];
  embedding: number[];
  publishedAt: Date;
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb) || 1);
}

/** Average embedding of what the user read in the last 30 days. */
async function tasteVector(userId: string): Promise<number[]> {
  const history = await db.readingHistory.findMany({ where: { userId }, take: 200, orderBy: { readAt: 'desc' } });
  const dims = history[0]?.story.embedding.length ?? 0;
  const sum = new Array<number>(dims).fill(0);
  for (const h of history) h.story.embedding.forEach((v, i) => (sum[i] += v));
  return sum.map((v) => v / Math.max(history.length, 1));
}

/** The "For you" tab: stories ranked by similarity to the user's reading history. */
export async function forYouFeed(userId: string, limit = 20): Promise<Story[]> {
  const taste = await tasteVector(userId);
  const candidates: Story[] = await db.story.findMany({ where: { published: true }, take: 500 });
  return candidates
    .map((story) => ({ story, score: cosine(taste, story.embedding) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((s) => s.story);
}
