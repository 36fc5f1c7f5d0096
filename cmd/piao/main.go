// Command piao is the PIAO performance manager: one binary with subcommands
// to serve the web application, migrate the database and load the demo plan.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/piao-performance/piao/internal/config"
)

const usage = `Uso: piao <comando> [opzioni]

Comandi:
  serve [--migrate] [--demo-if-empty]   avvia il server web
  migrate up | down [N] | version      gestisce lo schema del database
  demo [--replace] [--with-sample-actuals]
                                       carica il piano di riferimento (CCIAA Gran Sasso d'Italia, PIAO 2023–2025),
                                       con misurazioni dimostrative 2023 se richiesto
  score --ente E --plan P --year A [--period final|midyear] [--format table|json]
                                       stampa i punteggi (misurazioni approvate)
  measurements import FILE --ente E --plan P [--status approved] [--close] [--demo]
                                       importa misurazioni da CSV (tutto o niente)
  behaviour set --ente E --plan P --year A --role R --score 0-100
                                       registra il punteggio dei comportamenti di un ruolo
  rules set --ente E --plan P --show-submitted-midyear true|false
                                       al monitoraggio infrannuale mostra anche i valori inviati
  export --ente E --plan P [-o FILE]   esporta in JSON il piano con il suo stato (regole, periodi,
                                       misurazioni, comportamenti) per backup o migrazione;
                                       gli allegati delle misurazioni non sono inclusi
  import FILE [--replace]              importa un piano esportato (tutto o niente); senza --replace
                                       un piano esistente non viene modificato
  backup [-o FILE]                     scrive il backup dell'intera installazione (sessioni escluse),
                                       con il manifesto delle impronte SHA-256
  backup --ente E [-o FILE]            scrive il backup di un solo ente (piani, misurazioni, allegati,
                                       account, registro di audit), ripristinabile accanto ad altri enti
  backup verify FILE                   controlla un file di backup senza ripristinarlo
  restore FILE                         ripristina un backup in un database vuoto (tutto o niente)
                                       e verifica righe, allegati e catena di audit; il backup di un
                                       ente va in un'installazione che non ha quell'ente
  plan parse FILE [--ente E] [--plan P] [--title T] [--years 2023-2025] [-o FILE]
                                       legge un PIAO pubblicato (testo, PDF o DOCX) e scrive il piano
                                       nel formato di export; i punti incerti su standard error
  audit verify [--anchor N:IMPRONTA]   ricalcola la catena di hash del registro di audit
                                       e indica il primo collegamento rotto (uscita 1)
  user add | passwd | disable | enable | list
                                       gestisce gli account (piao user per i dettagli)
  withdb -- COMANDO [ARG...]           esegue COMANDO con PIAO_TEST_DATABASE_URL impostato,
                                       avviando un PostgreSQL privato se non è configurato

Variabili d'ambiente:
`

// errUsage marks errors caused by a wrong command line (exit code 2).
var errUsage = errors.New("uso errato")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one subcommand and returns the process exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "plan" {
		return cmdPlan(ctx, args[1:], stdout, stderr) // reads a file, needs no database
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "piao:", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	var cmdErr error
	switch args[0] {
	case "serve":
		cmdErr = cmdServe(ctx, cfg, log, args[1:], stdout)
	case "migrate":
		cmdErr = cmdMigrate(ctx, cfg, log, args[1:], stdout)
	case "demo":
		cmdErr = cmdDemo(ctx, cfg, log, args[1:], stdout)
	case "score":
		cmdErr = cmdScore(ctx, cfg, log, args[1:], stdout)
	case "measurements":
		cmdErr = cmdMeasurements(ctx, cfg, log, args[1:], stdout)
	case "behaviour":
		cmdErr = cmdBehaviour(ctx, cfg, log, args[1:], stdout)
	case "rules":
		cmdErr = cmdRules(ctx, cfg, log, args[1:], stdout)
	case "export":
		cmdErr = cmdExport(ctx, cfg, log, args[1:], stdout)
	case "import":
		cmdErr = cmdImport(ctx, cfg, log, args[1:], stdout)
	case "backup":
		cmdErr = cmdBackup(ctx, cfg, log, args[1:], stdout)
	case "restore":
		cmdErr = cmdRestore(ctx, cfg, log, args[1:], stdout)
	case "audit":
		cmdErr = cmdAudit(ctx, cfg, log, args[1:], stdout)
	case "user":
		cmdErr = cmdUser(ctx, cfg, log, args[1:], stdin, stdout)
	case "withdb":
		return cmdWithDB(ctx, cfg, log, args[1:], getenv, stdout, stderr)
	default:
		cmdErr = fmt.Errorf("%w: comando sconosciuto %q", errUsage, args[0])
	}
	if cmdErr == nil {
		return 0
	}
	fmt.Fprintln(stderr, "piao:", cliMessage(cmdErr))
	if errors.Is(cmdErr, errUsage) {
		printUsage(stderr)
		return 2
	}
	return 1
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	for _, v := range config.Variables {
		def := v.Default
		if def == "" {
			def = "(vuoto)"
		}
		fmt.Fprintf(w, "  %-22s %s [predefinito: %s]\n", v.Name, v.Meaning, def)
	}
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
