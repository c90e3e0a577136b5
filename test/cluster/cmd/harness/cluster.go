package main

// The components, their flags, and the readiness checks.

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	nodefast "sigs.k8s.io/kwok/kustomize/stage/node/fast"
	nodelease "sigs.k8s.io/kwok/kustomize/stage/node/heartbeat-with-lease"
	podfast "sigs.k8s.io/kwok/kustomize/stage/pod/fast"
)

type cluster struct {
	bin, dir string
	mu       sync.Mutex
	procs    []*exec.Cmd
	names    []string
	exited   chan string
	running  sync.WaitGroup
}

func (c *cluster) path(name string) string { return filepath.Join(c.dir, name) }

// run starts one component in its own process group, logging to <name>.log.
func (c *cluster) run(name string, env []string, args ...string) error {
	log, err := os.Create(c.path(name + ".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(c.bin, strings.Split(name, "@")[0]), args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	c.mu.Lock()
	c.procs = append(c.procs, cmd)
	c.names = append(c.names, name)
	c.mu.Unlock()
	c.running.Add(1)
	go func() {
		_ = cmd.Wait()
		c.running.Done()
		select {
		case c.exited <- name:
		default: // nobody is listening any more (teardown)
		}
	}()
	return nil
}

func (c *cluster) firstExit() string { return <-c.exited }

// stopAll kills every process group at once: the run's data is thrown away, so there is
// nothing to shut down gracefully, and SIGKILL cannot be ignored.
func (c *cluster) stopAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cmd := range c.procs {
		if p := cmd.Process; p != nil {
			_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
		}
	}
	c.procs = nil
	// Return once every component is reaped, so nothing outlives the harness.
	done := make(chan struct{})
	go func() { c.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
}

func (c *cluster) writeKubeconfig(server string) (string, error) {
	p := c.path("kubeconfig")
	return p, os.WriteFile(p, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: %q, certificate-authority: %q}
users:
- name: admin
  user: {client-certificate: %q, client-key: %q}
contexts:
- name: test
  context: {cluster: test, user: admin}
current-context: test
`, server, c.path("ca.crt"), c.path("admin.crt"), c.path("admin.key"))), 0o600)
}

func (c *cluster) start() (*info, error) {
	c.exited = make(chan string, 8)
	if err := generateCerts(c.dir, net.ParseIP("10.43.0.1")); err != nil {
		return nil, err
	}
	etcdClient, etcdPeer, apiPort := freePort(), freePort(), freePort()
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdClient)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPeer)
	// No fsync: the data lives for one run, and fsync is most of etcd's latency.
	if err := c.run("etcd", nil, "--name=test", "--data-dir="+c.path("etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=test="+peerURL, "--unsafe-no-fsync", "--log-level=warn",
		"--quota-backend-bytes=4294967296"); err != nil {
		return nil, err
	}
	if err := waitHTTP(nil, etcdURL+"/health", 30*time.Second, c); err != nil {
		return nil, fmt.Errorf("etcd: %w", err)
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	kubeconfig, err := c.writeKubeconfig(server)
	if err != nil {
		return nil, err
	}
	// The admission plugins the issue names are on by default; they are listed so that a default
	// change upstream cannot silently drop them.
	if err := c.run("kube-apiserver", nil,
		"--etcd-servers="+etcdURL, "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", apiPort),
		"--tls-cert-file="+c.path("apiserver.crt"), "--tls-private-key-file="+c.path("apiserver.key"),
		"--client-ca-file="+c.path("ca.crt"),
		"--service-account-key-file="+c.path("sa.pub"), "--service-account-signing-key-file="+c.path("sa.key"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-cluster-ip-range="+serviceCIDR, "--authorization-mode=Node,RBAC",
		"--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,ResourceQuota,DefaultStorageClass,StorageObjectInUseProtection,DefaultTolerationSeconds,Priority",
		// The operators' admission webhooks (cert-manager, CloudNativePG, external-secrets) are
		// served by their pods, which kwok only pretends to run: no webhook could ever answer.
		// Their configurations are still stored and synced; the API server does not call them.
		"--disable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook",
		"--allow-privileged=true", "--profiling=false", "--enable-priority-and-fairness=false",
		"--endpoint-reconciler-type=none", "--v=1"); err != nil {
		return nil, err
	}
	tlsConf, err := c.clientTLS()
	if err != nil {
		return nil, err
	}
	if err := waitHTTP(tlsConf, server+"/readyz", 60*time.Second, c); err != nil {
		return nil, fmt.Errorf("kube-apiserver: %w", err)
	}
	kcmPort, schedPort := freePort(), freePort()
	if err := c.run("kube-controller-manager", nil, "--kubeconfig="+kubeconfig,
		"--authentication-kubeconfig="+kubeconfig, "--authorization-kubeconfig="+kubeconfig,
		"--bind-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", kcmPort), "--cert-dir="+c.path("kcm"),
		"--leader-elect=false", "--controllers=*",
		"--service-account-private-key-file="+c.path("sa.key"), "--root-ca-file="+c.path("ca.crt"),
		"--use-service-account-credentials=true", "--service-cluster-ip-range="+serviceCIDR,
		"--cluster-cidr="+podCIDR, "--allocate-node-cidrs=false",
		// Fake nodes never get evicted for a missed heartbeat while the machine is busy.
		"--node-monitor-grace-period=5m",
		// No client-side rate limit (20 requests a second by default), as kwokctl's own clusters:
		// a platform applied at once made the controllers queue their writes to a local server.
		"--kube-api-qps=5000", "--kube-api-burst=10000", "--v=1"); err != nil {
		return nil, err
	}
	if err := c.run("kube-scheduler", nil, "--kubeconfig="+kubeconfig,
		"--authentication-kubeconfig="+kubeconfig, "--authorization-kubeconfig="+kubeconfig,
		"--bind-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", schedPort), "--cert-dir="+c.path("sched"),
		"--leader-elect=false", "--kube-api-qps=5000", "--kube-api-burst=10000", "--v=1"); err != nil {
		return nil, err
	}
	// kwok reads its stages (nodes become Ready, pods Running and Ready, Job pods complete) from
	// the pinned module's own stage files; HOME keeps it off any ~/.kwok of the machine.
	stages := strings.Join([]string{nodefast.DefaultNodeInit, nodelease.DefaultNodeHeartbeatWithLease,
		podfast.DefaultPodReady, podfast.DefaultPodComplete, podfast.DefaultPodDelete}, "\n---\n")
	if err := os.WriteFile(c.path("kwok.yaml"), []byte(stages), 0o600); err != nil {
		return nil, err
	}
	if err := c.run("kwok", []string{"HOME=" + c.dir}, "--kubeconfig="+kubeconfig, "--config="+c.path("kwok.yaml"),
		"--manage-all-nodes=false", "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
		"--cidr="+podCIDR, "--node-lease-duration-seconds=40", "--server-address="); err != nil {
		return nil, err
	}
	insecure := &tls.Config{InsecureSkipVerify: true} // loopback, self-signed by the component
	if err := waitHTTP(insecure, fmt.Sprintf("https://127.0.0.1:%d/healthz", kcmPort), 60*time.Second, c); err != nil {
		return nil, fmt.Errorf("kube-controller-manager: %w", err)
	}
	if err := waitHTTP(insecure, fmt.Sprintf("https://127.0.0.1:%d/healthz", schedPort), 60*time.Second, c); err != nil {
		return nil, fmt.Errorf("kube-scheduler: %w", err)
	}
	return &info{Server: server, CA: c.path("ca.crt"), Cert: c.path("admin.crt"), Key: c.path("admin.key"),
		Kubeconfig: kubeconfig, Dir: c.dir}, nil
}

func (c *cluster) clientTLS() (*tls.Config, error) {
	pair, err := tls.LoadX509KeyPair(c.path("admin.crt"), c.path("admin.key"))
	if err != nil {
		return nil, err
	}
	pem, err := os.ReadFile(c.path("ca.crt"))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: pool}, nil
}

// waitHTTP polls url until it answers 200, failing early when a component has exited.
func waitHTTP(conf *tls.Config, url string, timeout time.Duration, c *cluster) error {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: conf}}
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		select {
		case name := <-c.exited:
			return fmt.Errorf("%s exited during start (see %s.log)", name, name)
		default:
		}
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %s: %s", timeout, last)
}
