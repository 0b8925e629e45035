// Admin API: how fast the org's chats got answered over a range of its days
// (src/routing/activity-figures.ts says what each figure means), as JSON or, with
// `Accept: text/csv`, as one CSV table whose `scope` column says which rows are days, routing
// groups and agents. Read from the per-day counts only, whatever the range.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminDeps } from './admin-deps.ts';
import { apiDoc, orgParams, type OrgScope } from './admin-org.ts';
import { appError } from '../../errors/index.ts';
import { daysInRange, isDate } from '../../routing/activity-dates.ts';
import type { ActivityFigures, ActivityReport } from '../../routing/activity-figures.ts';
import { activityReport } from '../../activity/activity-report.ts';

export const MAX_ACTIVITY_DAYS = 366;

const activityQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', maxLength: 20, description: 'First day, YYYY-MM-DD, in the org’s time zone' },
    to: { type: 'string', maxLength: 20, description: `Last day (included), YYYY-MM-DD; at most ${MAX_ACTIVITY_DAYS} days after from, counting both` },
  },
} as const;

/** The range asked for, or `invalid_range` naming the parameter that is wrong. */
function rangeOf(query: { from?: string; to?: string }): { from: string; to: string } {
  for (const name of ['from', 'to'] as const) {
    const value = query[name];
    if (value === undefined) throw appError('invalid_range', `${name} is required`, name);
    if (!isDate(value)) throw appError('invalid_range', `${name} "${value}" is not a day written YYYY-MM-DD`, name);
  }
  const { from, to } = query as { from: string; to: string };
  if (to < from) throw appError('invalid_range', `to (${to}) is before from (${from})`, 'to');
  const days = daysInRange(from, to);
  if (days > MAX_ACTIVITY_DAYS) throw appError('invalid_range', `${days} days asked for, at most ${MAX_ACTIVITY_DAYS}`, 'to');
  return { from, to };
}

export function registerActivityRoutes(app: FastifyInstance, admin: AdminDeps, orgScope: OrgScope): void {
  orgScope(app, (scope) => {
    scope.get<{ Params: { orgId: string }; Querystring: { from?: string; to?: string } }>(
      '/api/orgs/:orgId/activity',
      {
        schema: {
          ...apiDoc('How fast the org’s chats were answered, by day, routing group and agent (JSON, or CSV with Accept: text/csv)'),
          params: orgParams,
          querystring: activityQuery,
        },
      },
      async (request: FastifyRequest<{ Params: { orgId: string }; Querystring: { from?: string; to?: string } }>, reply: FastifyReply) => {
        const range = rangeOf(request.query);
        const report = await activityReport({ orgSettings: admin.orgSettings, chatActivity: admin.chatActivity }, request.params.orgId, range);
        if (wantsCsv(request.headers.accept)) {
          return reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="activity-${range.from}-${range.to}.csv"`)
            .send(activityCsv(report));
        }
        return report;
      },
    );
  });
}

/** CSV when the client asks for it before (or instead of) JSON. */
function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  const csv = types.indexOf('text/csv');
  const json = types.indexOf('application/json');
  return csv !== -1 && (json === -1 || csv < json);
}

const CSV_COLUMNS = [
  'scope',
  'date',
  'id',
  'name',
  'chats',
  'answered',
  'missed',
  'answeredInSlack',
  'answeredInConsole',
  'answeredWithinAnswerTime',
  'firstResponseP50Seconds',
  'firstResponseP90Seconds',
] as const;

/**
 * One table: `day` rows (date set), then `group` rows (id: the routing group), then `agent` rows
 * (id: the agent). A cell that a spreadsheet would run as a formula is quoted with a leading '.
 */
export function activityCsv(report: ActivityReport): string {
  const row = (scope: string, date: string, id: string, name: string | null, f: ActivityFigures) =>
    [
      scope,
      date,
      id,
      name ?? '',
      f.chats,
      f.answered,
      f.missed,
      f.answeredInSlack,
      f.answeredInConsole,
      f.answeredWithinAnswerTime,
      f.firstResponseSeconds.p50 ?? '',
      f.firstResponseSeconds.p90 ?? '',
    ]
      .map((cell) => csvCell(String(cell)))
      .join(',');
  const lines = [
    CSV_COLUMNS.join(','),
    ...report.days.map((d) => row('day', d.date, '', null, d)),
    ...report.groups.map((g) => row('group', '', g.routingGroupId, g.name, g)),
    ...report.agents.map((a) => row('agent', '', a.agentId, a.name, a)),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
