// End-to-end: status changes before a chat starts, with the workers running on Deno, from the same source.
import { statusBeforeStartScenarios } from './status-before-start.scenarios.ts';

statusBeforeStartScenarios('deno');
