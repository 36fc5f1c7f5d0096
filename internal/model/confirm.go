package model

import "github.com/piao-performance/piao/internal/auth"

// UserImpact is what disabling an account changes.
type UserImpact struct {
	UserID      int64
	Username    string
	DisplayName string
	Role        auth.Role
	Active      bool
	Version     int
	Epoch       int // sessions carrying it are the account's live ones
	// Position is the manager position of a dirigente or referente ("" otherwise).
	Position string
	// Objectives and Indicators the position is responsible for, in the
	// ente's plans (derived indicators excluded: nobody enters them).
	Objectives, Indicators int
	// OthersOnPosition: other active accounts linked to the same position,
	// who can carry on its entries.
	OthersOnPosition int
	// Drafts: the account's entries in draft or returned, in open periods;
	// Submitted: entries it submitted that still wait for approval.
	Drafts, Submitted int
	// AwaitingApproval: for a Segretario Generale, entries of the ente
	// submitted and waiting for approval in open periods.
	AwaitingApproval int
	// OthersWithRole: other active accounts of the ente with the same access role.
	OthersWithRole int
}

// LastOfRole reports whether the account is the ente's last active one with its access role.
func (u UserImpact) LastOfRole() bool { return u.Active && u.OthersWithRole == 0 }
