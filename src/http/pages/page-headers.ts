// The security headers of every HTML page and its assets (the settings page, the launch and
// install result pages), through @fastify/helmet per route: a Content-Security-Policy without
// inline script or style (the page's script and styles are served files), no framing, no
// Referer (a launch or install link must never leak through one), and helmet's other defaults.
import type { FastifyHelmetOptions } from '@fastify/helmet';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers a browser with HTML: its errors are pages too (see error-handler.ts). */
    page?: boolean;
  }
}

export const pageHeaders: Omit<FastifyHelmetOptions, 'global'> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
};
