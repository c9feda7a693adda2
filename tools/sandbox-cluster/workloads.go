package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/kubernetes/cmd/kube-scheduler/app"
	scheduleroptions "k8s.io/kubernetes/cmd/kube-scheduler/app/options"
	"k8s.io/kubernetes/pkg/controller/certificates/rootcacertpublisher"
	"k8s.io/kubernetes/pkg/controller/deployment"
	"k8s.io/kubernetes/pkg/controller/nodelifecycle"
	"k8s.io/kubernetes/pkg/controller/replicaset"
)

// runWorkloads runs what turns a Deployment into running pods besides the
// kubelet: kube-scheduler (its default profile, built through its own
// options and Setup so that it binds pods exactly as on a cluster) and the
// deployment, replicaset, root-ca-cert-publisher (it fills the kube-root-ca.crt
// ConfigMap every service-account token volume mounts) and node-lifecycle
// controllers (a kubelet registers its node with the not-ready taint, which
// only this controller lifts; it also marks a node whose kubelet stopped).
// Endpoints controllers are left out: the observer has no Service.
func runWorkloads(ctx context.Context, o nodeOptions) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst, cfg.UserAgent = 100, 200, "sandbox-cluster-workloads"
	client, err := readyClientset(ctx, cfg)
	if err != nil {
		return err
	}
	rootCA, err := os.ReadFile(o.caFile)
	if err != nil {
		return err
	}
	shared := informers.NewSharedInformerFactory(client, 0)
	deployments, err := deployment.NewDeploymentController(ctx, shared.Apps().V1().Deployments(),
		shared.Apps().V1().ReplicaSets(), shared.Core().V1().Pods(), client)
	if err != nil {
		return err
	}
	replicaSets := replicaset.NewReplicaSetController(ctx, shared.Apps().V1().ReplicaSets(),
		shared.Core().V1().Pods(), client, replicaset.BurstReplicas)
	publisher, err := rootcacertpublisher.NewPublisher(shared.Core().V1().ConfigMaps(),
		shared.Core().V1().Namespaces(), client, rootCA)
	if err != nil {
		return err
	}
	lifecycle, err := nodelifecycle.NewNodeLifecycleController(ctx, shared.Coordination().V1().Leases(),
		shared.Core().V1().Pods(), shared.Core().V1().Nodes(), shared.Apps().V1().DaemonSets(), client,
		5*time.Second, 60*time.Second, 40*time.Second, 0.1, 0.01, 50, 0.55)
	if err != nil {
		return err
	}
	go lifecycle.Run(ctx)
	go deployments.Run(ctx, 2)
	go replicaSets.Run(ctx, 2)
	go publisher.Run(ctx, 1)
	shared.Start(ctx.Done())
	return runScheduler(ctx, o)
}

// runScheduler runs kube-scheduler without its serving endpoint (port 0) and
// without leader election (one scheduler per sandbox cluster).
func runScheduler(ctx context.Context, o nodeOptions) error {
	opts := scheduleroptions.NewOptions()
	fs := pflag.NewFlagSet("kube-scheduler", pflag.ContinueOnError)
	for _, set := range opts.Flags.FlagSets {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse([]string{"--kubeconfig=" + o.kubeconfig, "--leader-elect=false", "--secure-port=0"}); err != nil {
		return fmt.Errorf("scheduler flags: %w", err)
	}
	if err := opts.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	cc, sched, err := app.Setup(ctx, opts)
	if err != nil {
		return err
	}
	return app.Run(ctx, cc, sched)
}
