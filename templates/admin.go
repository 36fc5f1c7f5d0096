package templates

import (
	"github.com/piao-performance/piao/internal/model"
)

// UserForm is the new-account form, as typed.
type UserForm struct {
	Username, Name, Email, Role, Position string
	Errors                                map[string]string
}

// PlanForm is the new-plan form, as typed.
type PlanForm struct {
	Slug, Title, Start, End string
	Errors                  map[string]string
}

// AdminEnteData is an ente's administration page.
type AdminEnteData struct {
	Ente                 model.EnteInfo
	Users                []model.UserRow
	User                 UserForm
	Plan                 PlanForm
	Message              string
	NewUser, NewPassword string
}

// AdminEntiData is the list of administrations with the new-ente form.
type AdminEntiData struct {
	Enti              []model.EnteSummary
	Slug, Name, Short string
	Errors            map[string]string
}
