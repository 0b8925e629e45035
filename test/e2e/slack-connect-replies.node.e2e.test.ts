// End-to-end: a person of another company in a Slack Connect chat thread, with the workers on Node.js.
import { slackConnectReplyScenarios } from './slack-connect-replies.scenarios.ts';

slackConnectReplyScenarios('node');
