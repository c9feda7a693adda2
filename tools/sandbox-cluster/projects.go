package main

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// OpenShift's projects, for `mcsync sandbox up --openshift-projects`, where
// project.openshift.io is served by two CRDs:
//
//   - A Project is a view of the Namespace of the same name: its labels and
//     annotations are the Namespace's, spec.finalizers and status.phase mirror
//     it. A user's edit of a Project's labels or annotations is written to the
//     Namespace (and reflected back); creating a Project creates its Namespace;
//     deleting either deletes the other.
//   - A ProjectRequest (what `oc new-project` posts) creates the Namespace with
//     the annotations openshift.io/display-name, openshift.io/description and
//     openshift.io/requester, and the requester's `admin` RoleBinding, as
//     OpenShift's default project template does; then the request is deleted
//     (OpenShift never stores them). The requester is the user who created the
//     request, stamped on it by a MutatingAdmissionPolicy the sandbox installs;
//     a request for an existing namespace gets an AlreadyExists condition.

var (
	projectsGVR        = schema.GroupVersionResource{Group: "project.openshift.io", Version: "v1", Resource: "projects"}
	projectRequestsGVR = schema.GroupVersionResource{Group: "project.openshift.io", Version: "v1", Resource: "projectrequests"}
)

const (
	displayNameAnnotation = "openshift.io/display-name"
	descriptionAnnotation = "openshift.io/description"
	requesterAnnotation   = "openshift.io/requester"
	projectFieldManager   = "sandbox-project-controller"
)

type projectController struct {
	core    kubernetes.Interface
	dynamic dynamic.Interface
	mu      sync.Mutex
	written map[string]string // project name -> resourceVersion this controller wrote last
}

// runProjectControllers waits until project.openshift.io is served, then runs
// until it stops being served (a later `up` without --openshift-projects) or ctx ends.
func runProjectControllers(ctx context.Context, core kubernetes.Interface, client dynamic.Interface) {
	var cancel context.CancelFunc
	for ctx.Err() == nil {
		_, err := client.Resource(projectRequestsGVR).List(ctx, metav1.ListOptions{Limit: 1})
		served := err == nil
		if served && cancel == nil {
			var runCtx context.Context
			runCtx, cancel = context.WithCancel(ctx)
			go startProjectControllers(runCtx, core, client)
		} else if !served && errors.IsNotFound(err) && cancel != nil {
			cancel()
			cancel = nil
		}
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
		}
	}
	if cancel != nil {
		cancel()
	}
}

func startProjectControllers(ctx context.Context, core kubernetes.Interface, client dynamic.Interface) {
	shared := informers.NewSharedInformerFactory(core, 10*time.Minute)
	dyn := dynamicinformer.NewDynamicSharedInformerFactory(client, 10*time.Minute)
	namespaces := shared.Core().V1().Namespaces().Informer()
	projects := dyn.ForResource(projectsGVR).Informer()
	requests := dyn.ForResource(projectRequestsGVR).Informer()
	pc := &projectController{core: core, dynamic: client, written: map[string]string{}}
	projectQueue := newKeyedController("project", pc.reconcileProject)
	requestQueue := newKeyedController("project request", pc.reconcileRequest)
	_, _ = namespaces.AddEventHandler(projectQueue.handlers())
	_, _ = projects.AddEventHandler(projectQueue.handlers())
	_, _ = requests.AddEventHandler(requestQueue.handlers())
	shared.Start(ctx.Done())
	dyn.Start(ctx.Done())
	cache.WaitForCacheSync(ctx.Done(), namespaces.HasSynced, projects.HasSynced, requests.HasSynced)
	go requestQueue.run(ctx, 1)
	projectQueue.run(ctx, 2)
}

func (pc *projectController) reconcileRequest(ctx context.Context, name string) error {
	requests := pc.dynamic.Resource(projectRequestsGVR)
	request, err := requests.Get(ctx, name, metav1.GetOptions{})
	if errors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if conditions, _, _ := unstructured.NestedSlice(request.Object, "status", "conditions"); len(conditions) > 0 {
		return nil // already answered (AlreadyExists); kept for the user to read
	}
	displayName, _, _ := unstructured.NestedString(request.Object, "displayName")
	description, _, _ := unstructured.NestedString(request.Object, "description")
	requester := request.GetAnnotations()[requesterAnnotation]
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{
		displayNameAnnotation: displayName,
		descriptionAnnotation: description,
		requesterAnnotation:   requester,
	}}}
	_, err = pc.core.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{FieldManager: projectFieldManager})
	if errors.IsAlreadyExists(err) {
		_ = unstructured.SetNestedSlice(request.Object, []interface{}{map[string]interface{}{
			"type": "Failed", "status": "True", "reason": "AlreadyExists",
			"message":            fmt.Sprintf("project.project.openshift.io %q already exists", name),
			"lastTransitionTime": time.Now().UTC().Format(time.RFC3339),
		}}, "status", "conditions")
		_, err = requests.UpdateStatus(ctx, request, metav1.UpdateOptions{FieldManager: projectFieldManager})
		return err
	}
	if err != nil {
		return err
	}
	if requester != "" {
		binding := &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "admin", Namespace: name},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "admin"},
			Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: requester}},
		}
		if _, err := pc.core.RbacV1().RoleBindings(name).Create(ctx, binding, metav1.CreateOptions{}); err != nil && !errors.IsAlreadyExists(err) {
			return err
		}
	}
	err = requests.Delete(ctx, name, metav1.DeleteOptions{})
	if errors.IsNotFound(err) {
		return nil
	}
	return err
}

