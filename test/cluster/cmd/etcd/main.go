// etcd, the upstream server: the same main as go.etcd.io/etcd/v3, built from this module so that
// its version is the one k8s.io/kubernetes pins.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
