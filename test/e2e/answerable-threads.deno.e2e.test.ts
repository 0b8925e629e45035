// End-to-end: every notification answerable where Slack shows it, with the worker on Deno.
import { answerableThreadsScenarios } from './answerable-threads.scenarios.ts';

answerableThreadsScenarios('deno');
