// End-to-end: a person of another company in a Slack Connect chat thread, with the workers running on Deno, from the same source.
import { slackConnectReplyScenarios } from './slack-connect-replies.scenarios.ts';

slackConnectReplyScenarios('deno');
