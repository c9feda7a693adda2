/** The Kubernetes modules, for the module registry: `createModuleRegistry(kubeModules)`. */
import type { ModuleDefinition } from '../../model/module.ts';
import { k8sInfoModule } from './k8s-info.module.ts';
import { k8sModule } from './k8s.module.ts';
import { k8sSyncModule } from './k8s-sync.module.ts';
import { imageCopyModule } from '../image/image-copy.module.ts';
import { hubFailoverModule } from '../failover/hub-failover.module.ts';
import { k8sAccessRulesModule } from '../deploy/k8s-access-rules.module.ts';

export const kubeModules: ModuleDefinition[] = [
  k8sModule,
  k8sInfoModule,
  k8sSyncModule,
  imageCopyModule,
  hubFailoverModule,
  k8sAccessRulesModule,
] as ModuleDefinition[];

export { k8sInfoModule, k8sModule, k8sSyncModule };
export type { K8sSyncArgs, SyncSelector } from './k8s-sync-args.ts';
export type { SyncObjectReport } from './k8s-sync.module.ts';
export type { K8sArgs } from './k8s-args.ts';
export type { K8sInfoArgs } from './k8s-info.module.ts';
export type { ObjectReport } from './k8s.module.ts';
