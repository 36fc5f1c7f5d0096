package server

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec encodes a session's deadline and values for the sessions
// table. Every signed-in request decodes its session, and scs's gob codec
// compiled a decoder for each one: a tenth of the server's time on a cached
// dashboard. The values the server keeps (account id, epoch, last seen) are
// integers, so they are written as tagged varints. A session holding any
// other type is written with gob, as before, and rows written by gob (before
// this codec, or by that fallback) are read with gob: they never start with
// 0, the first byte of this format (a gob stream starts with a message
// length, and a message is never empty).
type sessionCodec struct{}

const (
	compactSession = 0 // first byte: this format
	compactVersion = 1 // second byte: its version

	tagInt    = 'i'
	tagInt64  = 'I'
	tagString = 's'
	tagBool   = 'b'
)

var errSessionData = errors.New("session data: malformed")

// Encode implements scs.Codec.
func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 64)
	b = append(b, compactSession, compactVersion)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		switch v := v.(type) {
		case int:
			b = binary.AppendVarint(append(b, tagInt), int64(v))
		case int64:
			b = binary.AppendVarint(append(b, tagInt64), v)
		case string:
			b = binary.AppendUvarint(append(b, tagString), uint64(len(v)))
			b = append(b, v...)
		case bool:
			x := byte(0)
			if v {
				x = 1
			}
			b = append(b, tagBool, x)
		default:
			return scs.GobCodec{}.Encode(deadline, values)
		}
	}
	return b, nil
}

// Decode implements scs.Codec.
func (sessionCodec) Decode(data []byte) (time.Time, map[string]any, error) {
	if len(data) == 0 || data[0] != compactSession {
		return scs.GobCodec{}.Decode(data)
	}
	r := sessionReader{b: data[1:]}
	if v := r.byte(); v != compactVersion {
		return time.Time{}, nil, fmt.Errorf("%w: version %d", errSessionData, v)
	}
	deadline := time.Unix(0, r.varint())
	n := r.uvarint()
	if n > uint64(len(r.b)) { // each value takes at least two bytes
		return time.Time{}, nil, errSessionData
	}
	values := make(map[string]any, n)
	for range n {
		k := r.string()
		switch r.byte() {
		case tagInt:
			values[k] = int(r.varint())
		case tagInt64:
			values[k] = r.varint()
		case tagString:
			values[k] = r.string()
		case tagBool:
			values[k] = r.byte() == 1
		default:
			r.bad = true
		}
		if r.bad {
			return time.Time{}, nil, errSessionData
		}
	}
	if r.bad || len(r.b) != 0 {
		return time.Time{}, nil, errSessionData
	}
	return deadline, values, nil
}

// sessionReader reads the compact format; bad records any short or
// malformed read, after which every read returns zero.
type sessionReader struct {
	b   []byte
	bad bool
}

func (r *sessionReader) byte() byte {
	if r.bad || len(r.b) == 0 {
		r.bad = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *sessionReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if r.bad || n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *sessionReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if r.bad || n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *sessionReader) string() string {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
