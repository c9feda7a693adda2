package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/client-go/discovery"
	cacheddiscovery "k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/util/keyutil"
	"k8s.io/controller-manager/pkg/informerfactory"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/controller/clusterroleaggregation"
	"k8s.io/kubernetes/pkg/controller/garbagecollector"
	"k8s.io/kubernetes/pkg/controller/namespace"
	sacontroller "k8s.io/kubernetes/pkg/controller/serviceaccount"
	"k8s.io/kubernetes/pkg/serviceaccount"
)

// runControllers runs, in this process, the kube-controller-manager controllers
// a sync tool notices when they are missing: namespace deletion, ownerReference
// garbage collection, the default ServiceAccount in each namespace, token
// Secrets for service accounts, and ClusterRole aggregation (without it the
// bootstrap roles admin, edit and view have no rules); plus the sandbox's own
// stand-ins for OpenShift's image machinery and projects (image_controllers.go,
// projects.go). The Kubernetes ones are built from their
// packages directly, not through the kube-controller-manager command, which
// would link every other controller and volume plugin too.
func runControllers(ctx context.Context, o options, token string) error {
	cfg := &rest.Config{
		Host:            fmt.Sprintf("https://127.0.0.1:%d", o.securePort),
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{CAFile: filepath.Join(o.certDir, "ca.crt")},
		QPS:             200,
		Burst:           1000,
		UserAgent:       "sandbox-cluster-controllers",
	}
	client, err := readyClientset(ctx, cfg)
	if err != nil {
		return err
	}
	metadataClient, err := metadata.NewForConfig(cfg)
	if err != nil {
		return err
	}
	discoveryClient, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err
	}
	shared := informers.NewSharedInformerFactory(client, 0)
	metaInformers := metadatainformer.NewSharedInformerFactory(metadataClient, 0)
	started := make(chan struct{})
	logger := klog.FromContext(ctx)

	nsController := namespace.NewNamespaceController(ctx, client, metadataClient,
		client.Discovery().ServerPreferredNamespacedResources,
		shared.Core().V1().Namespaces(), 5*time.Minute, v1.FinalizerKubernetes)

	saController, err := sacontroller.NewServiceAccountsController(logger,
		shared.Core().V1().ServiceAccounts(), shared.Core().V1().Namespaces(), client,
		sacontroller.DefaultServiceAccountsControllerOptions())
	if err != nil {
		return err
	}
	tokens, err := newTokensController(o, client, shared)
	if err != nil {
		return err
	}

	mapper := restmapper.NewDeferredDiscoveryRESTMapper(cacheddiscovery.NewMemCacheClient(discoveryClient))
	graph := garbagecollector.NewDependencyGraphBuilder(ctx, metadataClient, mapper,
		garbagecollector.DefaultIgnoredResources(),
		informerfactory.NewInformerFactory(shared, metaInformers), started)
	gc, err := garbagecollector.NewComposedGarbageCollector(ctx, client, metadataClient, mapper, graph)
	if err != nil {
		return err
	}

	aggregation := clusterroleaggregation.NewClusterRoleAggregation(shared.Rbac().V1().ClusterRoles(), client.RbacV1())

	if err := runOpenShiftControllers(ctx, o, cfg, client); err != nil {
		return fmt.Errorf("openshift controllers: %w", err)
	}

	go nsController.Run(ctx, 5)
	go aggregation.Run(ctx, 1)
	go saController.Run(ctx, 1)
	go tokens.Run(ctx, 2)
	go gc.Run(ctx, 5, 30*time.Second)
	go gc.Sync(ctx, discoveryClient, 10*time.Second)
	go func() {
		for ctx.Err() == nil {
			time.Sleep(10 * time.Second)
			mapper.Reset()
		}
	}()
	shared.Start(ctx.Done())
	metaInformers.Start(ctx.Done())
	close(started)
	<-ctx.Done()
	return nil
}

func newTokensController(o options, client kubernetes.Interface, shared informers.SharedInformerFactory) (*sacontroller.TokensController, error) {
	key, err := keyutil.PrivateKeyFromFile(filepath.Join(o.dataDir, "sa.key"))
	if err != nil {
		return nil, err
	}
	rootCA, err := os.ReadFile(filepath.Join(o.certDir, "ca.crt"))
	if err != nil {
		return nil, err
	}
	generator, err := serviceaccount.JWTTokenGenerator(serviceaccount.LegacyIssuer, key)
	if err != nil {
		return nil, err
	}
	return sacontroller.NewTokensController(klog.Background(),
		shared.Core().V1().ServiceAccounts(), shared.Core().V1().Secrets(), client,
		sacontroller.TokensControllerOptions{TokenGenerator: generator, RootCA: rootCA})
}

// readyClientset is a clientset for cfg once the API server answers /readyz with ok.
func readyClientset(ctx context.Context, cfg *rest.Config) (*kubernetes.Clientset, error) {
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	if err := waitUntil(ctx, 200*time.Millisecond, func() bool {
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return err == nil && string(body) == "ok"
	}); err != nil {
		return nil, err
	}
	return client, nil
}
