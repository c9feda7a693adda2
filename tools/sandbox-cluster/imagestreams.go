package main

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/util/retry"
)

// The ImageStream as OpenShift's image API shapes it (image.openshift.io/v1),
// read and written as unstructured JSON because the sandbox serves it as a
// CRD. Only the fields OpenShift's registry and importer maintain are touched:
// status.dockerImageRepository, status.publicDockerImageRepository and
// status.tags[] = {tag, items[] (newest first), conditions[]}.

var imageStreamsGVR = schema.GroupVersionResource{Group: "image.openshift.io", Version: "v1", Resource: "imagestreams"}

// repositoryCheckAnnotation is set by OpenShift's importer after each import;
// a stream without it is imported in full (OpenShift's needsImport).
const repositoryCheckAnnotation = "openshift.io/image.dockerRepositoryCheck"

// tagEvent is one entry of status.tags[].items.
type tagEvent struct {
	Created              string `json:"created"`
	DockerImageReference string `json:"dockerImageReference"`
	Image                string `json:"image"`
	Generation           int64  `json:"generation"`
}

func (e tagEvent) toMap() map[string]interface{} {
	return map[string]interface{}{
		"created":              e.Created,
		"dockerImageReference": e.DockerImageReference,
		"image":                e.Image,
		"generation":           e.Generation,
	}
}

// tagCondition is OpenShift's TagEventCondition, written when an import fails.
type tagCondition struct {
	Reason     string
	Message    string
	Generation int64
}

func (c tagCondition) toMap(now string) map[string]interface{} {
	return map[string]interface{}{
		"type":               "ImportSuccess",
		"status":             "False",
		"lastTransitionTime": now,
		"reason":             c.Reason,
		"message":            c.Message,
		"generation":         c.Generation,
	}
}

// statusTags returns status.tags as a list of maps (a copy safe to modify in place).
func statusTags(stream *unstructured.Unstructured) []interface{} {
	tags, _, _ := unstructured.NestedSlice(stream.Object, "status", "tags")
	return tags
}

// findTag returns the index of tag in status.tags, or -1.
func findTag(tags []interface{}, tag string) int {
	for i, t := range tags {
		if m, ok := t.(map[string]interface{}); ok && m["tag"] == tag {
			return i
		}
	}
	return -1
}

// recordTagEvent makes event the newest item of tag (unless it already is, then
// only its generation moves) and clears the tag's failure conditions, as
// OpenShift does when a tag gets a new image. It reports whether anything changed.
func recordTagEvent(stream *unstructured.Unstructured, tag string, event tagEvent) bool {
	tags := statusTags(stream)
	i := findTag(tags, tag)
	if i < 0 {
		tags = append(tags, map[string]interface{}{"tag": tag, "items": []interface{}{event.toMap()}})
	} else {
		entry := tags[i].(map[string]interface{})
		items, _ := entry["items"].([]interface{})
		latest, _ := firstItem(items)
		_, failed := entry["conditions"]
		same := latest != nil && latest["image"] == event.Image && latest["dockerImageReference"] == event.DockerImageReference
		if same && !failed && int64Of(latest["generation"]) >= event.Generation {
			return false
		}
		if same {
			latest["generation"] = event.Generation
		} else {
			entry["items"] = append([]interface{}{event.toMap()}, items...)
		}
		delete(entry, "conditions")
	}
	_ = unstructured.SetNestedSlice(stream.Object, tags, "status", "tags")
	return true
}

// recordTagFailure sets the tag's import failure condition, keeping its items.
func recordTagFailure(stream *unstructured.Unstructured, tag string, condition tagCondition) {
	tags := statusTags(stream)
	now := time.Now().UTC().Format(time.RFC3339)
	entry := map[string]interface{}{"tag": tag, "items": nil}
	if i := findTag(tags, tag); i >= 0 {
		entry = tags[i].(map[string]interface{})
	} else {
		tags = append(tags, entry)
	}
	entry["conditions"] = []interface{}{condition.toMap(now)}
	_ = unstructured.SetNestedSlice(stream.Object, tags, "status", "tags")
}

func firstItem(items []interface{}) (map[string]interface{}, bool) {
	if len(items) == 0 {
		return nil, false
	}
	m, ok := items[0].(map[string]interface{})
	return m, ok
}

// latestObservedGeneration is OpenShift's LatestObservedTagGeneration: the
// highest generation the status records for tag (newest item or condition).
func latestObservedGeneration(stream *unstructured.Unstructured, tag string) int64 {
	tags := statusTags(stream)
	i := findTag(tags, tag)
	if i < 0 {
		return 0
	}
	entry := tags[i].(map[string]interface{})
	var seen int64
	items, _ := entry["items"].([]interface{})
	if latest, ok := firstItem(items); ok {
		seen = int64Of(latest["generation"])
	}
	conditions, _ := entry["conditions"].([]interface{})
	for _, c := range conditions {
		if m, ok := c.(map[string]interface{}); ok && int64Of(m["generation"]) > seen {
			seen = int64Of(m["generation"])
		}
	}
	return seen
}

func int64Of(v interface{}) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case float64:
		return int64(n)
	case int:
		return int64(n)
	}
	return 0
}

// updateStreamStatus reads the stream, applies change and writes status,
// retrying on conflicts. create makes a missing stream first (as a push to
// OpenShift's registry does); without it a missing stream is left alone.
func updateStreamStatus(ctx context.Context, client dynamic.Interface, namespace, name string, create bool,
	change func(*unstructured.Unstructured) bool) error {
	streams := client.Resource(imageStreamsGVR).Namespace(namespace)
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		stream, err := streams.Get(ctx, name, metav1.GetOptions{})
		if errors.IsNotFound(err) && create {
			stream = &unstructured.Unstructured{Object: map[string]interface{}{
				"apiVersion": "image.openshift.io/v1",
				"kind":       "ImageStream",
				"metadata":   map[string]interface{}{"name": name, "namespace": namespace},
				"spec":       map[string]interface{}{"lookupPolicy": map[string]interface{}{"local": false}},
			}}
			stream, err = streams.Create(ctx, stream, metav1.CreateOptions{FieldManager: "sandbox-image-controller"})
		}
		if errors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if !change(stream) {
			return nil
		}
		_, err = streams.UpdateStatus(ctx, stream, metav1.UpdateOptions{FieldManager: "sandbox-image-controller"})
		return err
	})
}

// setRepositories sets status.dockerImageRepository and the public one: the
// sandbox registry is reachable at one address, so both are the same.
func setRepositories(stream *unstructured.Unstructured, registryHost string) bool {
	repo := fmt.Sprintf("%s/%s/%s", registryHost, stream.GetNamespace(), stream.GetName())
	current, _, _ := unstructured.NestedString(stream.Object, "status", "dockerImageRepository")
	public, _, _ := unstructured.NestedString(stream.Object, "status", "publicDockerImageRepository")
	if current == repo && public == repo {
		return false
	}
	_ = unstructured.SetNestedField(stream.Object, repo, "status", "dockerImageRepository")
	_ = unstructured.SetNestedField(stream.Object, repo, "status", "publicDockerImageRepository")
	return true
}
