// End-to-end: an org-wide install on an Enterprise Grid organization, with the workers running on Node.js.
import { orgWideInstallScenarios } from './org-wide-install.scenarios.ts';

orgWideInstallScenarios('node');
