// End-to-end: the walking skeleton with the worker running on Node.js.
import { walkingSkeletonScenarios } from './walking-skeleton.scenarios.ts';

walkingSkeletonScenarios('node');
