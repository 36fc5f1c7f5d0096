package model

import "fmt"

// ChainReport is the outcome of checking one chain of the audit trail.
type ChainReport struct {
	// EnteID is the chain checked (InstallationChain or an ente's id);
	// Ente is that ente's slug ("" for the installation chain).
	EnteID int64
	Ente   string

	Events  int // sealed events checked
	Pending int // events committed but not sealed yet

	// BrokenAt is the seq of the first event whose hash or link does not
	// match (0: the chain is intact), Problem says what is wrong with it.
	BrokenAt int64
	Problem  string

	// Head is the last event checked of an intact chain: publishing it (the
	// Relazione prints it) lets a later check prove that nothing before it
	// was rewritten, even by someone able to recompute the whole chain.
	Head AuditHead
}

// AuditHead names a sealed event by its place in its chain and its hash.
type AuditHead struct {
	Seq  int64
	Hash string // hex
}

// String is the anchor as printed and as `piao audit verify --anchor` takes it: "seq:hash".
func (h AuditHead) String() string { return fmt.Sprintf("%d:%s", h.Seq, h.Hash) }
