package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/dynamic/dynamiclister"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// imageConfigFile, in the data dir, configures OpenShift's image machinery in
// the sandbox; mcsync writes it before each start. Without it the image
// controllers do not run (a bare control plane, as before they existed).
const imageConfigFile = "openshift-images.json"

// imageOptions say where this cluster's registry is and how it reports pushes.
type imageOptions struct {
	RegistryHost         string `json:"registryHost"`         // host:port (status.dockerImageRepository)
	RegistryUser         string `json:"registryUser"`         // the importer's login to its own registry
	RegistryPasswordFile string `json:"registryPasswordFile"` // (the password, by file)
	EventsPort           int    `json:"eventsPort"`           // 127.0.0.1 port receiving push notifications (0: off)
	EventsTokenFile      string `json:"eventsTokenFile"`      // bearer token the registry sends with them
}

func readImageOptions(dataDir string) (imageOptions, bool, error) {
	var opts imageOptions
	file := filepath.Join(dataDir, imageConfigFile)
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return opts, false, nil
	}
	if err == nil {
		err = json.Unmarshal(data, &opts)
	}
	if err != nil {
		return opts, false, fmt.Errorf("%s: %w", file, err)
	}
	return opts, opts.RegistryHost != "", nil
}

// runOpenShiftControllers starts the sandbox's stand-ins for OpenShift's
// image machinery and projects; they stop with ctx.
func runOpenShiftControllers(ctx context.Context, o options, cfg *rest.Config, core kubernetes.Interface) error {
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	go runProjectControllers(ctx, core, client)
	images, enabled, err := readImageOptions(o.dataDir)
	if err != nil || !enabled {
		return err
	}
	return runImageControllers(ctx, o, images, client, core)
}

// runImageControllers starts the push recorder and the importer.
func runImageControllers(ctx context.Context, o options, images imageOptions, client dynamic.Interface, core kubernetes.Interface) error {
	if images.EventsPort > 0 {
		token, err := readTrimmed(images.EventsTokenFile)
		if err != nil || token == "" {
			return fmt.Errorf("registry events token file %q: %v", images.EventsTokenFile, err)
		}
		recorder := &pushRecorder{client: client, registryHost: images.RegistryHost, token: token}
		go func() {
			if err := servePushNotifications(ctx, images.EventsPort, recorder); err != nil {
				fmt.Fprintf(os.Stderr, "sandbox-cluster %s: registry events: %v\n", o.name, err)
			}
		}()
	}
	registry, err := newRegistryClient(filepath.Join(o.certDir, "ca.crt"))
	if err != nil {
		return err
	}
	own, err := ownRegistryCredential(images.RegistryUser, images.RegistryPasswordFile)
	if err != nil {
		return err
	}
	factory := dynamicinformer.NewDynamicSharedInformerFactory(client, 10*time.Minute)
	informer := factory.ForResource(imageStreamsGVR)
	im := &importer{
		dynamic:  client,
		core:     core,
		registry: registry,
		lister:   dynamiclister.New(informer.Informer().GetIndexer(), imageStreamsGVR),
		ownHost:  images.RegistryHost,
		ownCreds: own,
	}
	queue := newKeyedController("image import", im.reconcile)
	if _, err := informer.Informer().AddEventHandler(queue.handlers()); err != nil {
		return err
	}
	factory.Start(ctx.Done())
	go queue.run(ctx, 2)
	return nil
}
