// A first-response time as App Home and the weekly digest write it: "45 s", "2 min 5 s",
// "1 h 10 min"; "no answer yet" when nothing was answered (the percentile is null). Pure.

export function responseTime(seconds: number | null): string {
  if (seconds === null) return 'no answer yet';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const minutes = Math.round(s / 60);
  return minutes % 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes / 60} h`;
}
