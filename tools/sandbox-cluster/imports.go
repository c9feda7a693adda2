package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamiclister"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// The image import controller, after OpenShift's (openshift-controller-manager
// image stream controller + the apiserver's ImageStreamImport): a stream is
// imported when it has never been checked (no
// openshift.io/image.dockerRepositoryCheck annotation; then every importable
// tag) or when a spec tag's generation is newer than the generation its status
// last observed. Importable: `from.kind: DockerImage` and not `reference: true`.
// Spec tag generations are set by OpenShift's API server; a CRD has none, so a
// tag's generation is the stream's metadata.generation. Each result lands in
// status.tags — the resolved digest as the newest item, or an ImportSuccess=False
// condition with OpenShift's reason — and the annotation records the check.
// Failed imports are not retried until the spec changes or the annotation is
// removed, as on OpenShift.

type importer struct {
	dynamic  dynamic.Interface
	core     kubernetes.Interface
	registry *registryClient
	lister   dynamiclister.Lister
	ownHost  string
	ownCreds credential
}

// specTag is what the importer needs of one spec tag.
type specTag struct {
	Name       string
	From       string
	Generation int64
}

// importableTags lists the spec tags with `from.kind: DockerImage` (not `reference: true`).
func importableTags(stream *unstructured.Unstructured) []specTag {
	tags, _, _ := unstructured.NestedSlice(stream.Object, "spec", "tags")
	var out []specTag
	for _, t := range tags {
		m, ok := t.(map[string]interface{})
		if !ok {
			continue
		}
		from, _ := m["from"].(map[string]interface{})
		name, _ := m["name"].(string)
		fromName, _ := from["name"].(string)
		if from["kind"] != "DockerImage" || name == "" || fromName == "" || m["reference"] == true {
			continue
		}
		generation := stream.GetGeneration()
		if g, ok := m["generation"]; ok && int64Of(g) > 0 {
			generation = int64Of(g)
		}
		out = append(out, specTag{Name: name, From: fromName, Generation: generation})
	}
	return out
}

// tagsToImport is OpenShift's needsImport / tagNeedsImport.
func tagsToImport(stream *unstructured.Unstructured) []specTag {
	tags := importableTags(stream)
	if _, checked := stream.GetAnnotations()[repositoryCheckAnnotation]; !checked {
		return tags
	}
	var out []specTag
	for _, t := range tags {
		if t.Generation > latestObservedGeneration(stream, t.Name) {
			out = append(out, t)
		}
	}
	return out
}

func (im *importer) reconcile(ctx context.Context, key string) error {
	namespace, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	stream, err := im.lister.Namespace(namespace).Get(name)
	if errors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	pending := tagsToImport(stream)
	if len(pending) == 0 {
		return nil
	}
	creds, err := im.namespaceKeyring(ctx, namespace)
	if err != nil {
		return err
	}
	results := make(map[string]error, len(pending))
	digests := make(map[string]imageReference, len(pending))
	for _, tag := range pending {
		ref, err := parseImageReference(tag.From)
		if err == nil {
			ref.Digest, err = im.registry.resolve(ref, creds)
		}
		results[tag.Name] = err
		digests[tag.Name] = ref
	}
	err = updateStreamStatus(ctx, im.dynamic, namespace, name, false, func(s *unstructured.Unstructured) bool {
		now := time.Now().UTC().Format(time.RFC3339)
		for _, tag := range pending {
			if failure := results[tag.Name]; failure != nil {
				ie := asImportError(failure)
				recordTagFailure(s, tag.Name, tagCondition{Reason: ie.Reason, Message: ie.Message, Generation: tag.Generation})
				continue
			}
			ref := digests[tag.Name]
			recordTagEvent(s, tag.Name, tagEvent{
				Created: now, DockerImageReference: ref.Repo() + "@" + ref.Digest, Image: ref.Digest, Generation: tag.Generation,
			})
		}
		return true
	})
	if err != nil {
		return err
	}
	patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:%q}}}`, repositoryCheckAnnotation, time.Now().UTC().Format(time.RFC3339))
	_, err = im.dynamic.Resource(imageStreamsGVR).Namespace(namespace).Patch(ctx, name, types.MergePatchType, []byte(patch),
		metav1.PatchOptions{FieldManager: "sandbox-image-controller"})
	if errors.IsNotFound(err) {
		return nil
	}
	return err
}

// namespaceKeyring reads the namespace's pull secrets, plus the cluster's own
// registry (OpenShift's importer may always read its integrated registry).
func (im *importer) namespaceKeyring(ctx context.Context, namespace string) (keyring, error) {
	list, err := im.core.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	creds := keyringFromSecrets(list.Items)
	if _, ok := creds[im.ownHost]; !ok && im.ownHost != "" && im.ownCreds.Password != "" {
		creds[im.ownHost] = im.ownCreds
	}
	return creds, nil
}

// ownRegistryCredential reads the sandbox registry's user name and password file.
func ownRegistryCredential(user, passwordFile string) (credential, error) {
	if passwordFile == "" {
		return credential{}, nil
	}
	password, err := readTrimmed(passwordFile)
	return credential{Username: user, Password: password}, err
}

func readTrimmed(file string) (string, error) {
	data, err := os.ReadFile(file)
	return strings.TrimSpace(string(data)), err
}
