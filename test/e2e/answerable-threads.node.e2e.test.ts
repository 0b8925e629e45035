// End-to-end: every notification answerable where Slack shows it, with the worker on Node.js.
import { answerableThreadsScenarios } from './answerable-threads.scenarios.ts';

answerableThreadsScenarios('node');
