package server

import (
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodecRoundTrips(t *testing.T) {
	deadline := time.Date(2026, 12, 4, 23, 59, 58, 123456789, time.UTC)
	values := map[string]any{sessUserID: int64(42), sessEpoch: 3, sessSeen: int64(1796428800),
		"negativo": -7, "testo": "àè – ok", "vero": true, "falso": false, "vuoto": ""}
	c := sessionCodec{}
	b, err := c.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != compactSession {
		t.Fatalf("integers and strings were not written compact: first byte %d", b[0])
	}
	gotDeadline, got, err := c.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !gotDeadline.Equal(deadline) || !reflect.DeepEqual(got, values) {
		t.Fatalf("round trip: %v %#v, want %v %#v", gotDeadline, got, deadline, values)
	}
	gob, _ := scs.GobCodec{}.Encode(deadline, values)
	if len(b) >= len(gob) {
		t.Errorf("compact %d bytes, gob %d", len(b), len(gob))
	}
}

// A value of another type is written with gob, and sessions written with gob
// before this codec are still read: nobody is signed out by an upgrade.
func TestSessionCodecReadsAndWritesGob(t *testing.T) {
	deadline := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	c := sessionCodec{}
	other := map[string]any{sessUserID: int64(5), "elenco": []string{"a", "b"}}
	b, err := c.Encode(deadline, other)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] == compactSession {
		t.Fatal("a []string was written in the compact format")
	}
	old, err := scs.GobCodec{}.Encode(deadline, map[string]any{sessUserID: int64(5), sessEpoch: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		data []byte
		want map[string]any
	}{{b, other}, {old, map[string]any{sessUserID: int64(5), sessEpoch: 1}}} {
		d, got, err := c.Decode(tc.data)
		if err != nil || !d.Equal(deadline) || !reflect.DeepEqual(got, tc.want) {
			t.Fatalf("gob data: %v %#v %v, want %#v", d, got, err, tc.want)
		}
	}
}

// Malformed data is an error, never a panic or a partial session.
func TestSessionCodecRefusesMalformedData(t *testing.T) {
	c := sessionCodec{}
	good, err := c.Encode(time.Now(), map[string]any{sessUserID: int64(9), "testo": "abc", "vero": true})
	if err != nil {
		t.Fatal(err)
	}
	bad := [][]byte{
		{compactSession},
		{compactSession, 2},                    // unknown version
		{compactSession, compactVersion, 0x80}, // truncated varint
		{compactSession, compactVersion, 0, 0xff, 0xff, 0xff, 0x0f}, // count beyond the data
		{compactSession, compactVersion, 0, 1, 1, 'k', 'x', 0},      // unknown tag
		append(append([]byte{}, good...), 0),                        // trailing byte
	}
	for i := 1; i < len(good); i++ {
		bad = append(bad, good[:i])
	}
	for _, b := range bad {
		if _, v, err := c.Decode(b); err == nil {
			t.Errorf("% x decoded to %#v", b, v)
		}
	}
}
