export { apiserverArgs, DISABLED_ADMISSION_PLUGINS, SERVICE_CLUSTER_IP_RANGE } from './apiserver.js'
export type { KubeconfigDocument } from './auth-files.js'
export {
  type BinaryPaths,
  binaryPaths,
  ensureBinaries,
  findBinaries,
  type Log,
  missingBinaries,
} from './binaries.js'
export type { ClusterOptions } from './cluster.js'
export {
  CNI_CRD_FILES,
  CNI_MODULES,
  type CniEndpoint,
  type CniFlow,
  type CniModule,
  type CniObjectResult,
  type CniSource,
  type CniValidateAnswer,
  type CniValidateRequest,
  cniModuleFile,
  cniValidateTool,
  ensureCniValidate,
  runCniValidate,
} from './cni-validate.js'
export { CONTROLLERS, controllerManagerArgs } from './controller-manager.js'
export { resolveCacheDir, TESTENV_ENV } from './env.js'
export { TESTENV_ERRORS, TestenvError, type TestenvErrorCode } from './errors.js'
export { etcdArgs } from './etcd.js'
export type { ApplyOptions, KubeHelpers } from './kube-helpers.js'
export type { KubeHttp, KubeRequestOptions, KubeResponse } from './kube-http.js'
export type { KubeObject } from './kube-object.js'
export {
  DEFAULT_NODE_CAPACITY,
  FAKE_POD_CIDR,
  FAKE_STORAGE_CLASS,
  kwokArgs,
  NOT_READY_ANNOTATION,
  type NodeCapacity,
} from './kwok.js'
export { type AnalyzeOptions, type AnalyzerInput, analyzeNetworkPolicies, evalConnection } from './netpol.js'
export type { AllowedConnection, ConnectionQuery, Connections, Peer } from './netpol-output.js'
export {
  type ControlPlane,
  type ControlPlaneClient,
  type ControlPlaneInfo,
  connectControlPlane,
  type StartControlPlaneOptions,
  startControlPlane,
} from './plane.js'
export { freePort, freePorts } from './ports.js'
export { isPidAlive } from './process.js'
export { type RbacProxy, type StartRbacProxyOptions, startRbacProxy } from './rbac-proxy.js'
export { rbacProxyArgs } from './rbac-proxy-args.js'
export { schedulerArgs, schedulerConfig } from './scheduler.js'
export { FIELD_MANAGER, TOOLS, type ToolName } from './versions.js'
export {
  BUILTIN_KINDS,
  type BuiltinKind,
  conditionStatus,
  isPodReady,
  type KindRef,
  type ObjectPredicate,
} from './wait-for.js'
