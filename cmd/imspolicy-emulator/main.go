// Command imspolicy-emulator serves a local emulator of the Huawei Cloud IAM v5 identity
// policy APIs and the Organizations SCP APIs that the imspolicy provider calls. One listener
// serves both services, so the provider's IAM and Organizations endpoints can both point at
// it. It prints "listening on http://HOST:PORT" on stdout once it accepts requests, and stops
// gracefully on SIGINT or SIGTERM.
//
//	imspolicy-emulator -access-key AK -secret-key SK [-listen 127.0.0.1:0] [-state FILE]
//
// It bounds what clients can hold (-read-header-timeout, -read-timeout, -write-timeout,
// -idle-timeout, -max-header-bytes, -max-conns; see -h for the defaults).
//
// The keys may also come from IMSPOLICY_EMULATOR_ACCESS_KEY and IMSPOLICY_EMULATOR_SECRET_KEY.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
)

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "imspolicy-emulator:", err)
		os.Exit(1)
	}
}

// run starts the emulator with the command-line arguments and serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("imspolicy-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg      emulator.Config
		listen   = fs.String("listen", emulator.DefaultAddr, "`host:port` to listen on; the default is a free loopback port")
		portFile = fs.String("port-file", "", "write the address the emulator listens on (host:port) to `FILE`")
		verbose  = fs.Bool("v", false, "log every request to stderr")
	)
	fs.StringVar(&cfg.AccessKey, "access-key", os.Getenv("IMSPOLICY_EMULATOR_ACCESS_KEY"), "the access key (AK) requests must be signed with (env IMSPOLICY_EMULATOR_ACCESS_KEY)")
	fs.StringVar(&cfg.SecretKey, "secret-key", os.Getenv("IMSPOLICY_EMULATOR_SECRET_KEY"), "the secret key (SK) (env IMSPOLICY_EMULATOR_SECRET_KEY)")
	fs.StringVar(&cfg.SecurityToken, "security-token", os.Getenv("IMSPOLICY_EMULATOR_SECURITY_TOKEN"), "when set, requests must carry this X-Security-Token (env IMSPOLICY_EMULATOR_SECURITY_TOKEN)")
	fs.StringVar(&cfg.AccountID, "account-id", emulator.DefaultAccountID, "the account (domain) id; a request's X-Domain-Id must match it")
	fs.StringVar(&cfg.RootID, "root-id", emulator.DefaultRootID, "the id of the organisation's root")
	fs.BoolVar(&cfg.SCPEnabled, "scp-enabled", false, "start with SCPs enabled on the root (new state only)")
	fs.DurationVar(&cfg.EnableDelay, "enable-delay", 0, "how long the root reports pending_enable after SCPs are enabled")
	fs.StringVar(&cfg.StatePath, "state", "", "keep the state in this JSON `FILE` (loaded at start; each change is appended to FILE.journal, folded into FILE at start and every 1,000 changes); in memory when empty")
	fs.Float64Var(&cfg.Faults.FailRate, "fail-rate", 0, "fraction of requests answered 429, 500 or 503 before acting")
	fs.Float64Var(&cfg.Faults.DropRate, "drop-rate", 0, "fraction of requests whose connection is dropped after acting")
	fs.DurationVar(&cfg.Faults.ReadAfterWriteDelay, "read-after-write-delay", 0, "how long GETs of a new policy or SCP answer 404")
	fs.DurationVar(&cfg.Faults.RetryAfter, "retry-after", 0, "Retry-After sent with injected 429 and 503 answers (0: none)")
	fs.IntVar(&cfg.MaxPoliciesPerPrincipal, "max-policies-per-principal", emulator.DefaultMaxPoliciesPerPrincipal, "quota of identity policies attached to one user, group or agency")
	fs.IntVar(&cfg.MaxSCPsPerTarget, "max-scps-per-target", emulator.DefaultMaxSCPsPerTarget, "quota of SCPs attached to one root, OU or account, FullAccess included")
	fs.Int64Var(&cfg.Seed, "seed", 1, "seed of the random numbers behind faults and ids")
	fs.DurationVar(&cfg.MaxSkew, "max-skew", emulator.DefaultMaxSkew, "how far X-Sdk-Date may be from the clock")
	d := emulator.DefaultLimits
	fs.DurationVar(&cfg.Limits.ReadHeaderTimeout, "read-header-timeout", d.ReadHeaderTimeout, "how long a client has to send a request's headers")
	fs.DurationVar(&cfg.Limits.ReadTimeout, "read-timeout", d.ReadTimeout, "how long a client has to send a whole request, body included")
	fs.DurationVar(&cfg.Limits.WriteTimeout, "write-timeout", d.WriteTimeout, "how long the emulator has to send an answer, from the end of the request's headers")
	fs.DurationVar(&cfg.Limits.IdleTimeout, "idle-timeout", d.IdleTimeout, "how long a kept-alive connection may wait for its next request")
	fs.IntVar(&cfg.Limits.MaxHeaderBytes, "max-header-bytes", d.MaxHeaderBytes, "the largest request headers accepted, in bytes")
	fs.IntVar(&cfg.Limits.MaxConns, "max-conns", d.MaxConns, "connections served at once; further ones wait to be accepted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return errors.New("-access-key and -secret-key (or IMSPOLICY_EMULATOR_ACCESS_KEY and IMSPOLICY_EMULATOR_SECRET_KEY) are required")
	}
	for name, rate := range map[string]float64{"-fail-rate": cfg.Faults.FailRate, "-drop-rate": cfg.Faults.DropRate} {
		if rate < 0 || rate > 1 {
			return fmt.Errorf("%s %v is not between 0 and 1", name, rate)
		}
	}
	l := cfg.Limits
	for name, v := range map[string]time.Duration{"-read-header-timeout": l.ReadHeaderTimeout, "-read-timeout": l.ReadTimeout, "-write-timeout": l.WriteTimeout, "-idle-timeout": l.IdleTimeout} {
		if v <= 0 {
			return fmt.Errorf("%s %v must be positive", name, v)
		}
	}
	for name, v := range map[string]int{"-max-header-bytes": l.MaxHeaderBytes, "-max-conns": l.MaxConns} {
		if v <= 0 {
			return fmt.Errorf("%s %d must be positive", name, v)
		}
	}
	logger := log.New(stderr, "imspolicy-emulator: ", log.LstdFlags)
	if *verbose {
		cfg.Logf = logger.Printf
	}

	srv, err := emulator.New(cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	if host, _, err := net.SplitHostPort(*listen); err == nil {
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			logger.Printf("warning: listening on %s, not only on loopback", *listen)
		}
	}
	url, stop, err := srv.Start(*listen)
	if err != nil {
		return err
	}
	defer stop()
	if *portFile != "" {
		if err := writeFileAtomic(*portFile, url[len("http://"):]+"\n"); err != nil {
			return fmt.Errorf("-port-file: %w", err)
		}
	}
	fmt.Fprintf(stdout, "listening on %s\n", url)
	<-ctx.Done()
	logger.Printf("shutting down")
	stop()
	return nil
}

func writeFileAtomic(path, content string) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
