/**
 * What the observer is asked to do: the library's own input type. `mcsync observe` parses its
 * flags (oc observe's, with oc's defaults) into it; the observer never sees argv or --help.
 */
import type { Vault } from '../vault/index.ts';

export type TemplateFormat = 'jsonpath' | 'go-template';

export interface AnnotationMatch {
  key: string;
  /** Undefined: the annotation only has to exist. */
  value: string | undefined;
}

export interface LeaderElectOptions {
  enabled: boolean;
  leaseName: string;
  /** Undefined: the observed namespace, else `default`. */
  leaseNamespace: string | undefined;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Undefined: hostname + pid. */
  identity: string | undefined;
}

export interface ObserverOptions {
  resource: string;
  /** COMMAND ARGS… after `--`; empty: print events only (or run --playbook). */
  command: string[];
  kubeconfig: string | undefined;
  context: string | undefined;
  inventory: string[];
  host: string | undefined;
  hosts: string | undefined;
  namespace: string | undefined;
  allNamespaces: boolean;
  selector: string | undefined;
  fieldSelector: string | undefined;
  /** The argument template (`--template`, or the `-a` values joined by a space), '' for none. */
  template: string;
  format: TemplateFormat;
  allowMissingTemplateKeys: boolean;
  names: string[];
  delete: string[];
  resyncPeriodMs: number;
  /** Restart a watch that sent nothing, not even a bookmark, for this long. */
  watchSilenceTimeoutMs: number;
  once: boolean;
  exitAfterMs: number;
  /** -1: no maximum. */
  maximumErrors: number;
  /** 0: never retry. */
  retryOnExitCode: number;
  retryCount: number;
  typeEnvVar: string | undefined;
  objectEnvVar: string | undefined;
  /** '' disables the health and metrics server. */
  listenAddr: string;
  printMetricsOnExit: boolean;
  quiet: boolean;
  workers: number;
  playbook: string | undefined;
  extraVars: string[];
  whenAnnotation: AnnotationMatch | undefined;
  /**
   * `--playbook`: the passes after the first list, each relist and each resync delete copies
   * whose source is gone or no longer selected (the playbook gets `observed.prune`); without it
   * they are reported and kept.
   */
  prune: boolean;
  watchFiles: boolean;
  leader: LeaderElectOptions;
  verbosity: number;
  /**
   * Opens vaulted files and `!vault` values of the --playbook project (opened by the caller from
   * the vault flags); absent: vaulted data is an error naming the file.
   */
  vault?: Vault;
}
