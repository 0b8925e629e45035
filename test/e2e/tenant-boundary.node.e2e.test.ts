// End-to-end: the tenant boundary (issue 23) with the worker running on Node.js.
import { tenantBoundaryScenarios } from './tenant-boundary.scenarios.ts';

tenantBoundaryScenarios('node');
