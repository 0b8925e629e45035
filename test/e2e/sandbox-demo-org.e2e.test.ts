// The sandbox's demo org as its banner describes it, with the product running as the sandbox runs
// it: the same ids and secrets from the same seed (a command saved from one run works on the
// next), and a chat of each routing group and of the target account notified where the banner
// says: Sales in #website-chats, Support in #support (which the app joins by itself), Enterprise
// in Bob's DMs, Initech in its owner Alice's DMs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local-services/index.ts';
import { DEMO_WORLD_IDS, seedDemoOrg, type DemoOrg } from '../../sandbox/demo-org.ts';
import { launchProduct, type Launched } from '../../sandbox/launch.ts';
import { secretsFromSeed } from '../../sandbox/product-env.ts';

const SEED = 'sandbox-demo-org-test';

describe("the sandbox's demo org", () => {
  let product: Launched;
  let demo: DemoOrg;
  beforeAll(async () => {
    product = await launchProduct({
      webPort: await freePort(),
      workerRuntime: 'node',
      logDir: `${process.cwd()}/test-artifacts/sandbox-demo-org`,
      secrets: secretsFromSeed(SEED),
      worldIds: DEMO_WORLD_IDS,
    });
    demo = await seedDemoOrg(product);
  }, 120_000);
  afterAll(async () => product?.stop());

  it('has the fixed ids, and secrets that the seed alone decides: the operator token derived from it works', async () => {
    expect(product.world).toEqual({ ...DEMO_WORLD_IDS, botUserId: expect.stringMatching(/^U[0-9A-F]{10}$/) });
    expect(secretsFromSeed(SEED)).toEqual(product.secrets);
    const other = secretsFromSeed('another seed');
    for (const [name, value] of Object.entries(other)) expect(value, name).not.toBe(product.secrets[name as keyof typeof other]);

    const connection = await fetch(`${product.webUrl}/api/orgs/org_demo/slack`, { headers: { authorization: `Bearer ${product.secrets.adminApiToken}` } });
    expect(connection.status).toBe(200);
  });

  it('notifies a chat of each routing group and of the target account where the banner says', async () => {
    const { slack, platform } = product.emulators;
    const { sales, support, enterprise } = demo.routingGroups;
    const chats = [
      { visitor: 'Sam Sales', routingGroupId: sales.id },
      { visitor: 'Sue Support', routingGroupId: support.id },
      { visitor: 'Eve Enterprise', routingGroupId: enterprise.id },
      { visitor: 'Peter Initech', routingGroupId: sales.id, account: demo.account },
    ];
    for (const chat of chats) {
      const started = await platform.startConversation(DEMO_WORLD_IDS.orgId, {
        routingGroupId: chat.routingGroupId,
        visitor: { name: chat.visitor },
        ...(chat.account ? { account: chat.account } : {}),
      });
      await platform.visitorSays(DEMO_WORLD_IDS.orgId, started.id, `Hello from ${chat.visitor}`);
    }
    const dmOf = (userId: string) =>
      slack.calls({ method: 'conversations.open' }).find((c) => c.params.users === userId && c.response.ok === true)?.response.channel as
        | { id: string }
        | undefined;
    const postedTo = (visitor: string) =>
      slack.calls({ method: 'chat.postMessage' }).find((c) => c.response.ok === true && String(c.params.text).startsWith(`New chat from ${visitor}`))?.params
        .channel;

    await expect.poll(() => postedTo('Sam Sales')).toBe(DEMO_WORLD_IDS.channelId);
    await expect.poll(() => postedTo('Sue Support')).toBe(demo.supportChannelId);
    expect(slack.calls({ method: 'conversations.join' }).map((c) => c.params.channel)).toContain(demo.supportChannelId);
    await expect.poll(() => postedTo('Eve Enterprise')).toBeDefined();
    expect(postedTo('Eve Enterprise')).toBe(dmOf(DEMO_WORLD_IDS.agents.bob.slackUserId)?.id);
    await expect.poll(() => postedTo('Peter Initech')).toBeDefined();
    expect(postedTo('Peter Initech')).toBe(dmOf(DEMO_WORLD_IDS.agents.alice.slackUserId)?.id);
  });
});
