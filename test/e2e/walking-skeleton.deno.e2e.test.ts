// End-to-end: the walking skeleton with the worker running on Deno, from the same source.
import { walkingSkeletonScenarios } from './walking-skeleton.scenarios.ts';

walkingSkeletonScenarios('deno');
