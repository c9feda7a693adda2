package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// keyedController is client-go's informer / work-queue split in its smallest
// form: informer events only produce keys, the queue de-duplicates them, and
// workers reconcile each key by reading current state (level-based), with
// rate-limited retries when reconcile returns an error.
type keyedController struct {
	name      string
	queue     workqueue.TypedRateLimitingInterface[string]
	reconcile func(ctx context.Context, key string) error
}

func newKeyedController(name string, reconcile func(ctx context.Context, key string) error) *keyedController {
	return &keyedController{
		name:      name,
		queue:     workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		reconcile: reconcile,
	}
}

// enqueue adds the namespace/name key of an informer object (or tombstone).
func (c *keyedController) enqueue(obj interface{}) {
	key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err == nil {
		c.queue.Add(key)
	}
}

// handlers are event handlers that enqueue every add, update and delete.
func (c *keyedController) handlers() cache.ResourceEventHandlerFuncs {
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    c.enqueue,
		UpdateFunc: func(_, obj interface{}) { c.enqueue(obj) },
		DeleteFunc: c.enqueue,
	}
}

// run starts workers and blocks until ctx ends.
func (c *keyedController) run(ctx context.Context, workers int) {
	defer c.queue.ShutDown()
	for i := 0; i < workers; i++ {
		go wait.UntilWithContext(ctx, c.work, time.Second)
	}
	<-ctx.Done()
}

func (c *keyedController) work(ctx context.Context) {
	for {
		key, quit := c.queue.Get()
		if quit {
			return
		}
		err := c.reconcile(ctx, key)
		if err == nil {
			c.queue.Forget(key)
		} else {
			fmt.Fprintf(os.Stderr, "sandbox-cluster: %s %s: %v (retrying)\n", c.name, key, err)
			c.queue.AddRateLimited(key)
		}
		c.queue.Done(key)
	}
}
