package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/mail"
	"github.com/piao-performance/piao/internal/server"
	"github.com/piao-performance/piao/internal/store"
)

// cmdServe runs the web server until SIGINT/SIGTERM, then drains requests.
func cmdServe(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	migrate := fs.Bool("migrate", false, "applica le migrazioni all'avvio")
	demoIfEmpty := fs.Bool("demo-if-empty", false, "carica il piano di riferimento, con le misurazioni dimostrative 2023, se il database non ha piani")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%w: serve accetta --migrate e --demo-if-empty", errUsage)
	}
	pool, closeAll, err := connect(ctx, cfg, log, *migrate)
	if err != nil {
		return err
	}
	defer closeAll()
	st := store.New(pool, store.WithBaseURL(cfg.BaseURL))
	if *demoIfEmpty {
		n, err := st.Count(ctx, "plans")
		if err != nil {
			return err
		}
		if n == 0 {
			if err := loadDemoPlan(ctx, st, false, true, cfg.DemoPassword, stdout); err != nil {
				return err
			}
		}
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	sessions, stopSweeper := server.NewSessions(pool, server.SessionOptions{Secure: cfg.SecureCookies, Log: log})
	defer stopSweeper()
	opts := server.Options{Limits: server.Limits{AttachmentsPerMeasurement: cfg.Limits.AttachmentsPerMeasurement,
		AttachmentBytesPerMeasurement: cfg.Limits.AttachmentBytesPerMeasurement,
		ReadTimeout:                   cfg.Limits.ReadTimeout, UploadTimeout: cfg.Limits.UploadTimeout},
		MaxConcurrentHashes: cfg.MaxConcurrentHashes, TrustedProxies: cfg.TrustedProxies, MailEnabled: cfg.SMTP.Host != ""}
	if cfg.OIDC.Issuer != "" {
		o := cfg.OIDC
		if opts.OIDC, err = server.NewOIDC(ctx, server.OIDCConfig{Issuer: o.Issuer, ClientID: o.ClientID,
			ClientSecret: o.ClientSecret, RedirectURL: o.RedirectURL, Claim: o.Claim}, nil); err != nil {
			return err
		}
	}
	srv := &http.Server{
		Handler:           server.New(st, sessions, log, opts),
		ReadHeaderTimeout: 10 * time.Second,
		// No ReadTimeout: the server's handler sets each request's read
		// deadline, PIAO_READ_TIMEOUT or, on upload routes, PIAO_UPLOAD_TIMEOUT
		// (which also extends the write deadline there).
		WriteTimeout: 120 * time.Second,
		IdleTimeout:  120 * time.Second,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:  func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	sealCtx, stopSealing := context.WithCancel(ctx)
	defer stopSealing()
	go st.SealAuditEvery(sealCtx, time.Second, log)
	go st.PruneSignInThrottleEvery(sealCtx, time.Hour, store.DefaultThrottle, log)
	stopMail, err := startMailWorker(sealCtx, cfg, st, log)
	if err != nil {
		return err
	}
	defer stopMail()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "url", "http://"+ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// startMailWorker runs the e-mail outbox worker (internal/mail) until ctx
// ends or the returned stop is called, which waits for the message in flight.
// Without PIAO_SMTP_HOST it still enqueues the scheduled notifications, and
// they stay queued.
func startMailWorker(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) (func(), error) {
	w := &mail.Worker{Store: st, Log: log.With("component", "mail"), MessageIDHost: mail.HostOf(cfg.BaseURL), ReminderDays: cfg.ReminderDays}
	if cfg.SMTP.Host != "" {
		sender, err := mail.NewSender(mail.Config{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Security: mail.Security(cfg.SMTP.Security),
			User: cfg.SMTP.User, Password: cfg.SMTP.Password, From: cfg.SMTP.From})
		if err != nil {
			return nil, fmt.Errorf("e-mail: %w", err)
		}
		w.Sender = sender
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, 30*time.Second)
	}()
	return func() { cancel(); <-done }, nil
}
