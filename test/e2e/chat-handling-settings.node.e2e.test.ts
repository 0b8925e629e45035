// End-to-end: the chat-handling settings with the worker running on Node.js.
import { chatHandlingScenarios } from './chat-handling-settings.scenarios.ts';

chatHandlingScenarios('node');
