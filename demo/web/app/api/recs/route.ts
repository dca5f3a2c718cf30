import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { NextResponse } from 'next/server';
import { db } from '@/lib/db';
import { isPersonalizationEnabled } from '@/lib/settings';

const personalize = new PersonalizeRuntimeClient({ region: 'ap-northeast-1' });
const CAMPAIGN = process.env.PERSONALIZE_CAMPAIGN_ARN;

/** Home shelf: personalised when the reader allows it, newest stories otherwise. */
export async function GET(req: Request) {
  const userId = new URL(req.url).searchParams.get('user') ?? '';
  if (!(await isPersonalizationEnabled(userId))) {
    return NextResponse.json(await db.story.findMany({ orderBy: { publishedAt: 'desc' }, take: 20 }));
  }
  const recs = await personalize.send(new GetRecommendationsCommand({ campaignArn: CAMPAIGN, userId, numResults: 20 }));
  return NextResponse.json(recs.itemList ?? []);
}

/** "Readers like you" e-mail digest: personalised with no check of the reader's setting. */
export async function POST(req: Request) {
  const { userId } = (await req.json()) as { userId: string };
  const recs = await personalize.send(new GetRecommendationsCommand({ campaignArn: CAMPAIGN, userId, numResults: 5 }));
  return NextResponse.json(recs.itemList ?? []);
}
