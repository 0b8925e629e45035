// How fast an org's chats get answered, as the activity API, the settings page's Activity
// section, a rep's App Home and the weekly digest show it: the figures of a day, a routing group
// or an agent over a range of days, each from the per-day aggregates the workers keep as chats are
// answered and end (never a scan of messages).
//
// CONTRACT (shared by the store, the API, the page, App Home and the digest; change them together):
// - dates are the org's calendar days (its `timeZone` setting, an IANA name; UTC by default),
//   written YYYY-MM-DD;
// - a chat counts on the day it started; `missed`: it ended with no agent message at all;
//   `answered`: an agent wrote in it (from Slack or the console, `answeredInSlack` +
//   `answeredInConsole` = `answered`); `answeredWithinAnswerTime`: the first answer came within
//   the org's answer time as it was when the chat started (all answered ones when it was null);
// - `firstResponseSeconds`: percentiles of the time from the chat's start to its first agent
//   message, over the answered chats; null when none was answered. They come from a fixed-bucket
//   histogram, so they are upper bounds of a bucket: the error is stated by `percentileError`.
// - a group's or agent's figures: the chats of that routing group (its `routingGroupId` at the
//   start), and for an agent the chats they answered first (`chats` = `answered` there) plus, as
//   `missed`, none (a missed chat has no agent).

export interface ActivityFigures {
  chats: number;
  answered: number;
  missed: number;
  answeredInSlack: number;
  answeredInConsole: number;
  answeredWithinAnswerTime: number;
  firstResponseSeconds: { p50: number | null; p90: number | null };
}

export interface ActivityReport {
  from: string;
  to: string;
  timeZone: string;
  /** How far a percentile may be above the true value: "at most 25 % above, never below" and the like. */
  percentileError: string;
  /** Every day of the range, in order, zeros for a day without chats. */
  days: Array<{ date: string } & ActivityFigures>;
  /** Routing groups with chats in the range, by chats, most first; `name` as the platform last gave it (null when unknown). */
  groups: Array<{ routingGroupId: string; name: string | null } & ActivityFigures>;
  /** Agents who answered first in the range, by answered, most first. */
  agents: Array<{ agentId: string; name: string | null } & ActivityFigures>;
}
