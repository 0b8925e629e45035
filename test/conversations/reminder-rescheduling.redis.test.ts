// A changed answer time reaches chats already waiting: a reminder job reads the org's answer time
// when it runs and waits out what is left of a longer one (NotDueYetError, a delay of exactly
// that), a shorter one has the org's pending reminder jobs run at once (and only that org's), an
// answer time of none and escalation off make the jobs do nothing. Against the job world's clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorld, runJob, type JobWorld } from '../support/job-world.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import { processChatEvent } from '../../src/jobs/processors/chat-event.processor.ts';
import { processRemindersJob } from '../../src/jobs/processors/reminders.processor.ts';
import { NotDueYetError } from '../../src/errors/index.ts';
import type { OrgSettings } from '../../src/store/org-settings.repository.ts';

let w: JobWorld;
let deps: WorkerDeps;

beforeAll(async () => {
  w = await startJobWorld('reminder-rescheduling');
  deps = w.deps();
}, 60_000);
afterAll(async () => w?.close());

async function openChat() {
  await w.freshChannel(`resched-${Math.random().toString(36).slice(2, 8)}`, { withBob: true });
  const conversation = await w.platform.startConversation(w.orgId, { visitor: { name: 'Vera' } });
  await runJob(() => processChatEvent(deps, w.events(conversation.id, 'conversation.started')[0]!));
  return conversation.id;
}

async function settings(change: Partial<OrgSettings>) {
  const current = (await w.store.orgSettings.get(w.orgId))!;
  await w.store.orgSettings.save({ ...current, ...change }, w.clock.now());
}

/** The job's outcome: how long it asked to wait, or 'ran'. */
async function run(job: Parameters<typeof processRemindersJob>[1]): Promise<number | 'ran'> {
  try {
    await processRemindersJob(deps, job, 'job');
    return 'ran';
  } catch (error) {
    if (error instanceof NotDueYetError) return error.waitMs;
    throw error;
  }
}

const stageJobs = async (conversationId: string) =>
  (await w.queues.reminders.getJobs(['delayed', 'waiting']))
    .map((job) => ({ job, data: job.data }))
    .flatMap(({ job, data }) => ('kind' in data || data.conversationId !== conversationId ? [] : [{ job, data }]));

describe('a changed answer time', () => {
  it('longer: the job waits out the rest; then it reminds once and schedules stage 2 from then', async () => {
    await settings({ answerTimeMs: 60_000 });
    const conversationId = await openChat();
    const [scheduled] = await stageJobs(conversationId);
    expect(scheduled!.data).toMatchObject({ stage: 1, clockFrom: expect.any(Number) });
    const clockFrom = scheduled!.data.clockFrom!;

    await settings({ answerTimeMs: 120_000 });
    w.clock.advance(clockFrom + 60_000 - w.clock.now().getTime());
    const left = await run({ orgId: w.orgId, conversationId, stage: 1, clockFrom });
    expect(left).toBeGreaterThan(59_000);
    expect(left).toBeLessThanOrEqual(60_000);
    expect((await w.store.conversations.get(w.orgId, conversationId))!.reminderStage).toBe(0);

    w.clock.advance(60_000);
    expect(await run({ orgId: w.orgId, conversationId, stage: 1, clockFrom })).toBe('ran');
    expect((await w.store.conversations.get(w.orgId, conversationId))!.reminderStage).toBe(1);
    const stage2 = (await stageJobs(conversationId)).find((j) => j.data.stage === 2)!;
    expect(stage2.data.clockFrom).toBeCloseTo(w.clock.now().getTime(), -4);

    // Escalation off: stage 2 falls due and does nothing.
    await settings({ escalation: 'off' });
    w.clock.advance(120_000);
    expect(await run({ orgId: w.orgId, conversationId, stage: 2, clockFrom: stage2.data.clockFrom! })).toBe('ran');
    const after = (await w.store.conversations.get(w.orgId, conversationId))!;
    expect(after.reminderStage).toBe(1);
    expect(after.mirrors.filter((m) => m.opened === 'escalation')).toEqual([]);
    await settings({ escalation: null });
  });

  it('shorter: the org’s pending reminder jobs are moved to run now, another org’s stay', async () => {
    await settings({ answerTimeMs: 3_600_000 });
    const conversationId = await openChat();
    await w.queues.reminders.add('stage-1', { orgId: 'org_other', conversationId: 'c_other', stage: 1, clockFrom: Date.now() }, { delay: 3_600_000 });
    expect(await deps.producer.hastenReminders(w.orgId)).toBeGreaterThanOrEqual(1);
    const [mine] = await stageJobs(conversationId);
    expect(await mine!.job.getState()).toBe('waiting');
    // None of the org's is left waiting for the old time; the other org's is.
    const delayed = await w.queues.reminders.getDelayed();
    expect(delayed.filter((j) => 'orgId' in j.data && j.data.orgId === w.orgId)).toEqual([]);
    const [other] = await stageJobs('c_other');
    expect(await other!.job.getState()).toBe('delayed');
    // Run under the new, shorter time: it waits out only what is left of it.
    await settings({ answerTimeMs: 30_000 });
    const left = await run(mine!.data);
    expect(left).toBeGreaterThan(25_000);
    expect(left).toBeLessThanOrEqual(30_000);
    // Again: the same answer (nothing was claimed or sent).
    expect(await deps.producer.hastenReminders(w.orgId)).toBe(0);
  });

  it('none: a pending reminder does nothing when it falls due', async () => {
    await settings({ answerTimeMs: 30_000 });
    const conversationId = await openChat();
    const [job] = await stageJobs(conversationId);
    await settings({ answerTimeMs: null });
    w.clock.advance(31_000);
    expect(await run(job!.data)).toBe('ran');
    expect((await w.store.conversations.get(w.orgId, conversationId))!.reminderStage).toBe(0);
  });
});
