// End-to-end: Enterprise Grid org-wide installs and Slack Connect channels (issue 27) with the worker running on Deno.
import { enterpriseGridScenarios } from './enterprise-grid.scenarios.ts';

enterpriseGridScenarios('deno');
