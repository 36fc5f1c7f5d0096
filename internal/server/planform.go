package server

import (
	"strconv"
	"strings"
)

// planIdentity reads the slug, title and years of a plan to create (a new
// empty plan, or the next cycle), with a message by field: the first year
// must lie in [minStart, maxStart] (startMsg otherwise) and a plan lasts at
// most ten years.
func planIdentity(errs map[string]string, slug, title, start, end string, minStart, maxStart int, startMsg string) (string, string, int, int) {
	slug = strings.TrimSpace(slug)
	title = limited(errs, "titolo", title, 200, true)
	if !slugRe.MatchString(slug) || len(slug) > 60 {
		errs["slug"] = "Solo lettere minuscole, cifre e trattini (es. piao-2025-2027)."
	}
	first, err1 := strconv.Atoi(strings.TrimSpace(start))
	last, err2 := strconv.Atoi(strings.TrimSpace(end))
	switch {
	case err1 != nil || first < minStart || first > maxStart:
		errs["inizio"] = startMsg
	case err2 != nil || last < first || last > first+9:
		errs["fine"] = "L'ultimo anno non precede il primo e il piano dura al massimo dieci anni."
	}
	return slug, title, first, last
}
