// End-to-end: how fast chats got answered (the activity API), with the workers running on Node.js.
import { activityScenarios } from './activity.scenarios.ts';

activityScenarios('node');
