package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/password"
	"github.com/piao-performance/piao/internal/store"
)

const userUsage = `user add --username U --name "Nome" --role R [--ente E] [--email X] [--position P] [--password-stdin | --no-password]
  user passwd USER [--password-stdin]
  user disable USER | user enable USER
  user unlock USER (toglie i blocchi dell'accesso dopo troppi tentativi falliti)
  user list [--ente E]
ruoli: amministratore, segretario, dirigente, referente, oiv, lettore; --position è la posizione dirigenziale
(es. dir-ef) di dirigenti e referenti; senza --ente solo un amministratore (generale)`

// readPassword takes the first line of stdin, so that a password never
// appears in the command line or the shell history.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func cmdUser(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, userUsage)
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		username, name, role, ente, email, position string
		fromStdin, noPassword                       bool
	)
	target := ""
	if (sub == "passwd" || sub == "disable" || sub == "enable" || sub == "unlock") && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		target, rest = rest[0], rest[1:]
	}
	switch sub {
	case "add":
		fs.StringVar(&username, "username", "", "")
		fs.StringVar(&name, "name", "", "")
		fs.StringVar(&role, "role", "", "")
		fs.StringVar(&ente, "ente", "", "")
		fs.StringVar(&email, "email", "", "")
		fs.StringVar(&position, "position", "", "")
		fs.BoolVar(&fromStdin, "password-stdin", false, "")
		fs.BoolVar(&noPassword, "no-password", false, "")
	case "passwd":
		fs.BoolVar(&fromStdin, "password-stdin", false, "")
	case "list":
		fs.StringVar(&ente, "ente", "", "")
	case "disable", "enable", "unlock":
	default:
		return fmt.Errorf("%w: %s", errUsage, userUsage)
	}
	if err := fs.Parse(rest); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%w: %s", errUsage, userUsage)
	}
	if (sub == "passwd" || sub == "disable" || sub == "enable" || sub == "unlock") && target == "" {
		return fmt.Errorf("%w: %s", errUsage, userUsage)
	}
	if sub == "add" && (username == "" || name == "" || role == "") {
		return fmt.Errorf("%w: %s", errUsage, userUsage)
	}
	newPassword := func() (pw string, generated bool, err error) {
		if fromStdin {
			pw, err = readPassword(stdin)
			return pw, false, err
		}
		pw, err = password.Generate()
		return pw, true, err
	}
	pool, closeAll, err := connect(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer closeAll()
	st := store.New(pool)
	const actor = "piao user"
	switch sub {
	case "add":
		var hash, pw string
		var generated bool
		if !noPassword {
			if pw, generated, err = newPassword(); err != nil {
				return err
			}
			if hash, err = password.Hash(pw); err != nil {
				return err
			}
		}
		_, err := st.CreateUser(ctx, store.NewUser{Ente: ente, Username: strings.ToLower(username), DisplayName: name, Email: email,
			Role: auth.Role(role), Position: position, PasswordHash: hash}, actor)
		switch {
		case errors.Is(err, store.ErrUserExists) || errors.Is(err, store.ErrEmailTaken):
			return fmt.Errorf("l'utente %s (o la sua e-mail) esiste già", username)
		case errors.Is(err, store.ErrUnknownEnte):
			return fmt.Errorf("ente %q inesistente", ente)
		case errors.Is(err, store.ErrUnknownPosition):
			return fmt.Errorf("posizione %q inesistente nell'ente %s", position, ente)
		case errors.Is(err, store.ErrPositionMismatch):
			return errors.New("dirigenti e referenti (e solo loro) sono collegati a una posizione dirigenziale (--posizione)")
		case errors.Is(err, store.ErrEnteRequired):
			return errors.New("solo un amministratore può non appartenere a un ente (--ente)")
		case err != nil:
			return err
		}
		fmt.Fprintf(stdout, "Utente %s creato (%s).\n", username, auth.Role(role).Label())
		if generated {
			fmt.Fprintf(stdout, "Password generata (mostrata solo ora): %s\n", pw)
		}
	case "passwd":
		pw, generated, err := newPassword()
		if err != nil {
			return err
		}
		hash, err := password.Hash(pw)
		if err != nil {
			return err
		}
		if err := st.SetPassword(ctx, target, hash, actor); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Password di %s cambiata; le sue sessioni aperte sono chiuse.\n", target)
		if generated {
			fmt.Fprintf(stdout, "Nuova password (mostrata solo ora): %s\n", pw)
		}
	case "disable", "enable":
		if err := st.SetActive(ctx, target, sub == "enable", actor); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Utente %s %s.\n", target, map[bool]string{true: "riattivato", false: "disattivato; le sue sessioni sono chiuse"}[sub == "enable"])
	case "unlock":
		if err := st.UnlockSignIn(ctx, strings.ToLower(target), actor); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Accesso di %s sbloccato: i tentativi falliti sono azzerati.\n", target)
	case "list":
		users, err := st.ListUsers(ctx, ente)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "utente\tnome\tprofilo\tente\tposizione\tstato\tultimo accesso")
		for _, u := range users {
			state, last := "attivo", "mai"
			if !u.Active {
				state = "disattivato"
			}
			if u.LastSignIn != nil {
				last = itfmt.Date(*u.LastSignIn)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, u.DisplayName, u.Role.Label(), u.Ente, u.Position, state, last)
		}
		tw.Flush()
	}
	return nil
}
