package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/workflow"
)

// Entry errors.
var (
	// ErrDerived: a derived indicator is computed by the engine, never entered.
	ErrDerived = errors.New("derived indicator: computed, not entered")
	// ErrDeviationRequired: the entry cannot be approved without a complete
	// motivazione of its scostamento (model.EntryIndicator.DeviationRequired).
	ErrDeviationRequired = errors.New("measurement: approval needs the deviation explained (what, why, corrective action)")
)

// LockedError says why an entry cannot change in its current state.
type LockedError struct{ Status workflow.Status }

func (e *LockedError) Error() string {
	return fmt.Sprintf("measurement %s: it cannot change in this state", e.Status.Label())
}

// ConflictError is returned when someone else saved the entry after the
// version the user edited; Current is what is there now.
type ConflictError struct{ Current model.Entry }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("measurement changed by %s at %s", e.Current.Author, e.Current.UpdatedAt.Format(time.RFC3339))
}

// NewAttachment is a checked file to store.
type NewAttachment struct {
	Filename, ContentType string
	Data                  []byte
}

// EntryIndicator loads an indicator of a plan by key, with its target for year.
func (s *Store) EntryIndicator(ctx context.Context, h model.PlanHeader, key string, year int) (model.EntryIndicator, error) {
	var x model.EntryIndicator
	var objID int64
	// the owners come with the indicator: one round trip, then one for the
	// details (indicators batches its queries)
	err := s.pool.QueryRow(ctx, `SELECT i.id, i.key, i.code, i.name, i.algorithm, i.source, i.unit, i.formula,
			coalesce(i.scale::float8, 0), o.id, o.code, o.title, coalesce(ow.ids, '{}'), coalesce(ow.titles, '{}')
		FROM indicators i JOIN objectives o ON o.id = i.objective_id
		CROSS JOIN LATERAL (SELECT array_agg(r.id ORDER BY r.id) AS ids, array_agg(r.title ORDER BY r.id) AS titles
			FROM objective_owners oo JOIN roles r ON r.id = oo.role_id WHERE oo.objective_id = o.id) ow
		WHERE i.plan_id = $1 AND i.key = $2`, h.ID, key).Scan(
		&x.ID, &x.Key, &x.Code, &x.Name, &x.Algorithm, &x.Source, &x.Unit, &x.Formula, &x.Scale, &objID, &x.ObjectiveCode, &x.ObjectiveTitle,
		&x.Owners, &x.OwnerTitles)
	if errors.Is(err, pgx.ErrNoRows) {
		return x, ErrNotFound
	}
	if err != nil {
		return x, fmt.Errorf("indicator %s: %w", key, err)
	}
	if len(x.Owners) == 0 { // as before: nil when the objective has no owner
		x.Owners, x.OwnerTitles = nil, nil
	}
	details, err := s.indicators(ctx, h, objID, x.ID)
	if err != nil {
		return x, err
	}
	for _, d := range details {
		if d.Key != key {
			continue
		}
		x.Inputs, x.Baselines = d.Inputs, d.Baselines
		for _, t := range d.Targets {
			if t.Year == year {
				tt := t
				x.Target = &tt
			}
		}
	}
	return x, nil
}

const entryColumns = `m.id, m.version, m.status, m.value::float8, m.inputs, m.not_applicable, m.reason, m.note, m.author,
	m.updated_at, m.submitted_by, m.reviewed_by, m.review_comment, m.demo, m.deviation_what, m.deviation_why, m.deviation_action`

func scanEntry(row pgx.Row) (model.Entry, error) {
	var e model.Entry
	err := row.Scan(&e.ID, &e.Version, &e.Status, &e.Value, &e.Inputs, &e.NotApplicable, &e.Reason, &e.Note, &e.Author,
		&e.UpdatedAt, &e.SubmittedBy, &e.ReviewedBy, &e.ReviewComment, &e.Demo, &e.Deviation.What, &e.Deviation.Why, &e.Deviation.Action)
	return e, err
}

