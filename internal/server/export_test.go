package server

// SetPasswordCheck replaces the password check, so tests can count and hold
// the hashes a sign-in runs.
func SetPasswordCheck(s *Server, f func(pw, hash string) bool) { s.checkPassword = f }
