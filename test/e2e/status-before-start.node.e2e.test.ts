// End-to-end: status changes before a chat starts, with the workers running on Node.js.
import { statusBeforeStartScenarios } from './status-before-start.scenarios.ts';

statusBeforeStartScenarios('node');
