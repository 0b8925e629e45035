// End-to-end: an org-wide install on an Enterprise Grid organization, with the workers running on Deno.
import { orgWideInstallScenarios } from './org-wide-install.scenarios.ts';

orgWideInstallScenarios('deno');
