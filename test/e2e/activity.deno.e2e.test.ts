// End-to-end: how fast chats got answered (the activity API), with the workers running on Deno, from the same source.
import { activityScenarios } from './activity.scenarios.ts';

activityScenarios('deno');
