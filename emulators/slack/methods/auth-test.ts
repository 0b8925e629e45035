// auth.test: who the token is. Docs list it as "Special" (very generous); Tier 4 here. The auth
// family also holds auth.revoke (auth-revoke.ts).

import type { MethodTable } from '../method-types.ts';
import { authRevokeMethods } from './auth-revoke.ts';

export const authMethods: MethodTable = {
  'auth.test': {
    tier: 4,
    scopes: [],
    handler(ctx) {
      const bot = ctx.state.users.get(ctx.install.botUserId);
      return {
        ok: true,
        url: `https://${ctx.team.domain}.slack.com/`,
        team: ctx.team.name,
        user: bot?.name ?? '',
        team_id: ctx.team.id,
        user_id: ctx.install.botUserId,
        bot_id: ctx.install.botId,
        is_enterprise_install: false,
      };
    },
  },
  ...authRevokeMethods,
};
