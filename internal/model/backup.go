package model

// TableDigest describes one table's rows for a backup's manifest: how many
// there are and a SHA-256 over their text in primary-key order (binary
// columns enter as their own SHA-256), so a restore can prove it holds the
// same rows without keeping them in memory.
type TableDigest struct {
	Table  string `json:"table"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// BlobCheck counts stored files whose bytes no longer match the SHA-256
// recorded beside them.
type BlobCheck struct {
	Attachments, AttachmentBytes int64 // measurement attachments and their total size
	Documents                    int64 // validation documents stored
	BadAttachments, BadDocuments int64 // files whose bytes do not match their recorded SHA-256
}

// FileDigest is the size and SHA-256 of a file a backup does not carry but
// can rebuild, such as a plan's open data.
type FileDigest struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}
