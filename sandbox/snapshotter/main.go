// meshagent-sandbox-stargz: the stargz snapshotter as a containerd proxy plugin, for the sandbox's room runtime.
//
// Debian packages the stargz-snapshotter library (golang-github-containerd-stargz-snapshotter-dev) but not its
// daemon, so this is the daemon: a gRPC server on a unix socket serving containerd's snapshots API for a
// snapshotter made by the library. eStargz layers are mounted lazily over FUSE (each chunk checked against its
// digest as it is read); other layers are pulled whole, as the overlayfs snapshotter would.
//
// Usage: meshagent-sandbox-stargz -address SOCKET -root DIR [-config FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	snapshotsapi "github.com/containerd/containerd/api/services/snapshots/v1"
	"github.com/containerd/containerd/contrib/snapshotservice"
	stargzfs "github.com/containerd/stargz-snapshotter/fs"
	"github.com/containerd/stargz-snapshotter/metadata/memory"
	"github.com/containerd/stargz-snapshotter/service"
	"github.com/containerd/stargz-snapshotter/service/keychain/dockerconfig"
	"github.com/pelletier/go-toml"
	"google.golang.org/grpc"
)

func main() {
	address := flag.String("address", "", "unix socket to serve containerd's snapshots API on")
	root := flag.String("root", "", "directory for the snapshotter's state and mounts")
	configPath := flag.String("config", "", "TOML file of the snapshotter's settings (optional)")
	flag.Parse()
	if *address == "" || *root == "" {
		fmt.Fprintln(os.Stderr, "usage: meshagent-sandbox-stargz -address SOCKET -root DIR [-config FILE]")
		os.Exit(2)
	}
	if err := run(*address, *root, *configPath); err != nil {
		fmt.Fprintf(os.Stderr, "meshagent-sandbox-stargz: %v\n", err)
		os.Exit(1)
	}
}

func run(address, root, configPath string) error {
	config := service.Config{}
	if configPath != "" {
		tree, err := toml.LoadFile(configPath)
		if err != nil {
			return fmt.Errorf("reading %s: %w", configPath, err)
		}
		if err := tree.Unmarshal(&config); err != nil {
			return fmt.Errorf("reading %s: %w", configPath, err)
		}
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return err
	}
	// The overlayfs underneath must work here; without it there is nothing to mount the layers with.
	if err := service.Supported(root); err != nil {
		return fmt.Errorf("the stargz snapshotter cannot run in %s: %w", root, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	snapshotter, err := service.NewStargzSnapshotterService(ctx, root, &config,
		service.WithCredsFuncs(dockerconfig.NewDockerconfigKeychain(ctx)),
		service.WithFilesystemOptions(stargzfs.WithMetadataStore(memory.NewReader)),
	)
	if err != nil {
		return err
	}
	// Closing the snapshotter unmounts every layer it mounted: done on every way out.
	defer snapshotter.Close()

	if err := os.MkdirAll(filepath.Dir(address), 0o700); err != nil {
		return err
	}
	if err := os.RemoveAll(address); err != nil {
		return err
	}
	listener, err := net.Listen("unix", address)
	if err != nil {
		return err
	}
	server := grpc.NewServer()
	snapshotsapi.RegisterSnapshotsServer(server, snapshotservice.FromSnapshotter(snapshotter))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	fmt.Fprintf(os.Stderr, "meshagent-sandbox-stargz: serving on %s\n", address)
	select {
	case sig := <-stop:
		fmt.Fprintf(os.Stderr, "meshagent-sandbox-stargz: %v: stopping\n", sig)
		server.GracefulStop()
		return nil
	case err := <-served:
		return err
	}
}

