// harness boots a throw-away Kubernetes control plane on loopback from the binaries built
// next to it (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok), prints one
// JSON line describing how to reach it, and tears everything down when stdin closes, on
// SIGINT/SIGTERM, or when its parent dies. Nothing is left running: every component runs in its
// own process group with a parent-death signal.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The networks K3s uses, so that objects naming them (NetworkPolicies) read as in the cluster.
const (
	serviceCIDR = "10.43.0.0/16"
	podCIDR     = "10.42.0.0/16"
)

type info struct {
	Server     string `json:"server"`
	CA         string `json:"ca"`
	Cert       string `json:"cert"`
	Key        string `json:"key"`
	Kubeconfig string `json:"kubeconfig"`
	Dir        string `json:"dir"`
	StartMs    int64  `json:"startMs"`
}

func main() {
	binDir := flag.String("bin", "", "folder holding the built binaries")
	keep := flag.Bool("keep", false, "keep the run folder (logs) after teardown")
	flag.Parse()
	// Our own parent (the test runner) dying ends the run too.
	_ = unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0, 0, 0)
	if *binDir == "" {
		exe, _ := os.Executable()
		*binDir = filepath.Dir(exe)
	}
	dir, err := os.MkdirTemp("", "platform-cluster-")
	if err != nil {
		fatal(err)
	}
	c := &cluster{bin: *binDir, dir: dir}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() { _, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin)); stop <- syscall.SIGTERM }()
	go func() {
		<-stop
		stopping.Store(true)
		c.stopAll()
		if !*keep {
			_ = os.RemoveAll(dir)
		}
		os.Exit(0)
	}()

	started := time.Now()
	out, err := c.start()
	if err != nil {
		c.stopAll()
		fmt.Fprintf(os.Stderr, "harness: %v (logs in %s)\n", err, dir)
		os.Exit(1)
	}
	out.StartMs = time.Since(started).Milliseconds()
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
	// A component that exits early is a failed run: say so, and end everything.
	failed := c.firstExit()
	if stopping.Load() {
		select {} // the teardown exits
	}
	fmt.Fprintf(os.Stderr, "harness: %s exited; logs in %s\n", failed, dir)
	stop <- syscall.SIGTERM
	select {}
}

// stopping is set once teardown begins: components exiting then are expected.
var stopping atomic.Bool

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "harness:", err)
	os.Exit(1)
}

// freePort picks an unused loopback port below the kernel's ephemeral range. A port the kernel
// hands out for ":0" comes from that range, which every outgoing connection of the machine also
// draws from: between this choice and the component's bind (seconds, for kube-apiserver), the
// test runner's own connections once took it ("bind: address already in use").
func freePort() int {
	// ports chosen but not yet bound are free to the kernel: never hand one out twice
	issuedMu.Lock()
	defer issuedMu.Unlock()
	low, high := 20000, ephemeralStart()
	if high-low < 1000 {
		low = 1024 // a machine whose ephemeral range starts low
	}
	for attempt := 0; attempt < 200; attempt++ {
		port := low + rand.Intn(high-low)
		if issued[port] {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		_ = l.Close()
		issued[port] = true
		return port
	}
	fatal(fmt.Errorf("no free loopback port between %d and %d", low, high))
	return 0
}

var (
	issuedMu sync.Mutex
	issued   = map[int]bool{}
)

// ephemeralStart is the first port of the kernel's ephemeral range (32768 by default).
func ephemeralStart() int {
	raw, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		var first, last int
		if _, err := fmt.Sscan(string(raw), &first, &last); err == nil && first > 1024 {
			return first
		}
	}
	return 32768
}
