// What a day's chats add up to (activity-figures.ts says what each figure means): a day's counts
// are computed from its chats' facts, and a range's figures from the days' counts, which add up
// (counters and histogram buckets alike). Pure, so the worker's roll-up, the API and the bench's
// anchor compute them the same way.
import type { ActivityFigures } from './activity-figures.ts';
import { addToHistogram, type Histogram, mergeHistograms, percentile } from './first-response-histogram.ts';

/** One chat as its facts say, for its start day's counts. */
export interface ChatActivity {
  conversationId: string;
  startedAt: Date;
  routingGroupId: string | null;
  /** The org's answer time when the chat started (null: none, so every answer is within it). */
  answerTimeMs: number | null;
  firstAnswer: { at: Date; agentId: string; agentName: string; origin: 'slack' | 'console' } | null;
  ended: boolean;
}

export interface ActivityCounts {
  chats: number;
  answered: number;
  missed: number;
  answeredInSlack: number;
  answeredInConsole: number;
  answeredWithinAnswerTime: number;
  firstResponse: Histogram;
}

export interface DayCounts {
  day: ActivityCounts;
  groups: Array<{ routingGroupId: string } & ActivityCounts>;
  agents: Array<{ agentId: string; name: string } & ActivityCounts>;
}

/**
 * A day's or a range's counts by routing group and by agent, with the names they had last
 * (`groupNames`: the platform's names of the groups, absent when unknown).
 */
export type Breakdown = Pick<DayCounts, 'groups' | 'agents'> & { groupNames: Record<string, string> };

export function emptyCounts(): ActivityCounts {
  return { chats: 0, answered: 0, missed: 0, answeredInSlack: 0, answeredInConsole: 0, answeredWithinAnswerTime: 0, firstResponse: {} };
}

function addChat(counts: ActivityCounts, chat: ChatActivity): void {
  counts.chats++;
  const answer = chat.firstAnswer;
  if (!answer) {
    if (chat.ended) counts.missed++;
    return;
  }
  counts.answered++;
  if (answer.origin === 'slack') counts.answeredInSlack++;
  else counts.answeredInConsole++;
  const waitedMs = Math.max(0, answer.at.getTime() - chat.startedAt.getTime());
  if (chat.answerTimeMs === null || waitedMs <= chat.answerTimeMs) counts.answeredWithinAnswerTime++;
  addToHistogram(counts.firstResponse, waitedMs / 1000);
}

export function addCounts(into: ActivityCounts, from: ActivityCounts): void {
  into.chats += from.chats;
  into.answered += from.answered;
  into.missed += from.missed;
  into.answeredInSlack += from.answeredInSlack;
  into.answeredInConsole += from.answeredInConsole;
  into.answeredWithinAnswerTime += from.answeredWithinAnswerTime;
  mergeHistograms(into.firstResponse, from.firstResponse);
}

/**
 * The breakdowns of consecutive days or months added up; `parts` in date order, so a group or an
 * agent keeps the name it had last.
 */
export function sumBreakdowns(parts: Breakdown[]): Breakdown {
  const groups = new Map<string, ActivityCounts>();
  const agents = new Map<string, { name: string; counts: ActivityCounts }>();
  const groupNames: Record<string, string> = {};
  for (const part of parts) {
    for (const { routingGroupId, ...counts } of part.groups) {
      const group = groups.get(routingGroupId) ?? emptyCounts();
      groups.set(routingGroupId, group);
      addCounts(group, counts);
    }
    for (const { agentId, name, ...counts } of part.agents) {
      const agent = agents.get(agentId) ?? { name, counts: emptyCounts() };
      agents.set(agentId, agent);
      agent.name = name;
      addCounts(agent.counts, counts);
    }
    Object.assign(groupNames, part.groupNames);
  }
  return {
    groups: [...groups].map(([routingGroupId, counts]) => ({ routingGroupId, ...counts })),
    agents: [...agents].map(([agentId, { name, counts }]) => ({ agentId, name, ...counts })),
    groupNames,
  };
}

/** A day's counts from the chats that started on it: for the day, each routing group and each agent who answered first. */
export function countDay(chats: ChatActivity[]): DayCounts {
  const day = emptyCounts();
  const groups = new Map<string, ActivityCounts>();
  const agents = new Map<string, { name: string; counts: ActivityCounts }>();
  for (const chat of chats) {
    addChat(day, chat);
    if (chat.routingGroupId !== null) {
      const group = groups.get(chat.routingGroupId) ?? emptyCounts();
      groups.set(chat.routingGroupId, group);
      addChat(group, chat);
    }
    if (chat.firstAnswer) {
      const agent = agents.get(chat.firstAnswer.agentId) ?? { name: chat.firstAnswer.agentName, counts: emptyCounts() };
      agents.set(chat.firstAnswer.agentId, agent);
      addChat(agent.counts, chat);
    }
  }
  return {
    day,
    groups: [...groups].map(([routingGroupId, counts]) => ({ routingGroupId, ...counts })),
    agents: [...agents].map(([agentId, { name, counts }]) => ({ agentId, name, ...counts })),
  };
}

export function figuresOf(counts: ActivityCounts): ActivityFigures {
  return {
    chats: counts.chats,
    answered: counts.answered,
    missed: counts.missed,
    answeredInSlack: counts.answeredInSlack,
    answeredInConsole: counts.answeredInConsole,
    answeredWithinAnswerTime: counts.answeredWithinAnswerTime,
    firstResponseSeconds: { p50: percentile(counts.firstResponse, 0.5), p90: percentile(counts.firstResponse, 0.9) },
  };
}
