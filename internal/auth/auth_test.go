package auth

import (
	"testing"
)

func TestPolicy(t *testing.T) {
	const a, b = 1, 2 // enti
	const dirEF, dirPRM = 10, 11
	users := map[string]*User{
		"admin-global": {ID: 1, Role: Admin},
		"admin":        {ID: 2, EnteID: a, Role: Admin},
		"sg":           {ID: 3, EnteID: a, Role: Segretario},
		"dir.ef":       {ID: 4, EnteID: a, Role: Dirigente, PositionID: dirEF},
		"ref.prm":      {ID: 5, EnteID: a, Role: Referente, PositionID: dirPRM},
		"dir.prm":      {ID: 8, EnteID: a, Role: Dirigente, PositionID: dirPRM},
		"oiv":          {ID: 6, EnteID: a, Role: OIV},
		"lettore":      {ID: 7, EnteID: a, Role: Lettore},
		"sg-b":         {ID: 9, EnteID: b, Role: Segretario},
	}
	prm := Resource{EnteID: a, Owners: []int64{dirPRM}}
	cases := []struct {
		user   string
		action Action
		res    Resource
		want   Decision
	}{
		{"", Public, Resource{}, Allow},
		{"", ViewPrivate, Resource{EnteID: a}, NeedSignIn},
		{"lettore", ViewPrivate, Resource{EnteID: a}, Allow},
		{"sg-b", ViewPrivate, Resource{EnteID: a}, Hidden},
		{"admin-global", ViewPrivate, Resource{EnteID: a}, Allow},
		{"ref.prm", EnterValue, prm, Allow},
		{"ref.prm", SubmitValue, prm, Forbidden},
		{"dir.prm", SubmitValue, prm, Allow},
		{"dir.ef", EnterValue, prm, Forbidden},
		{"oiv", EnterValue, prm, Forbidden},
		{"lettore", EnterValue, prm, Forbidden},
		{"sg", Approve, Resource{EnteID: a}, Allow},
		{"dir.prm", Approve, Resource{EnteID: a}, Forbidden},
		{"oiv", Observe, Resource{EnteID: a}, Allow},
		{"oiv", EditPlan, Resource{EnteID: a}, Forbidden},
		{"admin", EditPlan, Resource{EnteID: a}, Allow},
		{"admin", EditPlan, Resource{EnteID: b}, Hidden},
		{"dir.ef", ViewEvaluation, Resource{EnteID: a, Evaluated: dirEF}, Allow},
		{"dir.ef", ViewEvaluation, Resource{EnteID: a, Evaluated: dirPRM}, Forbidden},
		{"lettore", ViewEvaluation, Resource{EnteID: a, Evaluated: dirPRM}, Forbidden},
		{"oiv", ViewEvaluation, Resource{EnteID: a, Evaluated: dirPRM}, Allow},
	}
	for _, c := range cases {
		if got := Decide(users[c.user], c.action, c.res); got != c.want {
			t.Errorf("%s %s %+v: got %d, want %d", c.user, c.action, c.res, got, c.want)
		}
	}
}
