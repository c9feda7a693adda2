package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	kubeletapp "k8s.io/kubernetes/cmd/kubelet/app"
)

// kubeletConfig is the KubeletConfiguration of a sandbox node. What differs
// from a production node, and why:
//   - cgroupfs driver under a cgroup of its own (two nodes share one host, no systemd);
//   - failCgroupV1 false and failSwapOn false: CI machines may have either;
//   - eviction thresholds near zero: a small CI disk must not evict the observer;
//   - the API on the node's own address with anonymous, always-allowed access, so
//     `kubectl logs` works through an API server that has no kubelet client certificate.
func kubeletConfig(o nodeOptions) string {
	return fmt.Sprintf(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: %q
port: %d
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: %d
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
cgroupRoot: %q
failSwapOn: false
failCgroupV1: false
containerRuntimeEndpoint: %q
podLogsDir: %q
resolvConf: /etc/resolv.conf
serializeImagePulls: false
registerNode: true
evictionHard: {memory.available: 50Mi, nodefs.available: "1%%", imagefs.available: "1%%", nodefs.inodesFree: "1%%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
nodeStatusUpdateFrequency: 4s
syncFrequency: 10s
fileCheckFrequency: 10s
shutdownGracePeriod: 0s
localStorageCapacityIsolation: false
`, o.nodeIP, o.port, o.healthzPort, o.cgroupRoot, o.runtimeEndpoint, filepath.Join(o.dir, "pod-logs"))
}

// runKubelet runs the kubelet's own command (flags, config file, feature
// gates, signal handling exactly as the kubelet binary) in this process.
func runKubelet(ctx context.Context, o nodeOptions) error {
	configFile := filepath.Join(o.dir, "kubelet-config.yaml")
	if err := os.WriteFile(configFile, []byte(kubeletConfig(o)), 0o600); err != nil {
		return err
	}
	cmd := kubeletapp.NewKubeletCommand(ctx)
	cmd.SetArgs([]string{
		"--config=" + configFile,
		"--kubeconfig=" + o.kubeconfig,
		"--hostname-override=" + o.name,
		"--node-ip=" + o.nodeIP,
		"--root-dir=" + filepath.Join(o.dir, "kubelet"),
		"--cert-dir=" + filepath.Join(o.dir, "kubelet", "pki"),
		"--v=1",
	})
	return cmd.Execute()
}
