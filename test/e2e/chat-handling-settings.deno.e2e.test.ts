// End-to-end: the chat-handling settings with the worker running on Deno, from the same source.
import { chatHandlingScenarios } from './chat-handling-settings.scenarios.ts';

chatHandlingScenarios('deno');
