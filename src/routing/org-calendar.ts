// An org's calendar: its days, weeks and hours in its time zone (the `timeZone` setting, an IANA
// name; UTC when unset or unknown to this runtime), as App Home's "last 7 days" and the weekly
// digest's "last week, Monday to Sunday, posted on the chosen weekday after 09:00" read them.
// Pure: the moment and the zone come in.

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A zone this runtime's Intl knows; anything else reads as UTC (the activity figures' default). */
export function knownTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** The org's date (YYYY-MM-DD), weekday and hour (0–23) at `at`. */
export function localTime(at: Date, timeZone: string): { date: string; weekday: Weekday; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: knownTimeZone(timeZone),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
      weekday: 'long',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts['year']}-${parts['month']}-${parts['day']}`, weekday: parts['weekday']!.toLowerCase() as Weekday, hour: Number(parts['hour']) };
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The `days` calendar days ending with the org's today (today included). */
export function lastDays(at: Date, timeZone: string, days: number): { from: string; to: string } {
  const today = localTime(at, timeZone).date;
  return { from: addDays(today, -(days - 1)), to: today };
}

/** Monday of the ISO week `date` is in. */
export function mondayOf(date: string): string {
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}

/** The week (Monday to Sunday) before the one `date` is in. */
export function weekBefore(date: string): { from: string; to: string } {
  const monday = mondayOf(date);
  return { from: addDays(monday, -7), to: addDays(monday, -1) };
}

/** The ISO week `date` is in, e.g. "2026-W50" (its Thursday's year). */
export function isoWeek(date: string): string {
  const thursday = new Date(`${addDays(mondayOf(date), 3)}T00:00:00Z`);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
