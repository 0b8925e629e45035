// Gauges and their Prometheus text exposition (format 0.0.4); pure.

export interface Gauge {
  name: string;
  help: string;
  samples: Array<{ labels?: Record<string, string>; value: number }>;
}

export function renderPrometheus(gauges: Gauge[]): string {
  const lines: string[] = [];
  for (const gauge of gauges) {
    lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`);
    for (const sample of gauge.samples) {
      const labels = sample.labels ? `{${Object.entries(sample.labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}` : '';
      lines.push(`${gauge.name}${labels} ${sample.value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
