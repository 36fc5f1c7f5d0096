package config

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "data" || c.LogLevel != slog.LevelInfo || c.ShutdownTimeout != 15*time.Second || c.DatabaseURL != "" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestBadValuesAreReportedTogether(t *testing.T) {
	_, err := Load(env(map[string]string{
		"PIAO_ADDR": "nonsense", "PIAO_LOG_LEVEL": "loud", "PIAO_SHUTDOWN_TIMEOUT": "-3s", "DATABASE_URL": "mysql://x",
	}))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"PIAO_ADDR", "PIAO_LOG_LEVEL", "PIAO_SHUTDOWN_TIMEOUT", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

func TestLimits(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{AttachmentsPerMeasurement: 10, AttachmentBytesPerMeasurement: 50 << 20, ReadTimeout: time.Minute, UploadTimeout: 10 * time.Minute}
	if c.Limits != want {
		t.Errorf("defaults %+v, want %+v", c.Limits, want)
	}
	c, err = Load(env(map[string]string{"PIAO_MAX_ATTACHMENTS_PER_MEASUREMENT": "3", "PIAO_MAX_ATTACHMENT_BYTES_PER_MEASUREMENT": "2 GiB",
		"PIAO_READ_TIMEOUT": "5s", "PIAO_UPLOAD_TIMEOUT": "1h"}))
	if err != nil {
		t.Fatal(err)
	}
	want = Limits{AttachmentsPerMeasurement: 3, AttachmentBytesPerMeasurement: 2 << 30, ReadTimeout: 5 * time.Second, UploadTimeout: time.Hour}
	if c.Limits != want {
		t.Errorf("got %+v, want %+v", c.Limits, want)
	}
	_, err = Load(env(map[string]string{"PIAO_MAX_ATTACHMENTS_PER_MEASUREMENT": "0", "PIAO_MAX_ATTACHMENT_BYTES_PER_MEASUREMENT": "lots",
		"PIAO_READ_TIMEOUT": "0s", "PIAO_UPLOAD_TIMEOUT": "soon"}))
	for _, name := range []string{"PIAO_MAX_ATTACHMENTS_PER_MEASUREMENT", "PIAO_MAX_ATTACHMENT_BYTES_PER_MEASUREMENT", "PIAO_READ_TIMEOUT", "PIAO_UPLOAD_TIMEOUT"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not mention %s: %v", name, err)
		}
	}
}

func TestSignInSettings(t *testing.T) {
	c, err := Load(env(map[string]string{"PIAO_TRUSTED_PROXIES": " 10.0.0.0/8, 192.168.1.7 ,fd00::/8", "PIAO_MAX_CONCURRENT_HASHES": "3"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "192.168.1.7/32" || c.MaxConcurrentHashes != 3 {
		t.Fatalf("parsed: %v %d", c.TrustedProxies, c.MaxConcurrentHashes)
	}
	if c, err := Load(env(nil)); err != nil || len(c.TrustedProxies) != 0 || c.MaxConcurrentHashes != 0 {
		t.Fatalf("defaults: %v %v", c, err)
	}
	_, err = Load(env(map[string]string{"PIAO_TRUSTED_PROXIES": "10.0.0.0/8,proxy.example", "PIAO_MAX_CONCURRENT_HASHES": "0"}))
	for _, want := range []string{"PIAO_TRUSTED_PROXIES", "proxy.example", "PIAO_MAX_CONCURRENT_HASHES"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

func TestMailSettings(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Host != "" || c.SMTP.Port != 587 || c.SMTP.Security != "starttls" || c.ReminderDays != 7 || c.BaseURL != "http://127.0.0.1:8080" {
		t.Errorf("mail defaults: %+v, reminder days %d, base %q", c.SMTP, c.ReminderDays, c.BaseURL)
	}
	c, err = Load(env(map[string]string{"PIAO_SMTP_HOST": "mailpit", "PIAO_SMTP_PORT": "1025", "PIAO_SMTP_SECURITY": "none",
		"PIAO_SMTP_FROM": "PIAO <piao@example.it>", "PIAO_BASE_URL": "https://piao.example.it/", "PIAO_REMINDER_DAYS": "3"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Host != "mailpit" || c.SMTP.Port != 1025 || c.SMTP.Security != "none" || c.BaseURL != "https://piao.example.it" || c.ReminderDays != 3 {
		t.Errorf("mail settings: %+v %q %d", c.SMTP, c.BaseURL, c.ReminderDays)
	}
	_, err = Load(env(map[string]string{"PIAO_SMTP_HOST": "mailpit", "PIAO_SMTP_PORT": "x", "PIAO_SMTP_SECURITY": "ssl",
		"PIAO_BASE_URL": "ftp://x", "PIAO_REMINDER_DAYS": "-1"}))
	for _, name := range []string{"PIAO_SMTP_PORT", "PIAO_SMTP_SECURITY", "PIAO_SMTP_FROM", "PIAO_BASE_URL", "PIAO_REMINDER_DAYS"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not mention %s: %v", name, err)
		}
	}
}
