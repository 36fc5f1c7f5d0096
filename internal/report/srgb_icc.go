package report

import (
	"encoding/binary"
	"math"
)

// srgbProfile returns an ICC version 2 display profile of sRGB (IEC
// 61966-2-1), the output intent of the PDF/A files: the sRGB primaries
// adapted to the D50 connection space (Bradford), as in the profiles the
// ICC distributes, and the sRGB tone curve as a 1024-point table. It is
// built here rather than vendored: no profile file is installable on the
// project's machines, and the numbers are the standard's.
func srgbProfile() []byte {
	type tag struct {
		sig  string
		data []byte
	}
	xyz := func(x, y, z float64) []byte {
		b := append([]byte("XYZ "), 0, 0, 0, 0)
		for _, v := range []float64{x, y, z} {
			b = binary.BigEndian.AppendUint32(b, uint32(int32(math.Round(v*65536))))
		}
		return b
	}
	curve := append([]byte("curv"), 0, 0, 0, 0)
	const points = 1024
	curve = binary.BigEndian.AppendUint32(curve, points)
	for i := range points {
		v := float64(i) / (points - 1)
		if v <= 0.04045 {
			v /= 12.92
		} else {
			v = math.Pow((v+0.055)/1.055, 2.4)
		}
		curve = binary.BigEndian.AppendUint16(curve, uint16(math.Round(v*65535)))
	}
	const name = "sRGB IEC61966-2.1"
	desc := append([]byte("desc"), 0, 0, 0, 0)
	desc = binary.BigEndian.AppendUint32(desc, uint32(len(name)+1))
	desc = append(append(desc, name...), 0)
	desc = append(desc, make([]byte, 4+4+2+1+67)...) // no Unicode nor ScriptCode description
	cprt := append(append([]byte("text"), 0, 0, 0, 0), "No copyright, use freely"...)
	cprt = append(cprt, 0)
	tags := []tag{
		{"desc", desc},
		{"cprt", cprt},
		{"wtpt", xyz(0.9642, 1, 0.8249)},
		{"rXYZ", xyz(0.4360747, 0.2225045, 0.0139322)},
		{"gXYZ", xyz(0.3850649, 0.7168786, 0.0971045)},
		{"bXYZ", xyz(0.1430804, 0.0606169, 0.7141733)},
		{"rTRC", curve}, {"gTRC", curve}, {"bTRC", curve}, // one shared table
	}
	// header (128) + count (4) + 12 bytes a tag; data 4-byte aligned
	off := 128 + 4 + 12*len(tags)
	table := binary.BigEndian.AppendUint32(nil, uint32(len(tags)))
	var data []byte
	at := map[string]int{}
	for _, t := range tags {
		key := string(t.data)
		pos, seen := at[key]
		if !seen {
			for len(data)%4 != 0 {
				data = append(data, 0)
			}
			pos = off + len(data)
			at[key] = pos
			data = append(data, t.data...)
		}
		table = append(table, t.sig...)
		table = binary.BigEndian.AppendUint32(table, uint32(pos))
		table = binary.BigEndian.AppendUint32(table, uint32(len(t.data)))
	}
	for len(data)%4 != 0 {
		data = append(data, 0)
	}
	size := off + len(data)
	h := make([]byte, 0, 128)
	h = binary.BigEndian.AppendUint32(h, uint32(size))
	h = append(h, 0, 0, 0, 0)             // preferred CMM: none
	h = append(h, 2, 0x10, 0, 0)          // version 2.1
	h = append(h, "mntrRGB XYZ "...)      // display class, RGB data, XYZ connection space
	h = append(h, 0x07, 0xd0, 0, 1, 0, 1) // date: 2000-01-01 00:00:00, fixed for the same bytes each time
	h = append(h, 0, 0, 0, 0, 0, 0)
	h = append(h, "acsp"...)
	h = append(h, make([]byte, 4+4+4+4+8+4)...)      // platform, flags, manufacturer, model, attributes, intent (perceptual)
	for _, v := range []float64{0.9642, 1, 0.8249} { // the connection space's illuminant, D50
		h = binary.BigEndian.AppendUint32(h, uint32(int32(math.Round(v*65536))))
	}
	h = append(h, make([]byte, 128-len(h))...) // creator, ID, reserved
	return append(append(h, table...), data...)
}
