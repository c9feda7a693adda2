package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// nodeOptions configure `sandbox-cluster node`: one kubelet for a sandbox
// cluster, and on the first node also the scheduler and the workload
// controllers a Deployment needs. The containerd it talks to is started by
// mcsync (src/sandbox/node/), not by this program.
type nodeOptions struct {
	name            string
	dir             string
	kubeconfig      string
	caFile          string
	runtimeEndpoint string
	nodeIP          string
	cgroupRoot      string
	port            int
	healthzPort     int
	workloads       bool
}

func parseNodeFlags(args []string) (nodeOptions, error) {
	var o nodeOptions
	fs := flag.NewFlagSet("sandbox-cluster node", flag.ContinueOnError)
	fs.StringVar(&o.name, "name", "", "node name (required)")
	fs.StringVar(&o.dir, "dir", "", "node state directory: kubelet root, pod logs, config (required)")
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig of the cluster (required)")
	fs.StringVar(&o.caFile, "ca-file", "", "CA of the cluster, published to every namespace as kube-root-ca.crt (required)")
	fs.StringVar(&o.runtimeEndpoint, "container-runtime-endpoint", "", "containerd CRI socket, unix:///... (required)")
	fs.StringVar(&o.nodeIP, "node-ip", "", "address the node reports; host-network pods get it as their IP (required)")
	fs.StringVar(&o.cgroupRoot, "cgroup-root", "", "cgroup under which the kubelet puts its pods (required)")
	fs.IntVar(&o.port, "port", 10250, "kubelet API port on --node-ip")
	fs.IntVar(&o.healthzPort, "healthz-port", 10248, "kubelet /healthz port on 127.0.0.1")
	fs.BoolVar(&o.workloads, "workloads", false, "also run kube-scheduler and the deployment, replicaset and root-ca-cert-publisher controllers")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: sandbox-cluster node --name NAME --dir DIR --kubeconfig FILE --ca-file FILE --container-runtime-endpoint URL --node-ip IP --cgroup-root PATH [flags]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if err := checkRequired(
		requiredFlag{"name", o.name}, requiredFlag{"dir", o.dir}, requiredFlag{"kubeconfig", o.kubeconfig},
		requiredFlag{"ca-file", o.caFile}, requiredFlag{"container-runtime-endpoint", o.runtimeEndpoint},
		requiredFlag{"node-ip", o.nodeIP}, requiredFlag{"cgroup-root", o.cgroupRoot},
	); err != nil {
		return o, err
	}
	return o, absolutePaths(&o.dir, &o.kubeconfig, &o.caFile)
}

// nodeMain is `sandbox-cluster node`. The kubelet's command installs the
// process's SIGTERM/SIGINT handler (there can be only one), so the scheduler
// and controllers get a context of their own, cancelled on the same signals.
func nodeMain(args []string) int {
	o, err := parseNodeFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "sandbox-cluster node: %v\n", err)
		return 64
	}
	if err := os.MkdirAll(o.dir, 0o700); err != nil {
		fmt.Fprintf(os.Stderr, "sandbox-cluster node %s: %v\n", o.name, err)
		return 1
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	if o.workloads {
		go func() {
			if err := runWorkloads(ctx, o); err != nil {
				fmt.Fprintf(os.Stderr, "sandbox-cluster node %s: workloads: %v\n", o.name, err)
			}
		}()
	}
	if err := runKubelet(ctx, o); err != nil {
		fmt.Fprintf(os.Stderr, "sandbox-cluster node %s: kubelet: %v\n", o.name, err)
		return 1
	}
	return 0
}
