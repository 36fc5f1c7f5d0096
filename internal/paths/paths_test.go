package paths

import "testing"

func TestPaths(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Plan("cciaa gs", "piao/2023"), "/enti/cciaa%20gs/piani/piao%2F2023"},
		{Entry("e", "p", "O.3.3.1/1"), "/enti/e/piani/p/misurazioni/O.3.3.1/1"},
		{Entry("e", "p", "A/B/2"), "/enti/e/piani/p/misurazioni/A%2FB/2"},
		{Late("e", "p") + PeriodQuery(2024, "mid"), "/enti/e/piani/p/ritardi?periodo=2024-mid"},
		{Relazione("e", "p", 2023), "/enti/e/piani/p/relazione/2023"},
		{OIV("e", "p"), "/enti/e/piani/p/oiv"},
		{Account(), "/area-riservata"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
