// Metrics as Prometheus scrapes them from a running deployment: the web process's /metrics
// counts the webhooks it took; a worker with METRICS_PORT serves its own, with the jobs it ran,
// the Slack calls it made by method and outcome, and the platform's calls by operation; posts that
// combined messages, directory syncs, and undeliverable chats by reason. Run as in production:
// both answer only with METRICS_TOKEN as a Bearer token.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchProduct, type Launched } from '../../sandbox/launch.ts';
import { freePort } from '../../local-services/index.ts';

const METRICS_TOKEN = randomBytes(24).toString('hex');
/** A scrape as Prometheus sends it, with the metrics token. */
const scrape = (url: string) => fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });

describe('metrics of a running deployment', () => {
  let product: Launched;
  let workerMetricsUrl: string;
  beforeAll(async () => {
    const metricsPort = await freePort();
    workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    product = await launchProduct({
      webPort: await freePort(),
      workerRuntime: 'node',
      logDir: `${process.cwd()}/test-artifacts/metrics`,
      env: { METRICS_PORT: String(metricsPort), NODE_ENV: 'production', METRICS_TOKEN },
    });
  }, 120_000);
  afterAll(async () => product?.stop());

  it('in production the web’s /metrics and the worker’s METRICS_PORT answer 401 without METRICS_TOKEN, 200 with it', async () => {
    for (const url of [`${product.webUrl}/metrics`, workerMetricsUrl]) {
      for (const headers of [{}, { authorization: 'Bearer not-the-metrics-token' }] as Array<Record<string, string>>) {
        const refused = await fetch(url, { headers });
        expect(refused.status, url).toBe(401);
        expect(refused.headers.get('www-authenticate'), url).toMatch(/^Bearer realm=/);
        expect(await refused.json(), url).toMatchObject({ error: { code: 'metrics_unauthorized' } });
      }
      expect((await scrape(url)).status, url).toBe(200);
    }
  });

  it('the web counts the chat’s webhooks; the worker its jobs and its chat.postMessage calls', async () => {
    const { platform, slack } = product.emulators;
    const conversation = await platform.startConversation(product.world.orgId, { visitor: { name: 'Metered' } });
    await platform.visitorSays(product.world.orgId, conversation.id, 'counted?');
    const posted = () => slack.calls({ method: 'chat.postMessage' }).some((c) => c.response.ok === true && String(c.params.text).includes('counted?'));
    for (const deadline = Date.now() + 30_000; !posted(); await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > deadline) throw new Error('the message did not reach Slack in 30 s');
    }

    const web = await (await scrape(`${product.webUrl}/metrics`)).text();
    expect(Number(/threadbridge_webhooks_total\{route="\/webhooks\/chat",outcome="accepted"\} (\d+)/.exec(web)?.[1])).toBeGreaterThanOrEqual(2);

    // A job put off (its thread busy with another) completes a moment after the post it led to.
    const completed = (text: string, queue: string) =>
      Number(new RegExp(`threadbridge_jobs_total\\{queue="${queue}",outcome="completed"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    let worker = '';
    for (const deadline = Date.now() + 15_000; ; await new Promise((r) => setTimeout(r, 200))) {
      const response = await scrape(workerMetricsUrl);
      expect(response.status).toBe(200);
      worker = await response.text();
      if ((completed(worker, 'chat-starts') >= 1 && completed(worker, 'chat-events') >= 1) || Date.now() > deadline) break;
    }
    expect(completed(worker, 'chat-starts')).toBeGreaterThanOrEqual(1);
    expect(completed(worker, 'chat-events')).toBeGreaterThanOrEqual(1);
    expect(worker).toMatch(/threadbridge_job_duration_seconds_count\{queue="chat-events"\} \d+/);
    expect(Number(/threadbridge_slack_calls_total\{method="chat.postMessage",outcome="ok"\} (\d+)/.exec(worker)?.[1])).toBeGreaterThanOrEqual(2);
    // Routing the chat read the org's agents from the platform: counted by operation, ids left out.
    expect(
      Number(/threadbridge_platform_calls_total\{operation="GET \/orgs\/\{orgId\}\/agents",outcome="ok"\} (\d+)/.exec(worker)?.[1]),
    ).toBeGreaterThanOrEqual(1);
    expect((await fetch(workerMetricsUrl.replace('/metrics', '/other'))).status).toBe(404);
  }, 60_000);

  /** The value of one series in a scrape (0 when absent). */
  const seriesValue = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };
  async function scrapeUntil(url: string, ok: (text: string) => boolean, what: string): Promise<string> {
    for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 200))) {
      const text = await (await scrape(url)).text();
      if (ok(text)) return text;
      if (Date.now() > deadline) throw new Error(`${what} not seen in 30 s; the last scrape:\n${text}`);
    }
  }

  it('the worker counts the directory’s syncs and the posts that combined messages queued behind the channel’s limit', async () => {
    const { platform } = product.emulators;
    await scrapeUntil(
      workerMetricsUrl,
      (t) => seriesValue(t, 'threadbridge_directory_syncs_completed_total{kind="channels"}') >= 1,
      'a completed channel sync',
    );
    const synced = await scrapeUntil(
      workerMetricsUrl,
      (t) => seriesValue(t, 'threadbridge_directory_syncs_completed_total{kind="users"}') >= 1,
      'a completed user sync',
    );
    expect(seriesValue(synced, 'threadbridge_directory_sync_pages_total{kind="channels"}')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(synced, 'threadbridge_directory_sync_items_total{kind="users"}')).toBeGreaterThanOrEqual(3);

    // Slack takes about one post a second per channel: a burst waits, and goes out combined.
    const conversation = await platform.startConversation(product.world.orgId, { visitor: { name: 'Bursty' } });
    for (let i = 1; i <= 8; i++) await platform.visitorSays(product.world.orgId, conversation.id, `burst ${i}`);
    const combined = await scrapeUntil(workerMetricsUrl, (t) => seriesValue(t, 'threadbridge_posts_combined_total') >= 1, 'a combined post');
    expect(seriesValue(combined, 'threadbridge_posts_combined_messages_total')).toBeGreaterThanOrEqual(
      2 * seriesValue(combined, 'threadbridge_posts_combined_total'),
    );
  }, 90_000);

  it('the web counts undeliverable chats by reason: a chat of an org that never connected Slack', async () => {
    const { platform } = product.emulators;
    const org = platform.createOrg({ name: 'Not Yet Connected' });
    await platform.startConversation(org.id, { visitor: { name: 'Early' } });
    const web = await scrapeUntil(
      `${product.webUrl}/metrics`,
      (t) => seriesValue(t, 'threadbridge_undeliverable_chats_by_reason{reason="slack_not_connected"}') >= 1,
      'the undeliverable chat',
    );
    expect(seriesValue(web, 'threadbridge_undeliverable_chats')).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
