// Command ferretdb-embedded runs FerretDB v1 as a MongoDB-compatible server for tests and the
// sandbox, on its SQLite backend (-dir) or its PostgreSQL backend (-postgresql-url), FerretDB's
// main one, which pushes equality filters down to PostgreSQL instead of filtering whole tables
// in Go, and adds the indexes that let PostgreSQL answer those filters (index-twins.sql;
// docs/store-access-paths.md has the measurements). Production uses real MongoDB; this
// exists because no MongoDB server package is available on the development and CI machines.
package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/jackc/pgx/v5"
)

// indexTwins makes FerretDB's PostgreSQL indexes serve its own queries (the file says why).
//
//go:embed index-twins.sql
var indexTwins string

// backend is the part of ferretdb.Config that picks where documents live.
type backend struct{ Handler, SQLiteURL, PostgreSQLURL string }

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (port 0 picks a free one)")
	dir := flag.String("dir", "", "directory for the SQLite files (created if missing); this or -postgresql-url is required")
	pgURL := flag.String("postgresql-url", "", "PostgreSQL connection string (postgres://host:port/db): use the PostgreSQL backend instead of SQLite")
	logLevel := flag.String("log-level", "warn", "log level on stderr: debug, info, warn or error")
	twins := flag.Bool("index-twins", true, "PostgreSQL backend: add the GIN twins that let FerretDB's pushed-down filters use indexes (index-twins.sql)")
	stdinEOF := flag.Bool("exit-on-stdin-eof", false, "stop when stdin closes (so a crashed parent leaves no orphan)")
	flag.Parse()
	if (*dir == "") == (*pgURL == "") {
		log.Fatal("ferretdb-embedded: give exactly one of -dir (SQLite) and -postgresql-url (PostgreSQL)")
	}
	handler := backend{Handler: "postgresql", PostgreSQLURL: withPoolSize(*pgURL)}
	if *dir != "" {
		abs, err := filepath.Abs(*dir)
		if err == nil {
			err = os.MkdirAll(abs, 0o755)
		}
		if err != nil {
			log.Fatalf("ferretdb-embedded: creating %s: %v", *dir, err)
		}
		handler = backend{Handler: "sqlite", SQLiteURL: (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs) + "/"}).String()}
	}
	if *pgURL != "" && *twins {
		if err := installIndexTwins(*pgURL); err != nil {
			log.Fatalf("ferretdb-embedded: installing index twins: %v", err)
		}
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		log.Fatalf("ferretdb-embedded: -log-level: %v", err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
		Handler:       handler.Handler,
		SQLiteURL:     handler.SQLiteURL,
		PostgreSQLURL: handler.PostgreSQLURL,
	})
	if err != nil {
		log.Fatalf("ferretdb-embedded: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *stdinEOF {
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); stop() }()
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	// The line below is what the launchers wait for. MongoDBURI blocks until Run has
	// bound the listener, so the address (and a port picked for -listen :0) is real.
	fmt.Printf("ferretdb-embedded listening %s\n", f.MongoDBURI())
	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatalf("ferretdb-embedded: %v", err)
	}
}

func installIndexTwins(pgURL string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// Simple protocol: the file holds several statements.
	_, err = conn.Exec(ctx, indexTwins, pgx.QueryExecModeSimpleProtocol)
	return err
}

// withPoolSize raises FerretDB's PostgreSQL pool from its default of 50 connections, unless the
// URL sets pool_max_conns itself. FerretDB holds a pooled connection for as long as a query's
// rows are open (a cursor, an update iterating what it matched) and takes a second one for the
// write, so enough concurrent clients can check out all 50 and then wait on each other: FerretDB
// then answers nothing, not even ping (seen with three workers of 16 jobs each; the goroutine dump
// showed every connection checked out, idle in PostgreSQL, and 75 goroutines waiting in
// pgxpool's Acquire). local-services and .ci/run start PostgreSQL with max_connections=300.
func withPoolSize(pgURL string) string {
	u, err := url.Parse(pgURL)
	if err != nil {
		return pgURL
	}
	q := u.Query()
	if !q.Has("pool_max_conns") {
		q.Set("pool_max_conns", "250")
	}
	u.RawQuery = q.Encode()
	return u.String()
}
