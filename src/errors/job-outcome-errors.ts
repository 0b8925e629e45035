// Job outcomes as error classes, after BullMQ's DelayedError and UnrecoverableError: a processor
// throws one and src/queues/job-errors.ts (classifyFailure) turns it into a delay or an outage by
// `instanceof`, never by message text.

/** Another worker holds the conversation's thread; try again shortly. */
export class ThreadBusyError extends Error {
  constructor(readonly key: string) {
    super(`Thread ${key} is being written by another worker`);
    this.name = 'ThreadBusyError';
  }
}

/** The job's lock on the thread expired while it worked; what it did is recorded, so it starts over. */
export class ThreadLockLostError extends Error {
  constructor(readonly key: string) {
    super(`Lost the lock on thread ${key}`);
    this.name = 'ThreadLockLostError';
  }
}

/**
 * Another job holds the claim on something to be done once (a notice, a reminder, the end
 * prompt); try again later: it finishes, or its lease runs out (it died) and this job takes over.
 */
export class ClaimBusyError extends Error {
  constructor(readonly claim: string) {
    super(`${claim} is being done by another job`);
    this.name = 'ClaimBusyError';
  }
}

/** An earlier reply of the chat is still on its way to the visitor: this one goes after it. */
export class ReplyOrderError extends Error {
  constructor(
    readonly conversationId: string,
    readonly waitingFor: string,
  ) {
    super(`a reply to ${conversationId} waits for the earlier ${waitingFor}`);
    this.name = 'ReplyOrderError';
  }
}

/** Another process holds the lock this job needs (a directory sync, a directory write); try again shortly. */
export class LockBusyError extends Error {
  constructor(readonly lockName: string) {
    super(`${lockName} is held by another process`);
    this.name = 'LockBusyError';
  }
}

/** Status changes the platform sent before this chat started are not all stored yet; route it once they are. */
export class StatusChangesPendingError extends Error {
  constructor(
    readonly orgId: string,
    readonly through: number,
  ) {
    super(`status changes of org ${orgId} up to ${through} are not all applied yet`);
    this.name = 'StatusChangesPendingError';
  }
}

/**
 * A reminder fell due under an answer time the org has since made longer: the job waits out the
 * rest instead of running early (src/conversations/reminders.ts).
 */
export class NotDueYetError extends Error {
  constructor(
    readonly what: string,
    readonly waitMs: number,
  ) {
    super(`${what} is due in ${waitMs} ms`);
    this.name = 'NotDueYetError';
  }
}