// Entry returns the measurement of an indicator in a period with its
// attachments; a zero Entry (Version 0) when there is none.
func (s *Store) Entry(ctx context.Context, indicatorID, periodID int64) (model.Entry, error) {
	e, err := scanEntry(s.pool.QueryRow(ctx, `SELECT `+entryColumns+` FROM measurements m
		WHERE m.indicator_id = $1 AND m.period_id = $2`, indicatorID, periodID))
	if errors.Is(err, pgx.ErrNoRows) {
		return model.Entry{}, nil
	}
	if err != nil {
		return e, fmt.Errorf("entry: %w", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT id, filename, content_type, size, uploaded_by, uploaded_at
		FROM measurement_attachments WHERE measurement_id = $1 ORDER BY id`, e.ID)
	if err != nil {
		return e, fmt.Errorf("attachments: %w", err)
	}
	e.Attachments, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Attachment, error) {
		var a model.Attachment
		return a, r.Scan(&a.ID, &a.Filename, &a.ContentType, &a.Size, &a.UploadedBy, &a.UploadedAt)
	})
	if err != nil {
		return e, fmt.Errorf("attachments: %w", err)
	}
	return e, nil
}

// EntryInput is a save of one indicator's measurement.
type EntryInput struct {
	Indicator     model.EntryIndicator
	Period        model.Period
	Value         *float64
	Inputs        map[string]float64
	NotApplicable bool
	Reason        string
	// Note is nil when the saving path does not carry the note (the grid, a
	// CSV without a note column): the stored note is kept. A pointer to ""
	// clears it (the full entry form with the field emptied).
	Note *string
	// Deviation is nil when the saving path does not carry the motivazione:
	// the stored one is kept.
	Deviation   *model.Deviation
	Version     int  // the version the user edited; 0 for a new entry
	Submit      bool // send for approval after saving
	Attachments []NewAttachment
	// Limits on the measurement's files in all, checked under the row lock
	// (0 = none).
	MaxAttachments     int
	MaxAttachmentBytes int64
}

// AttachmentLimitError is returned by SaveEntry when the new files would take
// the measurement past its limits; nothing is saved. Either Max (files) or
// MaxBytes (total size) is the limit that was reached.
type AttachmentLimitError struct {
	Max, Count            int   // files allowed and already attached
	MaxBytes, Size, Added int64 // bytes allowed, already attached, and in the new files
}

func (e *AttachmentLimitError) Error() string {
	if e.Max > 0 {
		return fmt.Sprintf("attachments: at most %d per measurement, %d already", e.Max, e.Count)
	}
	return fmt.Sprintf("attachments: at most %d bytes per measurement, %d already and %d new", e.MaxBytes, e.Size, e.Added)
}

// SaveEntries saves several entries in one transaction: all of them, or
// none when one fails (errs says which, by position).
func (s *Store) SaveEntries(ctx context.Context, h model.PlanHeader, ins []EntryInput, actor auth.User) (out []model.Entry, errs map[int]error, err error) {
	errs = map[int]error{}
	out = make([]model.Entry, len(ins))
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		for i, in := range ins {
			e, err := saveEntry(ctx, tx, h, in, actor)
			var conflict *ConflictError
			var locked *LockedError
			switch {
			case errors.As(err, &conflict), errors.As(err, &locked), errors.Is(err, ErrPeriodClosed), errors.Is(err, ErrDerived):
				errs[i] = err
			case err != nil:
				return err
			}
			out[i] = e
		}
		if len(errs) > 0 {
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		return nil, errs, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return out, nil, nil
}

// errRollback ends a transaction whose rows have user errors.
var errRollback = errors.New("rollback")

// SaveEntry saves one entry; user-facing failures come back as
// *ConflictError, *LockedError, ErrPeriodClosed or ErrDerived.
func (s *Store) SaveEntry(ctx context.Context, h model.PlanHeader, in EntryInput, actor auth.User) (model.Entry, error) {
	out, errs, err := s.SaveEntries(ctx, h, []EntryInput{in}, actor)
	if err != nil {
		return model.Entry{}, err
	}
	if e, ok := errs[0]; ok {
		return model.Entry{}, e
	}
	return out[0], nil
}

// openPeriod checks inside tx that the period is open. FOR SHARE makes a
// concurrent close wait for this save, and this save wait for a close.
func openPeriod(ctx context.Context, tx pgx.Tx, h model.PlanHeader, periodID int64) error {
	var closed bool
	err := tx.QueryRow(ctx, `SELECT closed_at IS NOT NULL FROM periods WHERE id = $1 AND plan_id = $2 FOR SHARE`, periodID, h.ID).Scan(&closed)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("period: %w", err)
	}
	if closed {
		return ErrPeriodClosed
	}
	return nil
}

func lockEntry(ctx context.Context, tx pgx.Tx, indicatorID, periodID int64) (model.Entry, bool, error) {
	e, err := scanEntry(tx.QueryRow(ctx, `SELECT `+entryColumns+` FROM measurements m
		WHERE m.indicator_id = $1 AND m.period_id = $2 FOR UPDATE`, indicatorID, periodID))
	if errors.Is(err, pgx.ErrNoRows) {
		return model.Entry{}, false, nil
	}
	if err != nil {
		return e, false, fmt.Errorf("lock entry: %w", err)
	}
	return e, true, nil
}

func saveEntry(ctx context.Context, tx pgx.Tx, h model.PlanHeader, in EntryInput, actor auth.User) (model.Entry, error) {
	ind := in.Indicator
	if ind.Formula == plan.FormulaDerived {
		return model.Entry{}, ErrDerived
	}
	if err := openPeriod(ctx, tx, h, in.Period.ID); err != nil {
		return model.Entry{}, err
	}
	old, exists, err := lockEntry(ctx, tx, ind.ID, in.Period.ID)
	if err != nil {
		return model.Entry{}, err
	}
	if old.Version != in.Version {
		return model.Entry{}, &ConflictError{Current: old}
	}
	if exists && old.Status != workflow.Draft && old.Status != workflow.Returned {
		return model.Entry{}, &LockedError{Status: old.Status}
	}
	status := workflow.Draft
	now := time.Now()
	var submittedAt *time.Time
	submittedBy := ""
	if in.Submit {
		status, submittedAt, submittedBy = workflow.Submitted, &now, actor.Username
	}
	inputs := in.Inputs
	if inputs == nil {
		inputs = map[string]float64{}
	}
	note := old.Note // "" for a new entry
	if in.Note != nil {
		note = *in.Note
	}
	dev := old.Deviation // empty for a new entry
	if in.Deviation != nil {
		dev = *in.Deviation
	}
	var id int64
	if exists {
		err = tx.QueryRow(ctx, `UPDATE measurements SET value = $2, inputs = $3, not_applicable = $4, reason = $5, note = $6,
				status = $7, author = $8, version = version + 1, updated_at = $9, submitted_by = $10, submitted_at = $11,
				demo = false, deviation_what = $12, deviation_why = $13, deviation_action = $14
			WHERE id = $1 RETURNING id`, old.ID, in.Value, inputs, in.NotApplicable, in.Reason, note, status,
			actor.Username, now, submittedBy, submittedAt, dev.What, dev.Why, dev.Action).Scan(&id)
	} else {
		// ON CONFLICT: someone created it since we looked; that is a conflict for this user.
		err = tx.QueryRow(ctx, `INSERT INTO measurements (plan_id, indicator_id, period_id, value, inputs, not_applicable, reason,
				note, status, author, updated_at, submitted_by, submitted_at, deviation_what, deviation_why, deviation_action)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
			ON CONFLICT (indicator_id, period_id) DO NOTHING RETURNING id`, h.ID, ind.ID, in.Period.ID, in.Value, inputs,
			in.NotApplicable, in.Reason, note, status, actor.Username, now, submittedBy, submittedAt,
			dev.What, dev.Why, dev.Action).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			cur, _, lerr := lockEntry(ctx, tx, ind.ID, in.Period.ID)
			if lerr != nil {
				return model.Entry{}, lerr
			}
			return model.Entry{}, &ConflictError{Current: cur}
		}
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23514" {
		return model.Entry{}, fmt.Errorf("measurement rejected by the database (%s): %w", pgErr.ConstraintName, err)
	}
	if err != nil {
		return model.Entry{}, fmt.Errorf("save measurement %s: %w", ind.Key, err)
	}
	if err := checkAttachmentLimits(ctx, tx, id, in); err != nil {
		return model.Entry{}, err
	}
	var names []string
	for _, a := range in.Attachments {
		sum := sha256.Sum256(a.Data)
		if _, err := tx.Exec(ctx, `INSERT INTO measurement_attachments (measurement_id, filename, content_type, size, sha256, data, uploaded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, a.Filename, a.ContentType, len(a.Data), hex.EncodeToString(sum[:]), a.Data,
			actor.Username); err != nil {
			return model.Entry{}, fmt.Errorf("attachment %s: %w", a.Filename, err)
		}
		names = append(names, a.Filename)
	}
	action := "measurement.save"
	if in.Submit {
		action = "measurement.submit"
	}
	detail := map[string]any{"indicator": ind.Key, "period": in.Period.Label(), "version": old.Version + 1,
		"new": entryState(in.Value, inputs, in.NotApplicable, in.Reason, status), "attachments": names}
	if exists {
		detail["old"] = entryState(old.Value, old.Inputs, old.NotApplicable, old.Reason, old.Status)
	}
	if dev != old.Deviation { // the motivazione is versioned with the value: the trail keeps both texts
		detail["deviation"] = map[string]any{"what": dev.What, "why": dev.Why, "action": dev.Action}
		if exists {
			detail["old_deviation"] = map[string]any{"what": old.Deviation.What, "why": old.Deviation.Why, "action": old.Deviation.Action}
		}
	}
	if err := appendAudit(ctx, tx, AuditEvent{Actor: actor.Username, Action: action, EnteID: &h.EnteID, ObjectType: "measurement",
		ObjectKey: entryKey(ind.Key, in.Period), Reason: note, Detail: detail}); err != nil {
		return model.Entry{}, err
	}
	return scanEntry(tx.QueryRow(ctx, `SELECT `+entryColumns+` FROM measurements m WHERE m.id = $1`, id))
}

// checkAttachmentLimits counts the measurement's stored files with the new
// ones. The measurement row is locked (lockEntry, or just inserted), so two
// saves cannot both pass the check.
func checkAttachmentLimits(ctx context.Context, tx pgx.Tx, id int64, in EntryInput) error {
	if len(in.Attachments) == 0 || (in.MaxAttachments <= 0 && in.MaxAttachmentBytes <= 0) {
		return nil
	}
	var count int
	var size int64
	if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(sum(size), 0) FROM measurement_attachments WHERE measurement_id = $1`,
		id).Scan(&count, &size); err != nil {
		return fmt.Errorf("count attachments: %w", err)
	}
	var add int64
	for _, a := range in.Attachments {
		add += int64(len(a.Data))
	}
	switch {
	case in.MaxAttachments > 0 && count+len(in.Attachments) > in.MaxAttachments:
		return &AttachmentLimitError{Max: in.MaxAttachments, Count: count}
	case in.MaxAttachmentBytes > 0 && size+add > in.MaxAttachmentBytes:
		return &AttachmentLimitError{MaxBytes: in.MaxAttachmentBytes, Size: size, Added: add}
	}
	return nil
}

func entryState(v *float64, inputs map[string]float64, na bool, reason string, status workflow.Status) map[string]any {
	return map[string]any{"value": v, "inputs": inputs, "not_applicable": na, "reason": reason, "status": status}
}

// entryKey names a measurement in the audit trail: indicator key and period end.
func entryKey(key string, p model.Period) string { return key + " " + p.EndsOn.Format("02/01/2006") }

// Transition moves an entry through the workflow (package workflow). version
// is the one the user saw; returning and reopening need a reason
// (workflow.ErrReasonRequired).
func (s *Store) Transition(ctx context.Context, h model.PlanHeader, ind model.EntryIndicator, p model.Period, version int, action workflow.Action, reason string, actor auth.User) (model.Entry, error) {
	if _, ok := workflow.ParseAction(string(action)); !ok {
		return model.Entry{}, fmt.Errorf("%w %q", workflow.ErrUnknownAction, action)
	}
	if err := workflow.CheckReason(action, reason); err != nil {
		return model.Entry{}, err
	}
	var out model.Entry
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = s.transitionTx(ctx, tx, h, ind, p, version, action, reason, actor)
		return err
	})
	return out, err
}

// transitionTx is one entry's workflow step inside tx, with its audit event:
// Transition runs it alone, TransitionMany for each entry in one transaction.
// Everything a workflow step causes belongs here, so both paths do it.
func (s *Store) transitionTx(ctx context.Context, tx pgx.Tx, h model.PlanHeader, ind model.EntryIndicator, p model.Period, version int, action workflow.Action, reason string, actor auth.User) (model.Entry, error) {
	if err := openPeriod(ctx, tx, h, p.ID); err != nil {
		return model.Entry{}, err
	}
	cur, exists, err := lockEntry(ctx, tx, ind.ID, p.ID)
	if err != nil {
		return model.Entry{}, err
	}
	if !exists || cur.Version != version {
		return model.Entry{}, &ConflictError{Current: cur}
	}
	next, err := workflow.Next(cur.Status, action)
	var notAllowed *workflow.NotAllowedError
	switch {
	case errors.As(err, &notAllowed):
		return model.Entry{}, &LockedError{Status: cur.Status}
	case err != nil:
		return model.Entry{}, err
	}
	if action == workflow.Approve && ind.DeviationRequired && !cur.Deviation.Complete() {
		return model.Entry{}, ErrDeviationRequired
	}
	switch action {
	case workflow.Submit:
		_, err = tx.Exec(ctx, `UPDATE measurements SET status = $2, version = version + 1, submitted_by = $3, submitted_at = now(),
			updated_at = now() WHERE id = $1`, cur.ID, next, actor.Username)
	default:
		_, err = tx.Exec(ctx, `UPDATE measurements SET status = $2, version = version + 1, reviewed_by = $3, reviewed_at = now(),
			review_comment = $4, updated_at = now() WHERE id = $1`, cur.ID, next, actor.Username, reason)
	}
	if err != nil {
		return model.Entry{}, fmt.Errorf("%s measurement: %w", action, err)
	}
	if err := appendAudit(ctx, tx, AuditEvent{Actor: actor.Username, Action: "measurement." + string(action), EnteID: &h.EnteID,
		ObjectType: "measurement", ObjectKey: entryKey(ind.Key, p), Reason: reason,
		Detail: map[string]any{"indicator": ind.Key, "period": p.Label(), "from": cur.Status, "to": next, "version": cur.Version + 1}}); err != nil {
		return model.Entry{}, err
	}
	// the e-mail to the indicator's dirigenti and referenti commits with the change
	if action == workflow.Approve || action == workflow.Return {
		if err := s.enqueueEntryReviewed(ctx, tx, h, ind, p, cur.ID, cur.Version+1, action == workflow.Approve, reason, actor); err != nil {
			return model.Entry{}, err
		}
	}
	return scanEntry(tx.QueryRow(ctx, `SELECT `+entryColumns+` FROM measurements m WHERE m.id = $1`, cur.ID))
}

// BulkEntry is one entry of a bulk workflow step: the indicator and the
// entry's version the user saw.
type BulkEntry struct {
	Indicator model.EntryIndicator
	Version   int
}

// StaleEntriesError is returned by TransitionMany when some entries changed
// since the page was built (another version, or no longer in the state the
// action starts from): nothing was changed. Keys are the indicator keys.
type StaleEntriesError struct {
	Keys []string
}

func (e *StaleEntriesError) Error() string {
	return "entries changed meanwhile: " + strings.Join(e.Keys, ", ")
}

// UnexplainedDeviationsError is returned by TransitionMany when some entries
// cannot be approved without the motivazione of their scostamento
// (ErrDeviationRequired): nothing was changed. Keys are the indicator keys.
type UnexplainedDeviationsError struct {
	Keys []string
}

func (e *UnexplainedDeviationsError) Error() string {
	return "deviations not explained: " + strings.Join(e.Keys, ", ")
}

func (e *UnexplainedDeviationsError) Unwrap() error { return ErrDeviationRequired }

// TransitionMany applies one workflow action, with one reason, to several
// entries of a period, all or nothing, in one transaction: each entry goes
// through the same step as Transition (version check, state check, audit
// event). When any entry is stale, nothing is changed and StaleEntriesError
// names every stale one.
func (s *Store) TransitionMany(ctx context.Context, h model.PlanHeader, p model.Period, entries []BulkEntry, action workflow.Action, reason string, actor auth.User) ([]model.Entry, error) {
	if _, ok := workflow.ParseAction(string(action)); !ok {
		return nil, fmt.Errorf("%w %q", workflow.ErrUnknownAction, action)
	}
	if err := workflow.CheckReason(action, reason); err != nil {
		return nil, err
	}
	// rows are locked in indicator order, so two bulk steps cannot deadlock
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b BulkEntry) int { return cmp.Compare(a.Indicator.ID, b.Indicator.ID) })
	var out []model.Entry
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		stale := &StaleEntriesError{}
		unexplained := &UnexplainedDeviationsError{}
		for _, e := range sorted {
			got, err := s.transitionTx(ctx, tx, h, e.Indicator, p, e.Version, action, reason, actor)
			var conflict *ConflictError
			var locked *LockedError
			switch {
			case errors.As(err, &conflict) || errors.As(err, &locked):
				stale.Keys = append(stale.Keys, e.Indicator.Key)
			case errors.Is(err, ErrDeviationRequired):
				unexplained.Keys = append(unexplained.Keys, e.Indicator.Key)
			case err != nil:
				return err
			default:
				out = append(out, got)
			}
		}
		if len(stale.Keys) > 0 {
			out = nil
			return stale
		}
		if len(unexplained.Keys) > 0 {
			out = nil
			return unexplained
		}
		return nil
	})
	return out, err
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// ErrReopenReason is returned when a period is reopened without a reason of
// at least workflow.MinReason characters.
var ErrReopenReason = errors.New("reopening a period needs a reason")

// SetPeriodClosed closes or reopens a period (reopening needs a reason, kept
// on the period; closing needs the period to have ended: ErrPeriodNotEnded). p is
// the period as the caller saw it: if it is already in the state asked for,
// nothing happens (the request is idempotent and undoes nothing); otherwise
// it must still be at p.Version, or ErrPeriodChanged: a stale "Chiudi" must
// not undo a reopening made after the page was built.
func (s *Store) SetPeriodClosed(ctx context.Context, h model.PlanHeader, p model.Period, closed bool, reason string, actor auth.User) error {
	if !closed && len([]rune(reason)) < workflow.MinReason {
		return ErrReopenReason
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var isClosed, ended bool
		var version int
		// FOR UPDATE waits for saves in progress (they hold FOR SHARE).
		if err := tx.QueryRow(ctx, `SELECT closed_at IS NOT NULL, ends_on < current_date, version FROM periods WHERE id = $1 AND plan_id = $2 FOR UPDATE`,
			p.ID, h.ID).Scan(&isClosed, &ended, &version); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return ErrNotFound
			}
			return fmt.Errorf("period: %w", err)
		}
		if isClosed == closed {
			return nil
		}
		if closed && !ended {
			return ErrPeriodNotEnded
		}
		if version != p.Version {
			return ErrPeriodChanged
		}
		label := h.EnteSlug + "/" + h.Slug + " " + p.Label()
		if closed {
			if err := closePeriod(ctx, tx, h.EnteID, p.ID, label, actor.Username, reason); err != nil {
				return err
			}
			// a year's final period closed: the OIV is told, in this transaction
			return s.enqueueRelazioneReady(ctx, tx, h, p.ID, actor)
		}
		if _, err := tx.Exec(ctx, `UPDATE periods SET closed_at = NULL, closed_by = '', version = version + 1,
			reopened_at = now(), reopened_by = $2, reopen_reason = $3 WHERE id = $1`, p.ID, actor.Username, reason); err != nil {
			return fmt.Errorf("reopen period: %w", err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor.Username, Action: "period.reopen", EnteID: &h.EnteID, ObjectType: "period",
			ObjectKey: label, Reason: reason})
	})
}

// EntryHistory returns every audit event of an indicator's measurements, newest first.
func (s *Store) EntryHistory(ctx context.Context, h model.PlanHeader, key string) ([]model.HistoryEvent, error) {
	hist, err := s.Histories(ctx, h, []string{key})
	return hist[key], err
}

// Histories returns, for each indicator key, every audit event of its
// measurements, newest first: one query for a whole objective.
func (s *Store) Histories(ctx context.Context, h model.PlanHeader, keys []string) (map[string][]model.HistoryEvent, error) {
	rows, err := s.pool.Query(ctx, `SELECT detail->>'indicator', at, actor, action, reason, detail FROM audit_events
		WHERE object_type = 'measurement' AND ente_id = $1 AND detail->>'indicator' = ANY($2)
		  AND starts_with(object_key, (detail->>'indicator') || ' ') ORDER BY id DESC`, h.EnteID, keys)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	out := map[string][]model.HistoryEvent{}
	var key string
	var e model.HistoryEvent
	_, err = pgx.ForEachRow(rows, []any{&key, &e.At, &e.Actor, &e.Action, &e.Reason, &e.Detail}, func() error {
		out[key] = append(out[key], e)
		e = model.HistoryEvent{} // Detail is a map: the next row must not share it
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return out, nil
}

// AttachmentFile is an attachment with what authorization needs; its
// content is streamed by CopyAttachment.
type AttachmentFile struct {
	model.Attachment
	EnteID int64
}

// AttachmentFile returns an attachment by id, or ErrNotFound.
func (s *Store) AttachmentFile(ctx context.Context, id int64) (AttachmentFile, error) {
	var a AttachmentFile
	err := s.pool.QueryRow(ctx, `SELECT a.id, a.filename, a.content_type, a.size, a.uploaded_by, a.uploaded_at, p.ente_id
		FROM measurement_attachments a JOIN measurements m ON m.id = a.measurement_id JOIN plans p ON p.id = m.plan_id
		WHERE a.id = $1`, id).Scan(&a.ID, &a.Filename, &a.ContentType, &a.Size, &a.UploadedBy, &a.UploadedAt, &a.EnteID)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("attachment %d: %w", id, err)
	}
	return a, nil
}

// Deviations returns the motivazioni of the scostamenti written for a period,
// by indicator key; approvedOnly keeps those of approved measurements (what
// the published Relazione may quote).
func (s *Store) Deviations(ctx context.Context, h model.PlanHeader, periodID int64, approvedOnly bool) (map[string]model.Deviation, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.key, m.deviation_what, m.deviation_why, m.deviation_action
		FROM measurements m JOIN indicators i ON i.id = m.indicator_id
		WHERE m.plan_id = $1 AND m.period_id = $2 AND (NOT $3 OR m.status = 'approved')
			AND (m.deviation_what <> '' OR m.deviation_why <> '' OR m.deviation_action <> '')`, h.ID, periodID, approvedOnly)
	if err != nil {
		return nil, fmt.Errorf("deviations: %w", err)
	}
	out := map[string]model.Deviation{}
	var key string
	var d model.Deviation
	if _, err := pgx.ForEachRow(rows, []any{&key, &d.What, &d.Why, &d.Action}, func() error {
		out[key] = d
		return nil
	}); err != nil {
		return nil, fmt.Errorf("deviations: %w", err)
	}
	return out, nil
}
