// Command sandbox-cluster runs one real Kubernetes control plane in one process:
// an embedded etcd, kube-apiserver and (optionally) the few controllers that make
// namespace deletion and ownerReference garbage collection complete. mcsync starts
// one per sandbox cluster for its tests and demo; it is not meant for production.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

type options struct {
	name           string
	dataDir        string
	certDir        string
	tokenAuthFile  string
	securePort     int
	etcdClientPort int
	serviceCIDR    string
	controllers    bool
	extraArgs      []string
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("sandbox-cluster", flag.ContinueOnError)
	fs.StringVar(&o.name, "name", "sandbox", "cluster name (etcd member name, log prefix)")
	fs.StringVar(&o.dataDir, "data-dir", "", "directory for etcd data and generated files (required)")
	fs.StringVar(&o.certDir, "cert-dir", "", "directory holding ca.crt, apiserver.crt and apiserver.key (required)")
	fs.StringVar(&o.tokenAuthFile, "token-auth-file", "", "static token CSV: token,user,uid,\"group1,group2\" (required)")
	fs.IntVar(&o.securePort, "secure-port", 6443, "HTTPS port of kube-apiserver on 127.0.0.1")
	fs.IntVar(&o.etcdClientPort, "etcd-client-port", 2379, "etcd client port on 127.0.0.1 (plain HTTP, v3 JSON gateway included)")
	fs.StringVar(&o.serviceCIDR, "service-cluster-ip-range", "10.96.0.0/16", "service cluster IP range")
	fs.BoolVar(&o.controllers, "controllers", true, "run the namespace, garbagecollector, serviceaccount and serviceaccount-token controllers")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: sandbox-cluster --data-dir DIR --cert-dir DIR --token-auth-file FILE [flags] [-- kube-apiserver flags]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.extraArgs = fs.Args()
	if err := checkRequired(
		requiredFlag{"data-dir", o.dataDir}, requiredFlag{"cert-dir", o.certDir},
		requiredFlag{"token-auth-file", o.tokenAuthFile},
	); err != nil {
		return o, err
	}
	return o, absolutePaths(&o.dataDir, &o.certDir, &o.tokenAuthFile)
}

// requiredFlag is a flag that must be given and the value it got.
type requiredFlag struct{ name, value string }

// checkRequired names every required flag left empty, in the order given.
func checkRequired(flags ...requiredFlag) error {
	var missing []string
	for _, f := range flags {
		if f.value == "" {
			missing = append(missing, "--"+f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing required flags: %s", strings.Join(missing, ", "))
	}
	return nil
}

// absolutePaths makes each path absolute against the working directory, in place.
func absolutePaths(paths ...*string) error {
	for _, p := range paths {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	return nil
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "node" {
		os.Exit(nodeMain(os.Args[2:]))
	}
	o, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "sandbox-cluster: %v\n", err)
		os.Exit(64)
	}
	if err := run(o); err != nil {
		fmt.Fprintf(os.Stderr, "sandbox-cluster %s: %v\n", o.name, err)
		os.Exit(1)
	}
}

func run(o options) error {
	if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
		return err
	}
	saKey, err := ensureServiceAccountKey(filepath.Join(o.dataDir, "sa.key"))
	if err != nil {
		return fmt.Errorf("service account key: %w", err)
	}
	controllerToken, tokenFile, err := writeTokenFile(o.tokenAuthFile, filepath.Join(o.dataDir, "tokens.csv"))
	if err != nil {
		return fmt.Errorf("token file: %w", err)
	}

	etcd, err := startEtcd(o.name, filepath.Join(o.dataDir, "etcd"), o.etcdClientPort)
	if err != nil {
		return fmt.Errorf("etcd: %w", err)
	}
	defer etcd.Close()

	// kube-apiserver's command installs the SIGTERM/SIGINT handler; we only learn
	// about the signal when Execute returns, then close etcd (deferred above).
	cmd := app.NewAPIServerCommand()
	cmd.SetArgs(apiserverArgs(o, saKey, tokenFile))
	apiDone := make(chan error, 1)
	go func() { apiDone <- cmd.Execute() }()

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	if o.controllers {
		go func() {
			if err := runControllers(ctx, o, controllerToken); err != nil {
				fmt.Fprintf(os.Stderr, "sandbox-cluster %s: controllers: %v\n", o.name, err)
			}
		}()
	}

	select {
	case err := <-apiDone:
		return err
	case err := <-etcd.Err():
		return fmt.Errorf("etcd stopped: %w", err)
	}
}

func apiserverArgs(o options, saKey, tokenFile string) []string {
	args := []string{
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", o.securePort),
		fmt.Sprintf("--etcd-servers=http://127.0.0.1:%d", o.etcdClientPort),
		"--etcd-prefix=/registry",
		"--tls-cert-file=" + filepath.Join(o.certDir, "apiserver.crt"),
		"--tls-private-key-file=" + filepath.Join(o.certDir, "apiserver.key"),
		"--client-ca-file=" + filepath.Join(o.certDir, "ca.crt"),
		"--token-auth-file=" + tokenFile,
		"--authorization-mode=RBAC",
		"--anonymous-auth=true", // unauthenticated /readyz, /livez and /version, as on real clusters
		"--service-account-key-file=" + saKey,
		"--service-account-signing-key-file=" + saKey,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-cluster-ip-range=" + o.serviceCIDR,
		"--cert-dir=" + filepath.Join(o.dataDir, "apiserver-certs"),
		// Watches are served by etcd itself, so compacting etcd makes old
		// resourceVersions expire with 410 Gone at once (fault-injection tests rely on it).
		"--watch-cache=false",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		"--endpoint-reconciler-type=none",
		// Sandbox nodes register by name (node-1) with an address on lo; logs and exec go by address.
		"--kubelet-preferred-address-types=InternalIP,Hostname",
		"--v=0",
	}
	return append(args, o.extraArgs...)
}

// freePort asks the kernel for an unused loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitUntil polls check every interval until it succeeds or ctx ends.
func waitUntil(ctx context.Context, interval time.Duration, check func() bool) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for !check() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}