// reconcileProject keeps Project `name` a view of Namespace `name`. It reads
// both live, not from the informers' stores: a store that has not yet seen the
// Namespace this controller just wrote through would make the Project look
// out of step and have the user's edit mirrored away.
func (pc *projectController) reconcileProject(ctx context.Context, name string) error {
	projects := pc.dynamic.Resource(projectsGVR)
	project, err := projects.Get(ctx, name, metav1.GetOptions{})
	if errors.IsNotFound(err) {
		project, err = nil, nil
		pc.forget(name)
	}
	if err != nil {
		return err
	}
	ns, err := pc.core.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if errors.IsNotFound(err) {
		if project == nil || project.GetDeletionTimestamp() != nil {
			return nil
		}
		if _, reflected, _ := unstructured.NestedString(project.Object, "status", "phase"); reflected {
			return ignoreNotFound(projects.Delete(ctx, name, metav1.DeleteOptions{})) // its namespace is gone
		}
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: project.GetLabels(), Annotations: project.GetAnnotations()}}
		_, err := pc.core.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{FieldManager: projectFieldManager})
		return ignoreAlreadyExists(err)
	}
	if err != nil {
		return err
	}
	if project != nil && project.GetDeletionTimestamp() != nil {
		return ignoreNotFound(pc.core.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{}))
	}
	if project != nil && pc.editedByUser(project) {
		return pc.writeThrough(ctx, ns, project)
	}
	return pc.mirrorNamespace(ctx, ns, project)
}

func (pc *projectController) editedByUser(project *unstructured.Unstructured) bool {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	last, known := pc.written[project.GetName()]
	return known && last != project.GetResourceVersion()
}

func (pc *projectController) forget(name string) {
	pc.mu.Lock()
	delete(pc.written, name)
	pc.mu.Unlock()
}

// writeThrough applies a user's edit of the Project's labels and annotations
// to its Namespace, then mirrors that Namespace back (phase, finalizers). A
// failed write leaves the edit pending, so the retry writes it again.
func (pc *projectController) writeThrough(ctx context.Context, ns *corev1.Namespace, project *unstructured.Unstructured) error {
	if !reflect.DeepEqual(emptyIfNil(ns.Labels), emptyIfNil(project.GetLabels())) ||
		!reflect.DeepEqual(emptyIfNil(ns.Annotations), emptyIfNil(project.GetAnnotations())) {
		updated := ns.DeepCopy()
		updated.Labels, updated.Annotations = project.GetLabels(), project.GetAnnotations()
		written, err := pc.core.CoreV1().Namespaces().Update(ctx, updated, metav1.UpdateOptions{FieldManager: projectFieldManager})
		if err != nil {
			return err
		}
		ns = written
	}
	pc.remember(project)
	return pc.mirrorNamespace(ctx, ns, project)
}

// mirrorNamespace writes the Project (metadata, spec.finalizers, status.phase) from its Namespace.
func (pc *projectController) mirrorNamespace(ctx context.Context, ns *corev1.Namespace, project *unstructured.Unstructured) error {
	projects := pc.dynamic.Resource(projectsGVR)
	finalizers := make([]interface{}, 0, len(ns.Spec.Finalizers))
	for _, f := range ns.Spec.Finalizers {
		finalizers = append(finalizers, string(f))
	}
	if project == nil {
		project = &unstructured.Unstructured{Object: map[string]interface{}{
			"apiVersion": "project.openshift.io/v1", "kind": "Project", "metadata": map[string]interface{}{"name": ns.Name},
		}}
		project.SetLabels(ns.Labels)
		project.SetAnnotations(ns.Annotations)
		_ = unstructured.SetNestedSlice(project.Object, finalizers, "spec", "finalizers")
		created, err := projects.Create(ctx, project, metav1.CreateOptions{FieldManager: projectFieldManager})
		if err != nil {
			return ignoreAlreadyExists(err)
		}
		project = pc.remember(created)
	} else {
		current, _, _ := unstructured.NestedSlice(project.Object, "spec", "finalizers")
		if !reflect.DeepEqual(emptyIfNil(project.GetLabels()), emptyIfNil(ns.Labels)) ||
			!reflect.DeepEqual(emptyIfNil(project.GetAnnotations()), emptyIfNil(ns.Annotations)) ||
			!reflect.DeepEqual(current, finalizers) && !(len(current) == 0 && len(finalizers) == 0) {
			project = project.DeepCopy()
			project.SetLabels(ns.Labels)
			project.SetAnnotations(ns.Annotations)
			_ = unstructured.SetNestedSlice(project.Object, finalizers, "spec", "finalizers")
			updated, err := projects.Update(ctx, project, metav1.UpdateOptions{FieldManager: projectFieldManager})
			if err != nil {
				return err
			}
			project = pc.remember(updated)
		}
	}
	phase, _, _ := unstructured.NestedString(project.Object, "status", "phase")
	if phase != string(ns.Status.Phase) {
		project = project.DeepCopy()
		_ = unstructured.SetNestedField(project.Object, string(ns.Status.Phase), "status", "phase")
		updated, err := projects.UpdateStatus(ctx, project, metav1.UpdateOptions{FieldManager: projectFieldManager})
		if err != nil {
			return err
		}
		project = updated
	}
	pc.remember(project)
	return nil
}

// remember records the resourceVersion of a Project this controller wrote (or
// found in step), right after each write, so any other version is a user's edit.
func (pc *projectController) remember(project *unstructured.Unstructured) *unstructured.Unstructured {
	pc.mu.Lock()
	pc.written[project.GetName()] = project.GetResourceVersion()
	pc.mu.Unlock()
	return project
}

func emptyIfNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func ignoreNotFound(err error) error {
	if errors.IsNotFound(err) {
		return nil
	}
	return err
}

func ignoreAlreadyExists(err error) error {
	if errors.IsAlreadyExists(err) {
		return nil
	}
	return err
}
