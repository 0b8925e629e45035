// End-to-end: the tenant boundary (issue 23) with the worker running on Deno, from the same source.
import { tenantBoundaryScenarios } from './tenant-boundary.scenarios.ts';

tenantBoundaryScenarios('deno');
