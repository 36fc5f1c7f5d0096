package server

import "time"

// Limits bound what one request or one measurement may cost; cmd/piao fills
// them from the PIAO_MAX_ATTACHMENT* and PIAO_*_TIMEOUT settings.
type Limits struct {
	AttachmentsPerMeasurement     int           // files a measurement holds in all
	AttachmentBytesPerMeasurement int64         // their total size
	ReadTimeout                   time.Duration // reading the body of an ordinary request
	UploadTimeout                 time.Duration // reading the body of an upload route
}

// DefaultLimits are the limits when none are configured.
func DefaultLimits() Limits {
	return Limits{AttachmentsPerMeasurement: 10, AttachmentBytesPerMeasurement: 50 << 20,
		ReadTimeout: time.Minute, UploadTimeout: 10 * time.Minute}
}

// with returns l with the non-zero fields of o.
func (l Limits) with(o Limits) Limits {
	if o.AttachmentsPerMeasurement > 0 {
		l.AttachmentsPerMeasurement = o.AttachmentsPerMeasurement
	}
	if o.AttachmentBytesPerMeasurement > 0 {
		l.AttachmentBytesPerMeasurement = o.AttachmentBytesPerMeasurement
	}
	if o.ReadTimeout > 0 {
		l.ReadTimeout = o.ReadTimeout
	}
	if o.UploadTimeout > 0 {
		l.UploadTimeout = o.UploadTimeout
	}
	return l
}
