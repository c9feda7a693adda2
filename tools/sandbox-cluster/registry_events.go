package main

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
)

// The receiving end of docker-registry's notifications (distribution's
// `notifications.endpoints`): each manifest pushed by tag to
// <namespace>/<name>:<tag> becomes the newest image of that tag in the
// ImageStream's status, as OpenShift's integrated registry records pushes
// (creating the stream when it does not exist). Plain HTTP on loopback, since
// the registry's notifier only trusts the system CAs; a bearer token, sent by
// the registry as a configured header, keeps other local processes out.

// registryEnvelope is distribution's notification body.
type registryEnvelope struct {
	Events []registryEvent `json:"events"`
}

type registryEvent struct {
	Action    string    `json:"action"`
	Timestamp time.Time `json:"timestamp"`
	Target    struct {
		MediaType  string `json:"mediaType"`
		Digest     string `json:"digest"`
		Repository string `json:"repository"`
		Tag        string `json:"tag"`
	} `json:"target"`
}

// manifestTypes are the media types of image manifests and lists (blobs are not).
var manifestTypes = map[string]bool{
	"application/vnd.docker.distribution.manifest.v2+json":      true,
	"application/vnd.docker.distribution.manifest.list.v2+json": true,
	"application/vnd.docker.distribution.manifest.v1+prettyjws": true,
	"application/vnd.oci.image.manifest.v1+json":                true,
	"application/vnd.oci.image.index.v1+json":                   true,
}

type pushRecorder struct {
	client       dynamic.Interface
	registryHost string
	token        string
}

func (p *pushRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	want := "Bearer " + p.token
	if r.Method != http.MethodPost || subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var envelope registryEnvelope
	if err := json.Unmarshal(body, &envelope); err != nil {
		http.Error(w, "not a registry notification: "+err.Error(), http.StatusBadRequest)
		return
	}
	for _, event := range envelope.Events {
		if err := p.record(r.Context(), event); err != nil {
			// A 5xx makes the registry retry the whole batch later; recording is idempotent.
			fmt.Fprintf(os.Stderr, "sandbox-cluster: image push %s:%s: %v\n", event.Target.Repository, event.Target.Tag, err)
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// record applies one event; events that are not a tagged manifest push into a
// <namespace>/<name> repository are ignored.
func (p *pushRecorder) record(ctx context.Context, event registryEvent) error {
	parts := strings.Split(event.Target.Repository, "/")
	if event.Action != "push" || event.Target.Tag == "" || !manifestTypes[event.Target.MediaType] || len(parts) != 2 {
		return nil
	}
	namespace, name := parts[0], parts[1]
	created := event.Timestamp.UTC().Format(time.RFC3339)
	if event.Timestamp.IsZero() {
		created = time.Now().UTC().Format(time.RFC3339)
	}
	// A push into a namespace that does not exist records nothing (the create is NotFound).
	return updateStreamStatus(ctx, p.client, namespace, name, true, func(stream *unstructured.Unstructured) bool {
		repoChanged := setRepositories(stream, p.registryHost)
		ref := fmt.Sprintf("%s/%s/%s@%s", p.registryHost, namespace, name, event.Target.Digest)
		tagChanged := recordTagEvent(stream, event.Target.Tag, tagEvent{
			Created: created, DockerImageReference: ref, Image: event.Target.Digest, Generation: stream.GetGeneration(),
		})
		return repoChanged || tagChanged
	})
}

// servePushNotifications listens on 127.0.0.1:port until ctx ends.
func servePushNotifications(ctx context.Context, port int, recorder *pushRecorder) error {
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/registry/events", recorder)
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = server.Close()
	}()
	if err := server.Serve(listener); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}
