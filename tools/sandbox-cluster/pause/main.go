// Command pause is the sandbox node's pod sandbox ("pause") container: it holds
// the pod's namespaces, reaps zombies as PID 1 would, and exits on SIGTERM or
// SIGINT. The sandbox has no registry outside, so containerd's sandbox image is
// built locally from this program instead of pulled from registry.k8s.io.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for sig := range signals {
		if sig != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
