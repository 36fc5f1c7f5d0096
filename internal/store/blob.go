package store

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// blobChunk is how much of a stored file one query returns: a download holds
// at most this much of the file in memory, whatever its size.
const blobChunk = 256 << 10

// copyChunks writes size bytes of a bytea column to w, blobChunk at a time.
// query selects substring(column FROM $n FOR $n+1) for the row that args
// name, the last two parameters being the 1-based offset and the length.
// Uncompressed (EXTERNAL) storage lets PostgreSQL read only the slice asked
// for (migration 000018).
func (s *Store) copyChunks(ctx context.Context, w io.Writer, size int64, query string, args ...any) error {
	var buf []byte
	for off := int64(0); off < size; off += blobChunk {
		n := min(blobChunk, size-off)
		buf = buf[:0]
		err := s.pool.QueryRow(ctx, query, append(args, off+1, n)...).Scan(&buf)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound // removed while being read
		}
		if err != nil {
			return fmt.Errorf("read stored file: %w", err)
		}
		if int64(len(buf)) != n {
			return fmt.Errorf("read stored file: %d bytes at %d, want %d", len(buf), off, n)
		}
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("write stored file: %w", err)
		}
	}
	return nil
}

// CopyAttachment writes an attachment's content to w in slices.
func (s *Store) CopyAttachment(ctx context.Context, w io.Writer, a model.Attachment) error {
	return s.copyChunks(ctx, w, int64(a.Size), `SELECT substring(data FROM $2 FOR $3) FROM measurement_attachments WHERE id = $1`, a.ID)
}

// CopyValidationDocument writes the document of an OIV decision to w in
// slices; v comes from ValidationDocument or ValidationDecision.
func (s *Store) CopyValidationDocument(ctx context.Context, w io.Writer, planID int64, v model.Validation) error {
	return s.copyChunks(ctx, w, v.DocumentSize, `SELECT substring(document FROM $3 FOR $4) FROM relazione_validations
		WHERE plan_id = $1 AND id = $2`, planID, v.ID)
}
